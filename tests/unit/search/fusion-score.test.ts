import { describe, expect, it } from 'vitest';
import {
	describeFusion,
	FusionConfigSchema,
	fuseScoredLists,
	normalizeScores,
	reciprocalRankFusion,
	type ScoredList
} from '$lib/search/fusion/index.ts';

// lexical: a 10, b 6, c 2 — dense: b 0.9, d 0.5, a 0.1 (hand-computed below).
const lists: ScoredList[] = [
	{
		name: 'lexical',
		hits: [
			{ id: 'a', score: 10 },
			{ id: 'b', score: 6 },
			{ id: 'c', score: 2 }
		]
	},
	{
		name: 'dense',
		hits: [
			{ id: 'b', score: 0.9 },
			{ id: 'd', score: 0.5 },
			{ id: 'a', score: 0.1 }
		]
	}
];

const pairs = (items: { id: string; score: number }[]) => items.map((i) => [i.id, i.score] as const);

function expectFused(actual: { id: string; score: number }[], expected: [string, number][]): void {
	expect(actual.map((a) => a.id)).toEqual(expected.map((e) => e[0]));
	actual.forEach((a, i) => expect(a.score).toBeCloseTo(expected[i]![1], 12));
}

describe('score normalisation', () => {
	it('maps min-max scores onto [0, 1] and a constant list to 1', () => {
		expect(normalizeScores([10, 6, 2], 'minmax')).toEqual([1, 0.5, 0]);
		expect(normalizeScores([5, 5], 'minmax')).toEqual([1, 1]);
		expect(normalizeScores([], 'minmax')).toEqual([]);
	});

	it('maps z-scores with the population standard deviation and a constant list to 0', () => {
		const z = normalizeScores([10, 6, 2], 'zscore');
		// mean 6, σ = √(32/3) = 3.265986323710904
		expect(z[0]).toBeCloseTo(4 / Math.sqrt(32 / 3), 12);
		expect(z[0]).toBeCloseTo(1.224744871391589, 12);
		expect(z[1]).toBe(0);
		expect(z[2]).toBeCloseTo(-1.224744871391589, 12);
		expect(normalizeScores([3], 'zscore')).toEqual([0]);
	});

	it('refuses non-finite scores', () => {
		expect(() => normalizeScores([1, Number.NaN], 'minmax')).toThrow(RangeError);
	});
});

