import type { Embedder, EmbeddingModelSpec } from '../../embedding/index.ts';
import { rerankPoolSize } from '../../search/rerank/pool.ts';
import { runInBatches } from '../../embedding/batch.ts';
import { Bm25Index, type Analyzer, type Bm25Params } from '../../search/index.ts';
import type { FusionConfig } from '../../search/fusion/score.ts';
import type { Reranker, RerankerSpec } from '../../search/rerank/index.ts';
import { averageTokens, retrieve, type ExpandConfig, type ExpandedSpan, type RetrievalMode } from '../../search/retrieval/index.ts';
import type { ChunkingConfig } from '../../config/index.ts';
import { chunkCorpus, expandCorpusHits, type CorpusItems } from './chunked-corpus.ts';
import { ExactVectorIndex } from '../../search/vector/index.ts';
import { rewriteQuery, sumRewriteUsage, type QueryPlan, type RewriteCache, type RewriteConfig } from '../../search/rewrite/index.ts';
import type { ChatModel } from '../../generation/types.ts';
import {
	contextualizeChunks,
	contextualText,
	type ContextCache,
	type ContextualConfig,
	type ContextualSummary
} from '../../search/contextual/index.ts';
import { contextualChunksOf } from './contextual-corpus.ts';
import { AssayError } from '../../shared/errors.ts';
import type { AblationQuery } from '../ablation/compute.ts';
import type { BeirDocument, BeirQuery } from '../datasets/beir.ts';
import type { RankedList } from '../metrics/trec-format.ts';

/** Options of {@link runRetrievalMode}. */
export interface RetrievalRunOptions {
	readonly mode: RetrievalMode;
	readonly params: Bm25Params;
	readonly analyzer: Analyzer;
	/** Documents written per query. */
	readonly topK: number;
	/** Candidates per retriever before fusion. */
	readonly depth: number;
	readonly rrfK: number;
	/** Fusion of the hybrid modes; absent = RRF with `rrfK`. */
	readonly fusion?: FusionConfig | undefined;
	/** Rerank pool = factor × topK (when `rerankDepth` is absent). */
	readonly rerankPoolFactor: number;
	/** Rerank pool depth in fused candidates (raised to topK when smaller); absent = factor × topK. See `rerankPoolSize`. */
	readonly rerankDepth?: number | undefined;
	/** Needed for dense/hybrid modes. */
	readonly embedder?: Embedder;
	readonly embedSpec?: EmbeddingModelSpec;
	/** Needed for hybrid-rerank. */
	readonly reranker?: Reranker;
	readonly rerankSpec?: RerankerSpec;
	/** Documents per embedding call (default 32). */
	readonly batchSize?: number;
	readonly onEmbedProgress?: (done: number, total: number) => void;
	/**
	 * Keep every query's stage lists (`retrieve()`'s `outcome.stages`: lexical and dense `depth`
	 * deep in the hybrid modes, `topK` in a single-retriever mode; fused in full; reranked pool) for
	 * a stage ablation (`computeAblation`). Default false. Chunk-level ids when `expand` is set.
	 */
	readonly keepStages?: boolean;
	/**
	 * Parent-document retrieval: documents are chunked with `chunking` (as the app chunks an
	 * imported BEIR document, see `chunkCorpus`), chunks are searched, and the top chunks are
	 * expanded to at most `topK` spans (`expandHits`: a document's chunks of one parent count
	 * once); documents are then ranked by their best span. Absent or mode `none` = each document is one item (today's run).
	 */
	readonly expand?: { readonly config: ExpandConfig; readonly chunking: ChunkingConfig } | undefined;
	/** Called with 0 before the first query and after each query (retrieval, fusion and reranking done), of `total` queries. */
	readonly onQueryProgress?: (done: number, total: number) => void;
	/** Rewrite every query first (see `rewriteQuery`); absent = no rewriting, today's runs. */
	readonly rewrite?: {
		readonly config: RewriteConfig;
		/** The answering model profile's chat model. */
		readonly model: ChatModel;
		/** Absent = every query asks the model. */
		readonly cache?: RewriteCache;
	};
	/**
	 * Contextual chunks (Anthropic, "Contextual Retrieval", Sept 2024; `contextualizeChunks`): each
	 * item (a document, or a chunk with `expand`) gets a model-written context prepended to the text
	 * BM25 indexes and the embedder embeds; the reranker still scores the original text. A chunk
	 * whose reply is malformed is indexed with its text alone. Absent = no contexts, today's runs.
	 */
	readonly contextual?: {
		readonly config: ContextualConfig;
		/** The answering model profile's chat model. */
		readonly model: ChatModel;
		/** Absent = every item asks the model. */
		readonly cache?: ContextCache;
		/** Called after each item, of `total`. */
		readonly onProgress?: (done: number, total: number) => void;
	};
}

