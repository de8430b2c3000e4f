import type { AppConfig } from '../config/schema.ts';
import { rerankPoolSize } from '../search/rerank/pool.ts';
import { embeddingSpecFor, rerankerSpecFor, type Embedder } from '../embedding/index.ts';
import { compileAllow, type AccessList } from '../search/filters/index.ts';
import type { Reranker } from '../search/rerank/index.ts';
import { describeFusion } from '../search/fusion/index.ts';
import { retrieve, type RetrievalMode } from '../search/retrieval/index.ts';
import type { VectorIndex } from '../search/vector/index.ts';
import { AssayError } from '../shared/errors.ts';
import { CONTENT_ATTR, retrievedChunksAttribute } from '../tracing/content.ts';
import { withSpan } from '../tracing/tracer.ts';
import type { Span, Tracer } from '../tracing/types.ts';
import { GEN_AI } from '../tracing/otlp/conventions.ts';
import type { AssayStore } from '../storage/index.ts';
import type { SearchHit, SearchRequest, SearchResponse } from './library-api.ts';
import { highlightRanges, toSearchHit } from './searcher.ts';
import { withParents } from './parent-hits.ts';
import { unavailable } from './semantic.ts';
import type { WorkspaceIndex } from './workspace-index.ts';
import type { ChunkCache } from './chunk-cache.ts';

/** What a hybrid search needs besides the request. */
export interface HybridContext {
	readonly store: AssayStore;
	readonly index: WorkspaceIndex;
	readonly config: AppConfig;
	readonly tracer: Tracer;
	readonly acls: Readonly<Record<string, AccessList>>;
	/** The dense index, or `null` when the workspace has no vectors (dense modes unavailable). */
	readonly vectors: () => Promise<VectorIndex | null>;
	readonly embedder: Embedder | null;
	readonly reranker: Reranker | null;
	/** Recently read chunks of this worker (absent: every read goes to the store). */
	readonly chunks?: ChunkCache;
}

/**
 * Search a workspace in any retrieval mode, with filters and access control, and return hits
 * with their explain rows plus every stage's list. Query embedding, vector search and reranking
 * run in spans under `search`, whose root carries the query (`gen_ai.retrieval.query.text`) and
 * the hits (`gen_ai.retrieval.documents`, see `retrievedChunksAttribute`: ids, ranks, fused / BM25 /
 * vector / rerank scores, document titles and chunk texts; the tracer's sink removes the content
 * when the workspace does not capture it).
 * @throws AssayError `SEARCH_MODE_UNAVAILABLE` when the mode needs vectors, an embedder or a reranker that is missing;
 *   `CONFIG_INVALID` for topK outside 1–1000.
 */
