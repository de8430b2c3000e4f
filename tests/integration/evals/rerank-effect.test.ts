import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { TransformersReranker } from '../../../src/lib/adapters/transformers-reranker.ts';
import { loadBeirDataset } from '../../../src/cli/beir-files.ts';
import { defaultAppConfig } from '../../../src/lib/config/schema.ts';
import {
	computeRerankEffect,
	evaluateRun,
	runRetrievalMode,
	type RankedList,
	type RetrievalRunOptions
} from '../../../src/lib/evals/index.ts';
import { createAnalyzer } from '../../../src/lib/search/index.ts';
import type { Reranker, RerankResult } from '../../../src/lib/search/rerank/index.ts';
import { fixtureEmbedSpec, fixtureRerankSpec } from '../embedding/fixture-models.ts';

const DEFAULTS = defaultAppConfig();
const dataset = loadBeirDataset(fileURLToPath(new URL('../../fixtures/datasets/topics', import.meta.url)));
const qrels = dataset.qrels!;
const embedder = new TransformersEmbedder();
const reranker = new TransformersReranker();
afterAll(async () => {
	await embedder.dispose();
	await reranker.dispose();
});

const TOP_K = 3;
const base: Omit<RetrievalRunOptions, 'mode'> = {
	params: { k1: DEFAULTS.bm25.k1, b: DEFAULTS.bm25.b },
	analyzer: createAnalyzer(DEFAULTS.bm25.analyzer),
	topK: TOP_K,
	depth: DEFAULTS.retrieval.depth,
	rrfK: DEFAULTS.retrieval.rrfK,
	rerankPoolFactor: DEFAULTS.retrieval.rerankPoolFactor,
	embedder,
	embedSpec: fixtureEmbedSpec('static-embed'),
	reranker,
	rerankSpec: fixtureRerankSpec('static-reranker')
};

function toRun(lists: readonly RankedList[]) {
	return new Map(lists.map((l) => [l.queryId, l.hits.map((h) => ({ docId: h.id, score: h.score }))]));
}

describe('the reranker effect on the topics fixture', () => {
	it('gives per query the metric of a separate hybrid run before and of a separate hybrid-rerank run after, to 1e-9', async () => {
		const hybrid = await runRetrievalMode(dataset.corpus, dataset.queries, { ...base, mode: 'hybrid' });
		const reranked = await runRetrievalMode(dataset.corpus, dataset.queries, { ...base, mode: 'hybrid-rerank' });
		const effect = computeRerankEffect(qrels, reranked.fusedLists!, reranked.lists, { topK: TOP_K });
		const opts = { cutoffs: [TOP_K, 10] };
		const hybridPerQuery = evaluateRun(qrels, toRun(hybrid.lists), opts).perQuery;
		const rerankPerQuery = evaluateRun(qrels, toRun(reranked.lists), opts).perQuery;
		expect(effect.perQuery.map((q) => q.id)).toEqual([...hybridPerQuery.keys()]);
		for (const q of effect.perQuery) {
			expect(q.before).toBeCloseTo(hybridPerQuery.get(q.id)!.ndcg_cut_10!, 9);
			expect(q.after).toBeCloseTo(rerankPerQuery.get(q.id)!.ndcg_cut_10!, 9);
			expect(q.delta).toBeCloseTo(q.after - q.before, 12);
		}
		expect(effect.helped + effect.hurt + effect.unchanged).toBe(effect.perQuery.length);
	});

	it('never reranks a document from beyond the pool depth into the top-k', async () => {
		const run = await runRetrievalMode(dataset.corpus, dataset.queries, { ...base, mode: 'hybrid-rerank', rerankDepth: TOP_K });
		for (const [i, list] of run.lists.entries()) {
			const fusedTop = new Set(run.fusedLists![i]!.hits.map((h) => h.id));
			for (const hit of list.hits) expect(fusedTop.has(hit.id)).toBe(true);
		}
	});

	it('scores exactly rerankDepth fused candidates per query, and factor × top-k without it', async () => {
		const spy = vi.spyOn(reranker, 'score');
		await runRetrievalMode(dataset.corpus, dataset.queries.slice(0, 1), { ...base, mode: 'hybrid-rerank' });
		await runRetrievalMode(dataset.corpus, dataset.queries.slice(0, 1), { ...base, mode: 'hybrid-rerank', rerankDepth: 5 });
		expect(spy.mock.calls.map((c) => c[2].length)).toEqual([DEFAULTS.retrieval.rerankPoolFactor * TOP_K, 5]);
		spy.mockRestore();
	});

	it('lets a document at the bottom of a deep pool reach the top, which a shallow pool never does', async () => {
		// A cross-encoder that prefers the last passage it is given: the bottom of the pool.
		const lastFirst: Reranker = {
			score: async (_spec, _q, passages) =>
				({ scores: passages.map((_, i) => i / passages.length), backend: 'wasm' }) satisfies RerankResult
		};
		const options = { ...base, reranker: lastFirst, mode: 'hybrid-rerank' as const };
		const deep = await runRetrievalMode(dataset.corpus, dataset.queries, { ...options, rerankDepth: 8 });
		const shallow = await runRetrievalMode(dataset.corpus, dataset.queries, { ...options, rerankDepth: TOP_K });
		const fused = await runRetrievalMode(dataset.corpus, dataset.queries, { ...base, mode: 'hybrid', topK: 8 });
		let checked = 0;
		for (const [i, list] of fused.lists.entries()) {
			if (list.hits.length < 8) continue;
			checked++;
			expect(deep.lists[i]!.hits[0]!.id).toBe(list.hits[7]!.id);
			expect(shallow.lists[i]!.hits.map((h) => h.id)).not.toContain(list.hits[7]!.id);
		}
		expect(checked).toBeGreaterThan(0);
	});
});
