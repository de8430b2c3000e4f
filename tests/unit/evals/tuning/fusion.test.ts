import { describe, expect, it } from 'vitest';
import { fusedMetric, fusionGrid, tuneFusion, type FusionTuneQuery } from '../../../../src/lib/evals/tuning/fusion.ts';

/**
 * Two kinds of query, CombSUM over min-max scores (already in [0, 1]), lexical weight w:
 * - "dense" queries: lexical comp 1, rel 0.1, z 0; dense rel 1, comp 0.6, z 0 →
 *   rel = 1 − 0.9w beats comp = 0.6 + 0.4w iff w < 0.3077;
 * - "lexical" queries: lexical rel 1, z 0.5, comp 0; dense comp 1, rel 0.7, z 0 →
 *   rel = 0.7 + 0.3w beats comp = 1 − w iff w > 0.2308.
 * Only w = 0.3 of the 0.1 grid puts rel first for both, so it is the one best weight.
 * Plain RRF ties rel and comp on the dense queries and puts `comp` first by id.
 */
function fixture(): { queries: FusionTuneQuery[]; qrels: Map<string, Map<string, number>> } {
	const queries: FusionTuneQuery[] = [];
	const qrels = new Map<string, Map<string, number>>();
	for (let i = 0; i < 20; i++) {
		const d = `d${i}`;
		queries.push({
			id: d,
			lexical: [
				{ id: `${d}-comp`, score: 1 },
				{ id: `${d}-rel`, score: 0.1 },
				{ id: `${d}-z`, score: 0 }
			],
			dense: [
				{ id: `${d}-rel`, score: 1 },
				{ id: `${d}-comp`, score: 0.6 },
				{ id: `${d}-z`, score: 0 }
			]
		});
		qrels.set(d, new Map([[`${d}-rel`, 1]]));
		const l = `l${i}`;
		queries.push({
			id: l,
			lexical: [
				{ id: `${l}-rel`, score: 1 },
				{ id: `${l}-z`, score: 0.5 },
				{ id: `${l}-comp`, score: 0 }
			],
			dense: [
				{ id: `${l}-comp`, score: 1 },
				{ id: `${l}-rel`, score: 0.7 },
				{ id: `${l}-z`, score: 0 }
			]
		});
		qrels.set(l, new Map([[`${l}-rel`, 1]]));
	}
	return { queries, qrels };
}

describe('fusion weight tuning', () => {
	it('builds the weight grid 0, 0.1, …, 1 with dense = 1 − lexical, and a k grid for RRF', () => {
		const grid = fusionGrid('combsum', 'minmax', 0.1, [60]);
		expect(grid.map((g) => g.weights!.lexical)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
		expect(grid[3]).toEqual({ method: 'combsum', normalization: 'minmax', weights: { lexical: 0.3, dense: 0.7 } });
		expect(fusionGrid('rrf', 'minmax', 0.1, [10, 60])).toEqual([
			{ method: 'rrf', k: 10 },
			{ method: 'rrf', k: 60 }
		]);
		expect(fusionGrid('weighted-rrf', 'minmax', 0.5, [1, 2])).toHaveLength(6);
		expect(() => fusionGrid('combsum', 'minmax', 0, [60])).toThrow(/weightStep/);
	});

	it('scores each query on the fused order: rel first at w 0.3, second on the dense queries at w 0.4', () => {
		const { queries, qrels } = fixture();
		const pair = [queries[0]!, queries[1]!];
		expect(fusedMetric(pair, qrels, { method: 'combsum', weights: { lexical: 0.3, dense: 0.7 } }, 'recip_rank', 100)).toEqual([1, 1]);
		expect(fusedMetric(pair, qrels, { method: 'combsum', weights: { lexical: 0.4, dense: 0.6 } }, 'recip_rank', 100)).toEqual([0.5, 1]);
		expect(fusedMetric(pair, qrels, { method: 'combsum', weights: { lexical: 0.2, dense: 0.8 } }, 'recip_rank', 100)).toEqual([1, 0.5]);
		expect(fusedMetric(pair, qrels, { method: 'rrf', k: 60 }, 'recip_rank', 100)).toEqual([0.5, 1]);
		expect(() => fusedMetric(pair, qrels, { method: 'rrf' }, 'no_such_metric', 100)).toThrow(/Unknown metric/);
	});

	it('picks the known-best lexical weight 0.3 on the tune split and confirms it beats RRF on the other', () => {
		const { queries, qrels } = fixture();
		const result = tuneFusion(queries, qrels, { method: 'combsum', metric: 'recip_rank', seed: 7 });
		expect(result.chosen).toEqual({ method: 'combsum', normalization: 'minmax', weights: { lexical: 0.3, dense: 0.7 } });
		expect(result.tune.chosenMean).toBe(1);
		expect(result.grid.filter((g) => g.tuneMean === 1)).toHaveLength(1);
		expect(result.split.tune.length + result.split.confirm.length).toBe(40);
		expect(new Set([...result.split.tune, ...result.split.confirm]).size).toBe(40);
		expect(result.confirm.chosenMean).toBe(1);
		const denseInConfirm = result.split.confirm.filter((id) => id.startsWith('d')).length;
		expect(result.confirm.baselineMean).toBeCloseTo(
			(denseInConfirm * 0.5 + (result.split.confirm.length - denseInConfirm)) / result.split.confirm.length,
			12
		);
		expect(result.confirm.comparison.verdict).toBe('better');
		expect(result.confirm.comparison.improved).toBe(denseInConfirm);
	});

	it('keeps the same split for the same seed and changes it for another', () => {
		const { queries, qrels } = fixture();
		const a = tuneFusion(queries, qrels, { method: 'combmnz', metric: 'recip_rank', seed: 7 });
		const b = tuneFusion([...queries].reverse(), qrels, { method: 'combmnz', metric: 'recip_rank', seed: 7 });
		const c = tuneFusion(queries, qrels, { method: 'combmnz', metric: 'recip_rank', seed: 8 });
		expect(b.split).toEqual(a.split);
		expect(c.split.tune).not.toEqual(a.split.tune);
	});
});