export async function searchHybrid(ctx: HybridContext, request: SearchRequest & { mode: RetrievalMode }): Promise<SearchResponse> {
	const { config, index, store, tracer } = ctx;
	const readChunks = (ids: readonly string[]) =>
		ctx.chunks ? ctx.chunks.getMany(ids, index.documents, (missing) => store.chunks.getMany(missing)) : store.chunks.getMany(ids);
	if (!Number.isInteger(request.topK) || request.topK < 1 || request.topK > 1000) unavailableTopK(request.topK);
	const started = performance.now();
	return withSpan(
		tracer,
		'search',
		{
			attributes: {
				'assay.search.mode': request.mode,
				'assay.search.top_k': request.topK,
				'assay.search.query_chars': request.query.length,
				'assay.trace.kind': 'search',
				// Who the search ran as ("Run as"): the hits are what that principal may see.
				...(request.runAs
					? { 'assay.search.run_as.user': request.runAs.user, 'assay.search.run_as.groups': [...request.runAs.groups] }
					: {}),
				// Content (removed before storing when the workspace does not capture content).
				[CONTENT_ATTR.retrievalQuery]: request.query
			}
		},
		async (span) => {
			const depth = request.depth ?? config.retrieval.depth;
			const rrfK = request.rrfK ?? config.retrieval.rrfK;
			const filter = {
				...request.filter,
				...(request.documentIds && request.documentIds.length > 0 ? { documentIds: request.documentIds } : {})
			};
			const allow = compileAllow(index.documents, filter, request.runAs ?? null, ctx.acls);
			// Analysed once: for BM25 and for the highlights of the hits shown.
			const queryTerms = index.analyzer.analyze(request.query);
			let embedBackend: string | null = null;
			let rerankBackend: string | null = null;
			if (request.rewrite) recordRewriteSpan(tracer, span, request.rewrite);
			const outcome = await retrieve(
				request.query,
				{
					mode: request.mode,
					topK: request.topK,
					depth: Math.max(depth, request.topK),
					rrfK,
					fusion: request.fusion ?? config.retrieval.fusion,
					rerankPool: rerankPoolSize(config.retrieval, request.topK)
				},
				{
					lexical: async (q, k, ok) => index.bm25.search(q, { topK: k, filter: ok, ...(q === request.query ? { terms: queryTerms } : {}) }),
					dense: async (q, k, ok) => {
						const vectors = await ctx.vectors();
						if (!vectors) unavailable('Dense search needs embeddings: embed this workspace’s chunks first.');
						if (!ctx.embedder) unavailable('Dense search needs the embedding worker, which is not connected.');
						const result = await withSpan(
							tracer,
							'embed.query',
							{ parent: span, attributes: { 'gen_ai.request.model': config.embedding.modelId } },
							() => ctx.embedder!.embed(embeddingSpecFor(config), [q], 'query')
						);
						embedBackend = result.backend;
						return withSpan(
							tracer,
							'vector.search',
							{ parent: span, attributes: { 'assay.vector.index': vectors.kind, 'assay.vector.size': vectors.size() } },
							async () => vectors.search(result.vectors[0]!, k, ok)
						);
					},
					passages: async (ids) => (await readChunks(ids)).map((c) => c?.text ?? ''),
					rerank: async (q, passages) => {
						if (!config.rerank.enabled) unavailable('Reranking is switched off in this workspace’s model settings.');
						if (!ctx.reranker) unavailable('Reranking needs the model worker, which is not connected.');
						const result = await withSpan(
							tracer,
							'rerank',
							{ parent: span, attributes: { 'gen_ai.request.model': config.rerank.modelId, 'assay.rerank.pairs': passages.length } },
							() => ctx.reranker!.score(rerankerSpecFor(config), q, passages)
						);
						rerankBackend = result.backend;
						return result;
					}
				},
				allow,
				request.rewrite?.plan
			);
			const chunks = await readChunks(outcome.results.map((r) => r.id));
			const termSet = new Set(queryTerms);
			const hits: SearchHit[] = [];
			for (const [i, row] of outcome.results.entries()) {
				const chunk = chunks[i];
				const doc = chunk ? index.documents.get(chunk.documentId) : undefined;
				if (!chunk || !doc) continue;
				const score = row.rerank?.score ?? row.fused?.score ?? (request.mode === 'dense' ? row.dense?.score : row.lexical?.score) ?? 0;
				hits.push({
					...toSearchHit(chunk, doc, hits.length + 1, score, highlightRanges(index.analyzer, chunk.text, termSet)),
					explain: row
				});
			}
			const expand = request.expand ?? config.retrieval.expand;
			if (expand && expand.mode !== 'none') {
				const expanded = await withParents(hits, expand, store);
				hits.splice(0, hits.length, ...expanded);
				span.setAttributes({
					'assay.search.expand': expand.mode,
					'assay.search.expand_tokens': expanded.reduce((n, h) => n + (h.parent?.tokens ?? 0), 0)
				});
			}
			if (outcome.rerank)
				span.setAttributes({
					'assay.rerank.truncated_pairs': outcome.rerank.truncatedPairs,
					'assay.rerank.max_tokens': outcome.rerank.maxTokens ?? -1
				});
			span.setAttributes({
				[CONTENT_ATTR.retrievalDocuments]: retrievedChunksAttribute(
					hits.map((h) => ({
						id: h.chunkId,
						document: h.documentId,
						title: h.documentName,
						rank: h.rank,
						score: h.score,
						scores: stageScores(h.explain),
						text: h.text
					})),
					request.topK
				),
				'assay.search.hits': hits.length,
				'assay.search.query_terms': queryTerms.length,
				'assay.search.depth': depth,
				'assay.search.rrf_k': rrfK,
				'assay.search.fusion': describeFusion(request.fusion ?? config.retrieval.fusion, rrfK)
			});
			return {
				hits,
				queryTerms,
				analyzer: index.analyzer.name,
				analyzerFingerprint: index.analyzer.fingerprint,
				tookMs: performance.now() - started,
				traceId: span.traceId,
				mode: request.mode,
				stages: outcome.stages,
				embeddingBackend: embedBackend,
				rerankBackend,
				rerankTruncation: outcome.rerank,
				...(outcome.rewrite ? { rewrite: outcome.rewrite } : {}),
				...(request.mode === 'lexical'
					? {}
					: {
							embedding: (({ pooling, queryPrefix, passagePrefix }) => ({ pooling, queryPrefix, passagePrefix }))(embeddingSpecFor(config))
						})
			};
		}
	);
}

/**
 * The rewrite model call of a search as a child span `query.rewrite` (OpenTelemetry GenAI names:
 * `gen_ai.operation.name` chat, provider, request model, `gen_ai.usage.input_tokens` /
 * `output_tokens`), so the trace viewer counts and prices it like other model calls. A cached
 * rewrite has zero tokens and `assay.rewrite.cached` true. The call itself ran on the page; the
 * span has no duration of its own.
 */
function recordRewriteSpan(tracer: Tracer, parent: Span, rewrite: NonNullable<SearchRequest['rewrite']>): void {
	const { plan, model } = rewrite;
	const s = tracer.startSpan('query.rewrite', {
		parent,
		attributes: {
			[GEN_AI.operationName]: 'chat',
			[GEN_AI.providerName]: model.provider,
			[GEN_AI.requestModel]: model.modelId,
			[GEN_AI.inputTokens]: plan.usage.inputTokens,
			[GEN_AI.outputTokens]: plan.usage.outputTokens,
			'assay.rewrite.technique': plan.technique,
			'assay.rewrite.cached': plan.cached,
			'assay.rewrite.variants': plan.variants.length,
			...(plan.fallback ? { 'assay.rewrite.fallback': plan.fallback } : {})
		}
	});
	s.end();
}

/** The stage scores of an explain row, by the names spans use (`bm25` lexical, `vector` dense, `fused` RRF, `rerank`). */
function stageScores(row: SearchHit['explain']): { bm25?: number; vector?: number; fused?: number; rerank?: number } {
	if (!row) return {};
	return {
		...(row.lexical ? { bm25: row.lexical.score } : {}),
		...(row.dense ? { vector: row.dense.score } : {}),
		...(row.fused ? { fused: row.fused.score } : {}),
		...(row.rerank ? { rerank: row.rerank.score } : {})
	};
}

function unavailableTopK(topK: number): never {
	throw new AssayError('CONFIG_INVALID', `topK must be an integer from 1 to 1000, got ${topK}.`);
}