describe('fuseScoredLists', () => {
	it('gives exactly the reciprocal rank fusion list for rrf and for no configuration', () => {
		const rrf = reciprocalRankFusion(
			lists.map((l) => ({ name: l.name, ids: l.hits.map((h) => h.id) })),
			{ k: 60 }
		);
		expect(fuseScoredLists(lists, undefined)).toEqual(rrf);
		expect(fuseScoredLists(lists, { method: 'rrf', k: 60 })).toEqual(rrf);
		expect(fuseScoredLists(lists, undefined, { defaultK: 2 })).toEqual(
			reciprocalRankFusion(
				lists.map((l) => ({ name: l.name, ids: l.hits.map((h) => h.id) })),
				{ k: 2 }
			)
		);
	});

	it('weights each list in weighted RRF: a 2/2 + 1/4, b 2/3 + 1/2, c 2/4, d 1/3 at k 1', () => {
		const fused = fuseScoredLists(lists, { method: 'weighted-rrf', k: 1, weights: { lexical: 2, dense: 1 } });
		expectFused(fused, [
			['a', 1.25],
			['b', 2 / 3 + 1 / 2],
			['c', 0.5],
			['d', 1 / 3]
		]);
		expect(fused[1]!.ranks).toEqual({ dense: 1, lexical: 2 });
		expect(fused[3]!.ranks).toEqual({ dense: 2, lexical: null });
	});

	it('sums min-max scores in CombSUM, a missing document adding 0: b 0.5 + 1, a 1 + 0, d 0.5, c 0', () => {
		expectFused(fuseScoredLists(lists, { method: 'combsum' }), [
			['b', 1.5],
			['a', 1],
			['d', 0.5],
			['c', 0]
		]);
	});

	it('weights CombSUM: b 0.3·0.5 + 0.7·1, d 0.7·0.5, a 0.3·1, c 0', () => {
		expectFused(fuseScoredLists(lists, { method: 'combsum', weights: { lexical: 0.3, dense: 0.7 } }), [
			['b', 0.85],
			['d', 0.35],
			['a', 0.3],
			['c', 0]
		]);
	});

	it('multiplies CombSUM by the number of lists holding the document in CombMNZ: b 3, a 2, d 0.5, c 0', () => {
		expectFused(fuseScoredLists(lists, { method: 'combmnz', normalization: 'minmax' }), [
			['b', 3],
			['a', 2],
			['d', 0.5],
			['c', 0]
		]);
	});

	it('fuses z-scores: b 0 + 1.2247, a 1.2247 − 1.2247, d 0, c −1.2247 (a before d on its best rank)', () => {
		const z = 1.224744871391589;
		expectFused(fuseScoredLists(lists, { method: 'combsum', normalization: 'zscore' }), [
			['b', z],
			['a', 0],
			['d', 0],
			['c', -z]
		]);
		expectFused(fuseScoredLists(lists, { method: 'combmnz', normalization: 'zscore' }), [
			['b', 2 * z],
			['a', 0],
			['d', 0],
			['c', -z]
		]);
	});

	it('breaks equal scores by best list rank, then by id', () => {
		const crossed: ScoredList[] = [
			{
				name: 'lexical',
				hits: [
					{ id: 'y', score: 2 },
					{ id: 'x', score: 1 }
				]
			},
			{
				name: 'dense',
				hits: [
					{ id: 'x', score: 2 },
					{ id: 'y', score: 1 }
				]
			}
		];
		expect(fuseScoredLists(crossed, { method: 'weighted-rrf', k: 0 }).map((f) => [f.id, f.score])).toEqual([
			['x', 1.5],
			['y', 1.5]
		]);
		const constant: ScoredList[] = [
			{ name: 'lexical', hits: [{ id: 'a', score: 5 }] },
			{
				name: 'dense',
				hits: [
					{ id: 'b', score: 0.3 },
					{ id: 'c', score: 0.1 }
				]
			}
		];
		expect(pairs(fuseScoredLists(constant, { method: 'combsum' }))).toEqual([
			['a', 1],
			['b', 1],
			['c', 0]
		]);
	});

	it('leaves a list of weight 0 out: only the dense ids, scored by dense alone', () => {
		const fused = fuseScoredLists(lists, { method: 'combmnz', weights: { lexical: 0, dense: 1 } });
		expect(pairs(fused)).toEqual([
			['b', 1],
			['d', 0.5],
			['a', 0]
		]);
		expect(fused[2]!.ranks).toEqual({ dense: 3, lexical: 1 });
	});

	it('counts a repeated id once, at its first position and score, and cuts at the limit', () => {
		const repeated: ScoredList[] = [
			{
				name: 'lexical',
				hits: [
					{ id: 'a', score: 4 },
					{ id: 'b', score: 2 },
					{ id: 'a', score: 0 }
				]
			}
		];
		expect(pairs(fuseScoredLists(repeated, { method: 'combsum' }))).toEqual([
			['a', 1],
			['b', 0]
		]);
		expect(fuseScoredLists(lists, { method: 'combsum' }, { limit: 2 }).map((f) => [f.id, f.rank])).toEqual([
			['b', 1],
			['a', 2]
		]);
	});

	it('does not depend on the order of the input lists', () => {
		const config = { method: 'combmnz', normalization: 'zscore', weights: { lexical: 0.4, dense: 0.6 } } as const;
		expect(fuseScoredLists([...lists].reverse(), config)).toEqual(fuseScoredLists(lists, config));
	});

	it('refuses a negative k and lists sharing a name', () => {
		expect(() => fuseScoredLists(lists, { method: 'weighted-rrf', k: -1 })).toThrow(RangeError);
		expect(() => fuseScoredLists([lists[0]!, lists[0]!], { method: 'combsum' })).toThrow(RangeError);
	});
});

describe('FusionConfigSchema', () => {
	it('accepts each method with the fields it uses and refuses fields it does not', () => {
		expect(
			FusionConfigSchema.safeParse({ method: 'combmnz', normalization: 'zscore', weights: { lexical: 0.3, dense: 0.7 } }).success
		).toBe(true);
		expect(FusionConfigSchema.safeParse({ method: 'weighted-rrf', k: 20, weights: { lexical: 1, dense: 2 } }).success).toBe(true);
		expect(FusionConfigSchema.safeParse({ method: 'rrf', normalization: 'minmax' }).success).toBe(false);
		expect(FusionConfigSchema.safeParse({ method: 'combsum', k: 60 }).success).toBe(false);
		expect(FusionConfigSchema.safeParse({ method: 'combsum', weights: { lexical: 0, dense: 0 } }).success).toBe(false);
		expect(FusionConfigSchema.safeParse({ method: 'combsum', weights: { lexical: -1, dense: 1 } }).success).toBe(false);
	});

	it('describes a configuration in a short label', () => {
		expect(describeFusion(undefined, 60)).toBe('RRF k 60');
		expect(describeFusion({ method: 'combmnz', normalization: 'zscore', weights: { lexical: 0.3, dense: 0.7 } }, 60)).toBe(
			'CombMNZ z-score 0.3/0.7'
		);
		expect(describeFusion({ method: 'weighted-rrf', weights: { lexical: 1, dense: 2 } }, 60)).toBe('weighted RRF k 60 1/2');
	});
});
