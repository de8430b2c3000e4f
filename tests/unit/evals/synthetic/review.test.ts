import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { acceptSynthetic, enqueueSynthetic, pendingSynthetic, rejectSynthetic } from '../../../../src/lib/evals/synthetic/index.ts';
import { evaluableCases, GoldenCaseInputSchema, syntheticCount, type GoldenCase } from '../../../../src/lib/evals/golden/index.ts';

const source = (review: 'pending' | 'accepted' | 'rejected') =>
	({
		kind: 'synthetic',
		model: 'm',
		promptVersion: 'synthetic-qa/1',
		documentIds: ['a.md'],
		generatedAt: '2026-01-02T00:00:00.000Z',
		review
	}) as const;
const real: GoldenCase = { id: 'q1', query: 'Real question?', relevant: [{ doc: 'a.md', grade: 1 }], tags: [] };
const syn = (id: string, review: 'pending' | 'accepted' | 'rejected' = 'pending'): GoldenCase => ({
	id,
	query: `Question ${id}?`,
	relevant: [{ doc: 'a.md', grade: 1 }],
	reference: 'An answer.',
	tags: ['synthetic', 'single-document'],
	source: source(review)
});

describe('synthetic case review', () => {
	it('moves an accepted case into the evaluated cases and out of the queue', () => {
		const lists = enqueueSynthetic({ cases: [real], synthetic: [] }, [syn('syn-1'), syn('syn-2')]);
		const next = acceptSynthetic(lists, 'syn-2');
		expect(next.cases).toEqual([real, syn('syn-2', 'accepted')]);
		expect(next.synthetic).toEqual([syn('syn-1')]);
	});

	it('accepts an edited case with its corrections and an edited tag', () => {
		const next = acceptSynthetic({ cases: [], synthetic: [syn('syn-1')] }, 'syn-1', { query: ' Better question? ', reference: '' });
		expect(next.cases).toEqual([
			{
				id: 'syn-1',
				query: 'Better question?',
				relevant: [{ doc: 'a.md', grade: 1 }],
				tags: ['synthetic', 'single-document', 'edited'],
				source: source('accepted')
			}
		]);
	});

	it('keeps a rejected case in the queue as rejected, out of the pending list', () => {
		const next = rejectSynthetic({ cases: [real], synthetic: [syn('syn-1'), syn('syn-2')] }, 'syn-1');
		expect(next.synthetic).toEqual([syn('syn-1', 'rejected'), syn('syn-2')]);
		expect(pendingSynthetic(next.synthetic).map((c) => c.id)).toEqual(['syn-2']);
		expect(next.cases).toEqual([real]);
	});

	it('refuses to accept a case that is not pending, or an empty question', () => {
		const lists = { cases: [], synthetic: [syn('syn-1', 'rejected'), syn('syn-2')] };
		expect(() => acceptSynthetic(lists, 'syn-1')).toThrow(/No pending synthetic case syn-1/);
		expect(() => rejectSynthetic(lists, 'nope')).toThrow(/No pending synthetic case nope/);
		expect(() => acceptSynthetic(lists, 'syn-2', { query: '  ' })).toThrow(/needs a question/);
	});

	it('evaluates real and accepted synthetic cases only, and counts the synthetic ones', () => {
		const cases = [real, syn('syn-1', 'accepted'), syn('syn-2', 'pending'), syn('syn-3', 'rejected')];
		expect(evaluableCases(cases).map((c) => c.id)).toEqual(['q1', 'syn-1']);
		expect(syntheticCount(cases)).toBe(3);
		expect(syntheticCount(evaluableCases(cases))).toBe(1);
	});

	it('validates a synthetic source in a golden-set line and rejects an unknown review state', () => {
		expect(GoldenCaseInputSchema.safeParse(syn('syn-1')).success).toBe(true);
		expect(GoldenCaseInputSchema.safeParse({ ...syn('syn-1'), source: { ...source('pending'), review: 'maybe' } }).success).toBe(false);
	});

	it('writes synthetic cases that the committed golden-case JSON Schema accepts', () => {
		const schema = JSON.parse(readFileSync(new URL('../../../../schemas/golden-case.v1.schema.json', import.meta.url), 'utf8')) as object;
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
		expect([validate(syn('syn-1')), validate({ ...syn('syn-1'), source: { ...source('pending'), review: 'maybe' } })]).toEqual([
			true,
			false
		]);
	});
});
