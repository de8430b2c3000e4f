import { describe, expect, it } from 'vitest';
import { parseRetrievalConfig, percentile, runQueries } from '../../../src/lib/evals/runner/index.ts';

const base = { label: 'bm25', chunking: { mode: 'none' }, bm25: {} };

describe('retrieval configuration', () => {
	it('fills defaults: lexical, topK 10, depth 100, RRF k 60, no reranker, no embedding model', () => {
		expect(parseRetrievalConfig(base)).toMatchObject({
			mode: 'lexical',
			topK: 10,
			depth: 100,
			rrfK: 60,
			reranker: null,
			embeddingModel: null,
			bm25: { k1: 0.9, b: 0.4, analyzer: 'auto' }
		});
	});

	it('rejects a depth below topK', () => {
		expect(() => parseRetrievalConfig({ ...base, topK: 20, depth: 10 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
	});

	it('accepts dense, hybrid and hybrid-rerank configurations', () => {
		for (const mode of ['dense', 'hybrid', 'hybrid-rerank'] as const) expect(parseRetrievalConfig({ ...base, mode }).mode).toBe(mode);
	});

	it('rejects a reranker outside hybrid-rerank', () => {
		expect(() => parseRetrievalConfig({ ...base, mode: 'hybrid', reranker: 'bge-reranker' })).toThrow(/only in mode hybrid-rerank/);
	});

	it('names the bad field of an invalid configuration', () => {
		expect(() => parseRetrievalConfig({ ...base, bm25: { b: 2 } })).toThrow(/bm25\.b/);
	});
});

describe('rerank pool depth in a retrieval configuration', () => {
	it('is absent by default, so the configuration and its report read as before', () => {
		expect(parseRetrievalConfig({ ...base, mode: 'hybrid-rerank' })).not.toHaveProperty('rerankDepth');
	});

	it('is kept for hybrid-rerank and refused below topK, above 1000 or in another mode', () => {
		expect(parseRetrievalConfig({ ...base, mode: 'hybrid-rerank', topK: 10, rerankDepth: 30 }).rerankDepth).toBe(30);
		expect(() => parseRetrievalConfig({ ...base, mode: 'hybrid-rerank', topK: 10, rerankDepth: 5 })).toThrow(
			/rerankDepth \(5\) must be at least topK/
		);
		expect(() => parseRetrievalConfig({ ...base, mode: 'hybrid-rerank', rerankDepth: 1001 })).toThrow(/rerankDepth/);
		expect(() => parseRetrievalConfig({ ...base, mode: 'hybrid', rerankDepth: 30 })).toThrow(/only in mode hybrid-rerank/);
	});
});

describe('runner', () => {
	it('nearest-rank percentiles: p50 and p95 of 1..20 are 10 and 19; none for no values', () => {
		const values = Array.from({ length: 20 }, (_, i) => 20 - i);
		expect([percentile(values, 50), percentile(values, 95), percentile([], 50)]).toEqual([10, 19, null]);
	});

	it('rounds scores to 6 decimals (as the TREC export) and keeps at most depth documents', async () => {
		const result = await runQueries(
			[{ id: 'q', query: 'x' }],
			{
				retrieve: () => [
					{ docId: 'a', score: 1.23456789 },
					{ docId: 'b', score: 1 }
				]
			},
			{ depth: 1 }
		);
		expect(result.run.get('q')).toEqual([{ docId: 'a', score: 1.234568 }]);
	});

	it('stops between queries when cancelled and keeps the finished ones', async () => {
		let calls = 0;
		const result = await runQueries(
			[1, 2, 3].map((i) => ({ id: `q${i}`, query: 'x' })),
			{ retrieve: () => (calls++, []) },
			{ depth: 5, isCancelled: () => calls >= 2 }
		);
		expect(result.cancelled).toBe(true);
		expect([...result.run.keys()]).toEqual(['q1', 'q2']);
	});

	it('refuses an empty golden set', async () => {
		await expect(runQueries([], { retrieve: () => [] }, { depth: 5 })).rejects.toMatchObject({ code: 'DATASET_INVALID' });
	});
});
