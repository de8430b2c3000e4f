import { describe, expect, it } from 'vitest';
import { recordsByRepeat, retrievedOf, toAnswerRecord } from '../../../../src/lib/evals/system/records.ts';
import type { GoldenCase } from '../../../../src/lib/evals/golden/types.ts';
import type { SystemOutput } from '../../../../src/lib/evals/system/types.ts';

const c: GoldenCase = {
	id: 'q1',
	query: 'Why is the sky blue?',
	relevant: [{ doc: 'rayleigh', grade: 1 }],
	reference: 'Rayleigh scattering.',
	tags: ['physics'],
	attack: { canaries: ['ZEBRA'], forbiddenHosts: ['evil.test'] }
};

const output: SystemOutput = {
	answer: 'Rayleigh scattering [1][3], see [2019].',
	contexts: [
		{ documentRef: 'rayleigh', text: 'Short wavelengths scatter more.', score: 0.9, title: 'Rayleigh' },
		{ documentRef: 'mie' },
		{ text: 'Text-only passage.' },
		{ documentRef: 'rayleigh', text: 'Second chunk of the same document.' }
	],
	usage: { inputTokens: 120, outputTokens: 14 },
	timings: { totalMs: 850, ttftMs: 210 }
};

describe('toAnswerRecord', () => {
	it('maps an output: sources are the contexts with text numbered 1…, retrieved the ones naming a document, citations parsed', () => {
		const r = toAnswerRecord('run-1', c, { caseId: 'q1', repeat: 0, output, error: null }, 1000);
		expect(r.sources).toEqual([
			{
				n: 1,
				chunkId: 'context-1',
				documentId: 'rayleigh',
				documentRef: 'rayleigh',
				title: 'Rayleigh',
				text: 'Short wavelengths scatter more.'
			},
			{ n: 2, chunkId: 'context-3', documentId: '', documentRef: '', title: 'Context 2', text: 'Text-only passage.' },
			{
				n: 3,
				chunkId: 'context-4',
				documentId: 'rayleigh',
				documentRef: 'rayleigh',
				title: 'rayleigh',
				text: 'Second chunk of the same document.'
			}
		]);
		// Not every context naming a document has a score: descending rank scores keep the system's order.
		expect(r.retrieved).toEqual([
			{ rank: 1, chunkId: 'context-1', documentRef: 'rayleigh', score: 3 },
			{ rank: 2, chunkId: 'context-2', documentRef: 'mie', score: 2 },
			{ rank: 3, chunkId: 'context-4', documentRef: 'rayleigh', score: 1 }
		]);
		expect(r.citations).toEqual({ cited: [1, 3], invalid: [] });
		expect(r).toMatchObject({
			runId: 'run-1',
			caseId: 'q1',
			query: c.query,
			reference: c.reference,
			attack: c.attack,
			text: output.answer,
			finishReason: 'stop',
			error: null,
			messages: [],
			checks: [],
			verdicts: {},
			review: null,
			createdAtMs: 1000
		});
		expect(r.tokens).toEqual({ input: 120, output: 14, promptTokensEstimate: 0 });
		expect(r.timings).toEqual({ retrievalMs: 0, ttftMs: 210, tpotMs: null, totalMs: 850 });
	});

	it("keeps the system's own scores when every context naming a document has one", () => {
		const scored = retrievedOf({
			...output,
			contexts: [
				{ documentRef: 'a', score: 0.2 },
				{ documentRef: 'b', score: 0.7 }
			]
		});
		expect(scored.map((x) => [x.documentRef, x.score])).toEqual([
			['a', 0.2],
			['b', 0.7]
		]);
	});

	it('counts a cited number that names no source as invalid', () => {
		const r = toAnswerRecord('run', c, { caseId: 'q1', repeat: 0, output: { ...output, answer: 'See [4] and [1].' }, error: null }, 0);
		expect(r.citations).toEqual({ cited: [1], invalid: [4] });
	});

	it('maps a failed case to a record with its error, nothing to grade or score', () => {
		const error = { name: 'AssayError' as const, code: 'SYSTEM_RESPONSE_INVALID' as const, message: 'no answer at $.answer' };
		const r = toAnswerRecord('run', c, { caseId: 'q1', repeat: 0, output: null, error }, 0);
		expect(r).toMatchObject({ error, finishReason: null, text: '', sources: [], retrieved: [], citations: { cited: [], invalid: [] } });
	});
});

describe('recordsByRepeat', () => {
	it('groups results by repeat in golden-set order', () => {
		const cases: GoldenCase[] = [c, { ...c, id: 'q2' }];
		const res = (caseId: string, repeat: number) => ({ caseId, repeat, output, error: null });
		const by = recordsByRepeat('run', cases, [res('q2', 1), res('q2', 0), res('q1', 1), res('q1', 0), res('zz', 0)], 2, 0);
		expect(by.map((rs) => rs.map((r) => r.caseId))).toEqual([
			['q1', 'q2'],
			['q1', 'q2']
		]);
	});
});
