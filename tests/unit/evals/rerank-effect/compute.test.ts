import { describe, expect, it } from 'vitest';
import { computeRerankEffect, formatRerankEffect, RerankEffectSchema, type RankedList } from '../../../../src/lib/evals/index.ts';

const qrels = new Map([
	[
		'q1',
		new Map([
			['a', 1],
			['d', 1]
		])
	],
	['q2', new Map([['x', 1]])],
	['q3', new Map([['m', 1]])]
]);
const list = (queryId: string, ids: string[]): RankedList => ({ queryId, hits: ids.map((id, i) => ({ id, score: 1 - i / 10 })) });
const fused = [list('q1', ['b', 'c', 'a', 'd']), list('q2', ['x', 'y']), list('q3', ['m', 'n'])];
const reranked = [list('q1', ['d', 'a', 'b', 'c']), list('q2', ['y', 'x']), list('q3', ['m', 'n'])];

describe('computeRerankEffect', () => {
	it('counts relevant documents moved into and out of the top-k and the helped / hurt / unchanged queries', () => {
		const effect = computeRerankEffect(qrels, fused, reranked, { topK: 2, metric: 'recip_rank' });
		expect(effect.perQuery).toEqual([
			{ id: 'q1', before: 1 / 3, after: 1, delta: 1 - 1 / 3, movedIn: 2, movedOut: 0 },
			{ id: 'q2', before: 1, after: 0.5, delta: -0.5, movedIn: 0, movedOut: 0 },
			{ id: 'q3', before: 1, after: 1, delta: 0, movedIn: 0, movedOut: 0 }
		]);
		expect(effect).toMatchObject({ helped: 1, hurt: 1, unchanged: 1, topK: 2, poolDepth: null });
		expect(effect.meanBefore).toBeCloseTo((1 / 3 + 2) / 3, 12);
		expect(RerankEffectSchema.parse(effect)).toEqual(effect);
	});

	it('counts a relevant document pushed below the top-k as moved out', () => {
		const effect = computeRerankEffect(qrels, [list('q2', ['x', 'y', 'z'])], [list('q2', ['y', 'z', 'x'])], { topK: 2 });
		expect(effect.perQuery[0]).toMatchObject({ movedIn: 0, movedOut: 1 });
		expect(effect.hurt).toBe(1);
	});

	it('refuses a metric evaluateRun does not write', () => {
		expect(() => computeRerankEffect(qrels, fused, reranked, { topK: 2, metric: 'ndcg@10' })).toThrow(/Unknown metric/);
	});

	it('prints one summary line and the largest changes first', () => {
		const lines = formatRerankEffect(computeRerankEffect(qrels, fused, reranked, { topK: 2, metric: 'recip_rank', poolDepth: 4 }), 2);
		expect(lines).toEqual([
			'reranker effect on recip_rank (top-2, pool 4): helped 1, hurt 1, unchanged 1; mean 0.7778 fused → 0.8333 reranked (+0.0556)',
			'  q1  0.3333 → 1.0000  Δ +0.6667  relevant +2 in −0 out of top-2',
			'  q2  1.0000 → 0.5000  Δ −0.5000  relevant +0 in −0 out of top-2',
			'  … 1 more queries'
		]);
	});
});
