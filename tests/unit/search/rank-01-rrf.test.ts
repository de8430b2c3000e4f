import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { reciprocalRankFusion } from '../../../src/lib/search/fusion/index.ts';

const dir = new URL('../../fixtures/cases/rank-01-rrf-missing-and-ties/', import.meta.url);
const runs = JSON.parse(readFileSync(new URL('runs.json', dir), 'utf8'));
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8'));

function fuse(scenario: { dense: string[]; sparse: string[] }, order: 'dense-first' | 'sparse-first' = 'dense-first') {
	const lists = [
		{ name: 'dense', ids: scenario.dense },
		{ name: 'sparse', ids: scenario.sparse }
	];
	return reciprocalRankFusion(order === 'dense-first' ? lists : lists.reverse(), { k: runs.k });
}

describe('rank-01: RRF with missing documents, duplicates and ties', () => {
	it('fuses scenario a into the expected order', () => {
		expect(fuse(runs.scenario_a).map((f) => f.id)).toEqual(expected.scenario_a.fused);
	});

	it('gives every document of scenario a the expected score to six digits', () => {
		for (const item of fuse(runs.scenario_a)) expect(item.score).toBeCloseTo(expected.scenario_a.scores[item.id], 6);
	});

	it('lets a document missing from one list contribute only its other list', () => {
		const d7 = fuse(runs.scenario_a).find((f) => f.id === 'd7');
		expect(d7?.ranks).toEqual({ dense: 1, sparse: null });
		expect(d7?.score).toBe(1 / 61);
	});

	it('puts the relevant document first, so MRR@3 is 1', () => {
		const top3 = fuse(runs.scenario_a)
			.slice(0, 3)
			.map((f) => f.id);
		const firstHit = top3.findIndex((id) => expected.scenario_a && runs.scenario_a.relevant.includes(id));
		expect(firstHit === -1 ? 0 : 1 / (firstHit + 1)).toBe(expected.scenario_a['mrr@3']);
	});

	it('counts a duplicated id once at its best rank and re-ranks the list over unique ids', () => {
		const fused = fuse(runs.scenario_b_duplicates);
		expect(fused.map((f) => f.id)).toEqual(expected.scenario_b_duplicates.fused);
		expect(fused[0]?.score).toBeCloseTo(expected.scenario_b_duplicates.d1_score, 6);
		expect(fused.find((f) => f.id === 'd8')?.ranks.sparse).toBe(2);
	});

	it('returns the same order and bit-equal scores whatever the order of the input lists', () => {
		for (const scenario of [runs.scenario_a, runs.scenario_b_duplicates]) {
			expect(fuse(scenario, 'sparse-first')).toEqual(fuse(scenario, 'dense-first'));
		}
	});

	it('is independent of list order for any lists (property)', () => {
		const list = fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 8 });
		fc.assert(
			fc.property(list, list, list, (x, y, z) => {
				const lists = [
					{ name: 'x', ids: x },
					{ name: 'y', ids: y },
					{ name: 'z', ids: z }
				];
				expect(reciprocalRankFusion([...lists].reverse())).toEqual(reciprocalRankFusion(lists));
			})
		);
	});

	it('rejects a negative k', () => {
		expect(() => reciprocalRankFusion([], { k: -1 })).toThrow(RangeError);
	});
});