/** What the rewriting stage of a run did and cost (tokens as the engine reported them). */
export interface RewriteRunSummary {
	readonly technique: RewriteConfig['technique'];
	readonly count: number;
	readonly modelId: string;
	/** `gen_ai.provider.name` of the model, for pricing (`costFor`). */
	readonly provider: string;
	/** Model calls made (0 when every rewrite came from the cache). */
	readonly calls: number;
	readonly inputTokens: number;
	readonly outputTokens: number;
	/** Queries whose rewrite came from the cache. */
	readonly cached: number;
	/** Queries that fell back to the original query alone, with why. */
	readonly fallbacks: readonly { readonly queryId: string; readonly reason: string }[];
	/** Each query's plan, in query order. */
	readonly plans: readonly (QueryPlan & { readonly queryId: string })[];
}

/** Result: one list per query plus timings in milliseconds. */
export interface RetrievalRunResult {
	readonly lists: RankedList[];
	/**
	 * hybrid-rerank only: each query's fused list before reranking, cut to topK with the fused
	 * scores — what a `hybrid` run with the same options returns (the "before" of the reranker's effect).
	 */
	readonly fusedLists?: RankedList[];
	readonly embedMs: number;
	readonly searchMs: number;
	/** Backend that computed the document vectors, when any. */
	readonly backend: string | null;
	/** Present only when `options.rewrite` was given. */
	readonly rewrite?: RewriteRunSummary;
	/** Present only when `options.contextual` was given: the contexts by item id and what they cost. */
	readonly contextual?: ContextualSummary;
	/** Per query (in `queries` order), every stage's list when `keepStages` was set; else `null`. */
	readonly stages: AblationQuery[] | null;
	/** With expansion: the spans returned per query id, best first, and their mean token count over all queries' spans. */
	readonly expansion?: { readonly spans: Map<string, ExpandedSpan[]>; readonly averageTokens: number };
}

/**
 * Run a BEIR collection through the same retrieval pipeline as the app (`retrieve`): BM25 over
 * `title + " " + text`, dense over exact cosine (the exact index: Node has no reason to use
 * Voy), RRF, optional cross-encoder. Each document is one item, or, with `expand`, each chunk
 * (chunk candidates: 4 × max(depth, topK), so a query may rank fewer than `topK` documents).
 * With `options.rewrite`, each query is first rewritten (`rewriteQuery`; multi-query, HyDE or
 * keyword expansion) and the plan goes to `retrieve`; the result's `rewrite` sums the calls and tokens.
 * @throws AssayError `CONFIG_INVALID` when a mode's model is missing.
 */
