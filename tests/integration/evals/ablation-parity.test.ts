import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { TransformersReranker } from '../../../src/lib/adapters/transformers-reranker.ts';
import { loadBeirDataset } from '../../../src/cli/beir-files.ts';
import { defaultAppConfig } from '../../../src/lib/config/schema.ts';
import { computeAblation, type AblationStage } from '../../../src/lib/evals/ablation/index.ts';
import { evaluateRetrieval, type RankedList, type RetrievalMetrics } from '../../../src/lib/evals/metrics/index.ts';
import { runRetrievalMode, type RetrievalRunOptions } from '../../../src/lib/evals/retrieval/hybrid-run.ts';
import { createAnalyzer } from '../../../src/lib/search/index.ts';
import type { RetrievalMode } from '../../../src/lib/search/retrieval/index.ts';
import { fixtureEmbedSpec, fixtureRerankSpec } from '../embedding/fixture-models.ts';

const embedder = new TransformersEmbedder();
const reranker = new TransformersReranker();
afterAll(async () => {
	await embedder.dispose();
	await reranker.dispose();
});

const DEFAULTS = defaultAppConfig();
const TOP_K = 10;
const dataset = (name: string) => loadBeirDataset(fileURLToPath(new URL(`../../fixtures/datasets/${name}/`, import.meta.url)));

/** The options `assay run` uses (app defaults: depth 100, RRF k 60, rerank pool 4 × top-k), fixture models. */
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

const asRun = (lists: readonly RankedList[]) =>
	new Map(lists.map((l) => [l.queryId, l.hits.map((h) => ({ docId: h.id, score: h.score }))]));

/** Every per-query value and mean of `separate` within 1e-9 of the ablation stage's. */
function expectSameMetrics(stage: AblationStage, ablation: ReturnType<typeof computeAblation>, separate: RetrievalMetrics) {
	const means = ablation.aggregate[stage]!;
	expect(Object.keys(means).sort()).toEqual(Object.keys(separate.means).sort());
	for (const [name, m] of Object.entries(separate.means)) {
		expect(Math.abs(means[name]!.mean - m.mean), `${stage} ${name}`).toBeLessThanOrEqual(1e-9);
		expect(Math.abs((means[name]!.answerableMean ?? 0) - (m.answerableMean ?? 0)), `${stage} ${name}`).toBeLessThanOrEqual(1e-9);
	}
	expect(ablation.perQuery.map((q) => q.id)).toEqual([...separate.perQuery.keys()]);
	for (const q of ablation.perQuery) {
		const values = separate.perQuery.get(q.id)!;
		for (const [name, v] of Object.entries(values))
			expect(Math.abs(q.metrics[stage]![name]! - v), `${stage} ${q.id} ${name}`).toBeLessThanOrEqual(1e-9);
	}
}

describe.each(['topics', 'cranfield'])('stage ablation of a hybrid-rerank run on %s', (name) => {
	const data = dataset(name);
	const qrels = data.qrels!;
	const queries = data.queries.filter((q) => qrels.has(q.id));
	const separate = async (mode: RetrievalMode) => (await runRetrievalMode(data.corpus, queries, { ...base, mode })).lists;
	let full: Awaited<ReturnType<typeof runRetrievalMode>> | undefined;
	const ablate = async () => {
		full ??= await runRetrievalMode(data.corpus, queries, { ...base, mode: 'hybrid-rerank', keepStages: true });
		return { full, ablation: computeAblation(full.stages!, qrels, { topK: TOP_K }) };
	};

	it('keeps every stage list of every query, in query order', async () => {
		const { full } = await ablate();
		expect(full.stages!.map((s) => s.id)).toEqual(queries.map((q) => q.id));
		for (const s of full.stages!)
			for (const stage of ['lexical', 'dense', 'fused', 'rerank'] as const) expect(s.stages[stage]).not.toBeNull();
	});

	it.each([
		['lexical', 'lexical'],
		['dense', 'dense'],
		['fused', 'hybrid'],
		['rerank', 'hybrid-rerank']
	] as const)('scores the %s stage as a separate %s run does, to 1e-9', async (stage, mode) => {
		const { full, ablation } = await ablate();
		const lists = await separate(mode);
		if (mode === 'hybrid-rerank') expect(full.lists).toEqual(lists);
		const cut = full.stages!.map((s) => ({
			queryId: s.id,
			hits: s.stages[stage]!.slice(0, TOP_K).map((h) => ({ id: h.id, score: h.score }))
		}));
		expect(cut).toEqual(lists);
		expectSameMetrics(stage, ablation, evaluateRetrieval(qrels, asRun(lists)));
	});
});