export async function runRetrievalMode(
	corpus: readonly BeirDocument[],
	queries: readonly BeirQuery[],
	options: RetrievalRunOptions
): Promise<RetrievalRunResult> {
	const needsDense = options.mode !== 'lexical';
	if (needsDense && (!options.embedder || !options.embedSpec))
		throw new AssayError('CONFIG_INVALID', `Mode ${options.mode} needs an embedding model (--embed-model).`);
	if (options.mode === 'hybrid-rerank' && (!options.reranker || !options.rerankSpec))
		throw new AssayError('CONFIG_INVALID', 'Mode hybrid-rerank needs a reranker model (--rerank-model).');
	const bm25 = new Bm25Index(options.params, options.analyzer);
	const expand = options.expand && options.expand.config.mode !== 'none' ? options.expand : undefined;
	const items: CorpusItems | null = expand ? chunkCorpus(corpus, expand.chunking) : null;
	const texts = items?.texts ?? new Map(corpus.map((doc) => [doc.id, doc.title ? `${doc.title} ${doc.text}` : doc.text]));
	const cx = options.contextual;
	const contextual = cx
		? await contextualizeChunks(contextualChunksOf(corpus, items), cx.config, { model: cx.model, cache: cx.cache }, cx.onProgress)
		: undefined;
	// What BM25 indexes and the embedder embeds; `texts` (the original) is what the reranker scores.
	const indexText = (id: string) => contextualText(contextual?.contexts.get(id), texts.get(id)!);
	for (const id of texts.keys()) bm25.add(id, indexText(id));
	const entries = [...texts.keys()];
	let vectors: ExactVectorIndex | null = null;
	let backend: string | null = null;
	const t0 = performance.now();
	if (needsDense) {
		const embedder = options.embedder!;
		const spec = options.embedSpec!;
		await runInBatches(
			entries,
			async (batch) => {
				const result = await embedder.embed(spec, batch.map(indexText), 'passage');
				vectors ??= new ExactVectorIndex(result.dims);
				vectors.add(batch.map((id, i) => ({ id, vector: result.vectors[i]! })));
				backend = result.backend;
			},
			{ batchSize: options.batchSize ?? 32, onProgress: (p) => options.onEmbedProgress?.(p.done, p.total) }
		);
	}
	const t1 = performance.now();
	const lists: RankedList[] = [];
	const plans: (QueryPlan & { queryId: string })[] = [];
	const rw = options.rewrite;
	const fusedLists: RankedList[] = [];
	const stages: AblationQuery[] | null = options.keepStages ? [] : null;
	const spans = new Map<string, ExpandedSpan[]>();
	const topK = items ? Math.min(entries.length, 4 * Math.max(options.depth, options.topK)) : options.topK;
	options.onQueryProgress?.(0, queries.length);
	for (const query of queries) {
		const plan = rw ? await rewriteQuery(query.text, rw.config, { model: rw.model, cache: rw.cache }) : undefined;
		if (plan) plans.push({ ...plan, queryId: query.id });
		const outcome = await retrieve(
			query.text,
			{
				mode: options.mode,
				topK: Math.max(topK, 1),
				depth: Math.max(options.depth, options.topK),
				rrfK: options.rrfK,
				fusion: options.fusion,
				rerankPool: rerankPoolSize(options, options.topK)
			},
			{
				lexical: async (q, k, allow) => bm25.search(q, { topK: k, filter: allow }),
				dense: async (q, k, allow) => {
					const [v] = (await options.embedder!.embed(options.embedSpec!, [q], 'query')).vectors;
					return vectors ? vectors.search(v!, k, allow) : [];
				},
				passages: async (ids) => ids.map((id) => texts.get(id) ?? ''),
				rerank: async (q, passages) => (await options.reranker!.score(options.rerankSpec!, q, passages)).scores
			},
			undefined,
			plan
		);
		const hits = outcome.results.map((r) => ({ id: r.id, score: (r.rerank ?? r.fused ?? r.dense ?? r.lexical)!.score }));
		if (items && expand) {
			const found = await expandCorpusHits(items, hits, expand.config, options.topK);
			spans.set(query.id, found);
			const score = new Map(hits.map((h) => [h.id, h.score]));
			const seen = new Set<string>();
			const ranked = found.filter((s) => !seen.has(s.documentId) && seen.add(s.documentId));
			lists.push({ queryId: query.id, hits: ranked.map((s) => ({ id: s.documentId, score: score.get(s.hitIds[0]!)! })) });
		} else lists.push({ queryId: query.id, hits });
		stages?.push({ id: query.id, stages: outcome.stages });
		if (options.mode === 'hybrid-rerank')
			fusedLists.push({
				queryId: query.id,
				hits: (outcome.stages.fused ?? []).slice(0, options.topK).map((h) => ({ id: h.id, score: h.score }))
			});
		options.onQueryProgress?.(lists.length, queries.length);
	}
	const searchMs = performance.now() - t1;
	const rewrite: RewriteRunSummary | undefined = rw
		? {
				technique: rw.config.technique,
				count: rw.config.count,
				modelId: rw.model.modelId,
				provider: rw.model.provider,
				...(({ calls, inputTokens, outputTokens, cached }) => ({ calls, inputTokens, outputTokens, cached }))(sumRewriteUsage(plans)),
				fallbacks: plans.filter((p) => p.fallback !== null).map((p) => ({ queryId: p.queryId, reason: p.fallback! })),
				plans
			}
		: undefined;
	const withRewrite = { ...(rewrite ? { rewrite } : {}), ...(contextual ? { contextual } : {}) };
	const fused = options.mode === 'hybrid-rerank' ? { fusedLists } : {};
	if (!items) return { lists, ...fused, embedMs: t1 - t0, searchMs, backend, stages, ...withRewrite };
	return {
		lists,
		...fused,
		embedMs: t1 - t0,
		searchMs,
		backend,
		stages,
		expansion: { spans, averageTokens: averageTokens([...spans.values()].flat()) },
		...withRewrite
	};
}
