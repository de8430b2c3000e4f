import { sameChunking } from '../config/schema.ts';
import type { QueryPlan } from '../search/rewrite/types.ts';
import { rerankPoolSize } from '../search/rerank/pool.ts';
import { embeddingSpecFor, rerankerSpecFor } from '../embedding/index.ts';
import type { RunEntry } from '../evals/metrics/index.ts';
import type { RetrievalConfig, Retriever } from '../evals/runner/index.ts';
import type { EvalReport } from '../evals/report/index.ts';
import type { DocumentRecord } from '../ingest/types.ts';
import type { AblationQuery } from '../evals/ablation/index.ts';
import { retrieve, type ExplainRow, type RerankTruncation, type StageLists } from '../search/retrieval/index.ts';
import { describeFusion } from '../search/fusion/index.ts';
import { effectiveKind, type VectorIndex } from '../search/vector/index.ts';
import { AssayError } from '../shared/errors.ts';
import type { AssayStore } from '../storage/index.ts';
import type { DenseContext } from './semantic-service.ts';
import { documentIdOf } from '../shared/identity.ts';

/** A retriever for a dense mode plus what the report records about the models that ran. */
export interface DenseEvaluation {
	readonly retriever: Retriever;
	/** Model id, dtype and the backend(s) that computed the query and stored vectors (read after the run). */
	embeddingModel(): NonNullable<EvalReport['embeddingModel']>;
	/** e.g. `bm25-inverted-index + voy vector index, RRF (chunk level; document = best chunk)`. */
	readonly indexType: string;
	/** The cross-encoder that reranked (hybrid-rerank), else null. */
	readonly reranker: string | null;
	/**
	 * Pairs the cross-encoder scored and cut to fit, in total (over the distinct queries run) and
	 * per case id (`queries`: case id → query text); `undefined` for modes without reranking.
	 */
	rerankTruncation(
		queries: ReadonlyMap<string, string>
	): { pairs: number; truncatedPairs: number; maxTokens: number | null; perQuery: Map<string, number> } | undefined;
	/**
	 * hybrid-rerank: per case id (`queries`: case id → query text) the fused list of the final
	 * retrieval before reranking, best chunk per document, `depth` documents — the "before" of the
	 * reranker's effect (equal to a separate hybrid run whenever that run needs one retrieval call,
	 * e.g. one chunk per document); `undefined` for other modes.
	 */
	fusedRun(queries: ReadonlyMap<string, string>, depth: number): Map<string, RunEntry[]> | undefined;
	/** Fused candidates the cross-encoder scored per query (hybrid-rerank), else null. */
	readonly poolDepth: number | null;
	/**
	 * Every stage's list of each case's last retrieval (`queries`: case id → query text), ids as
	 * document references (a document once, at its first chunk) and scores rounded to 6 decimals as
	 * the run's, for `computeAblation`.
	 */
	stageLists(queries: ReadonlyMap<string, string>): AblationQuery[];
}

/** The lexical side the dense retriever fuses with (chunk ids `docId#ordinal`, as the stored vectors). */
export interface LexicalSide {
	readonly bm25: {
		search(query: string, options: { topK: number; filter?: (id: string) => boolean }): { id: string; score: number }[];
		readonly size: number;
	};
	readonly documents: ReadonlyMap<string, DocumentRecord>;
}

/** Vectors a dense evaluation searches instead of the workspace's stored ones (contextual chunks, `contextualVectorsFor`). */
export interface PassageVectors {
	readonly index: VectorIndex;
	/** Backends that computed them, for the report's `embeddingModel.backend`. */
	readonly backends: readonly string[];
}

/**
 * The checks of {@link denseEvaluation}, callable before any vector is computed: the chunking
 * is the workspace's, the embedding model is the workspace's, the model worker (and for
 * hybrid-rerank the workspace's switched-on reranker) is connected and — unless `storedVectors`
 * is false (a contextual configuration embeds its own passages) — every chunk has a stored vector.
 * @throws AssayError as {@link denseEvaluation}.
 */
export function checkDenseEvaluation(ctx: DenseContext, config: RetrievalConfig, storedVectors = true): void {
	const ws = ctx.config;
	if (!sameChunking(ws.chunking, config.chunking)) {
		throw new AssayError(
			'CONFIG_INVALID',
			`Mode ${config.mode} searches the workspace's stored vectors, so its chunking must be the workspace's (${ws.chunking.mode ?? 'recursive'}, ${ws.chunking.chunkSizeChars}/${ws.chunking.chunkOverlapChars} chars).`
		);
	}
	const wanted = config.embeddingModel;
	if (wanted && (wanted.id !== ws.embedding.modelId || wanted.dtype !== ws.embedding.dtype)) {
		throw new AssayError(
			'EMBEDDINGS_MISSING',
			`No vectors of ${wanted.id} (${wanted.dtype}) are stored: this workspace is embedded with ${ws.embedding.modelId} (${ws.embedding.dtype}). Choose ${wanted.id} in the workspace's model settings and embed first.`
		);
	}
	if (storedVectors && (!ctx.vectors || ctx.status.pendingChunks > 0)) {
		const done = ctx.status.vectorCount;
		throw new AssayError(
			'EMBEDDINGS_MISSING',
			`Mode ${config.mode} needs every chunk embedded with ${ws.embedding.modelId}: ${done} of ${done + ctx.status.pendingChunks} are. Embed the workspace first (Library page, "Embed").`,
			{ details: { vectorCount: done, pendingChunks: ctx.status.pendingChunks } }
		);
	}
	if (!ctx.embedder) throw new AssayError('SEARCH_MODE_UNAVAILABLE', 'Dense retrieval needs the embedding worker, which is not connected.');
	if (config.mode === 'hybrid-rerank') {
		if (!ws.rerank.enabled || !ctx.reranker)
			throw new AssayError('SEARCH_MODE_UNAVAILABLE', 'hybrid-rerank needs the reranker: switch it on in the workspace’s model settings.');
		if (config.reranker !== null && config.reranker !== ws.rerank.modelId)
			throw new AssayError(
				'CONFIG_INVALID',
				`The workspace's reranker is ${ws.rerank.modelId}, not ${config.reranker}: change it in the model settings.`
			);
	}
}

/**
 * Check that a dense/hybrid/hybrid-rerank configuration can run on the workspace's stored
 * vectors, and build its retriever over the search page's `retrieve()` pipeline.
 * The evaluation never embeds documents itself: the vector set is the workspace's (one model
 * per workspace), so what is evaluated is exactly what the search page searches — except with
 * `ownVectors` (contextual chunks): then those vectors, embedded by the caller with the
 * workspace's model, are searched instead (the reranker still scores the stored chunk text).
 * @throws AssayError `CONFIG_INVALID` when the chunking differs from the workspace's (the stored
 *   vectors belong to its chunks); `EMBEDDINGS_MISSING` when the configured embedding model is not
 *   the workspace's or (without `ownVectors`) its vector set is incomplete; `SEARCH_MODE_UNAVAILABLE`
 *   when the model worker or the (switched-on, same) reranker is missing.
 */
export function denseEvaluation(
	ctx: DenseContext,
	lexical: LexicalSide,
	store: AssayStore,
	config: RetrievalConfig,
	reference: (doc: DocumentRecord) => string,
	plans?: Readonly<Record<string, QueryPlan>>,
	ownVectors?: PassageVectors
): DenseEvaluation {
	checkDenseEvaluation(ctx, config, ownVectors === undefined);
	const ws = ctx.config;
	const embedder = ctx.embedder!;
	const rerank = config.mode === 'hybrid-rerank';
	const vectors = ownVectors?.index ?? ctx.vectors!;
	const spec = embeddingSpecFor(ws);
	const queryBackends = new Set<string>();
	let cached: { query: string; vector: Float32Array } | null = null;
	const allow = (id: string) => lexical.documents.has(documentIdOf(id));
	const ports = {
		lexical: async (q: string, k: number, ok: (id: string) => boolean) => lexical.bm25.search(q, { topK: k, filter: ok }),
		dense: async (q: string, k: number, ok: (id: string) => boolean) => {
			if (cached?.query !== q) {
				const result = await embedder.embed(spec, [q], 'query');
				queryBackends.add(result.backend);
				cached = { query: q, vector: result.vectors[0]! };
			}
			return vectors.search(cached.vector, k, ok);
		},
		passages: async (ids: readonly string[]) => (await store.chunks.getMany(ids)).map((c) => c?.text ?? ''),
		rerank: async (q: string, passages: readonly string[]) => ctx.reranker!.score(rerankerSpecFor(ws), q, passages)
	};
	/** Rerank truncation of each query's final retrieval (the last call of the doubling loop). */
	const truncation = new Map<string, RerankTruncation>();
	/** Fused stage (chunk ids) of each query's final retrieval, hybrid-rerank only. */
	const fusedStage = new Map<string, readonly { id: string; score: number }[]>();
	const poolDepth = rerankPoolSize(
		{ rerankPoolFactor: ws.retrieval.rerankPoolFactor, rerankDepth: config.rerankDepth ?? ws.retrieval.rerankDepth },
		config.topK
	);
	/** Stage lists of each query's final retrieval. */
	const stages = new Map<string, StageLists>();
	const total = Math.max(lexical.bm25.size, vectors.size());
	const lastHits = new Map<string, string[]>();
	const retriever: Retriever = {
		chunkHits: (query) => lastHits.get(query),
		// Document level = best chunk: ask for n chunks, doubling n until `depth` documents are
		// ranked or the pipeline returns fewer than asked (one chunk per document: one call).
		// Each document takes its first chunk's place in the pipeline's order.
		async retrieve(query, depth): Promise<RunEntry[]> {
			let n = Math.min(Math.max(total, 1), depth);
			for (;;) {
				const outcome = await retrieve(
					query,
					{
						mode: config.mode,
						topK: n,
						depth: Math.max(n, config.depth),
						rrfK: config.rrfK,
						fusion: config.fusion,
						rerankPool: poolDepth
					},
					ports,
					allow,
					plans && Object.hasOwn(plans, query) ? plans[query] : undefined
				);
				if (outcome.rerank) truncation.set(query, outcome.rerank);
				if (config.mode === 'hybrid-rerank' && outcome.stages.fused) fusedStage.set(query, outcome.stages.fused);
				stages.set(query, outcome.stages);
				const ranked = firstChunkPerDocument(outcome.results, documentIdOf);
				lastHits.set(
					query,
					outcome.results.map((r) => r.id)
				);
				if (ranked.length >= depth || outcome.results.length < n || n >= total)
					return ranked.slice(0, depth).map((h) => ({ docId: reference(lexical.documents.get(h.id) as DocumentRecord), score: h.score }));
				n = Math.min(total, n * 2);
			}
		}
	};
	const lexicalPart = config.mode === 'dense' ? '' : 'bm25-inverted-index + ';
	return {
		retriever,
		embeddingModel: () => ({
			id: ws.embedding.modelId,
			dtype: ws.embedding.dtype,
			backend: backendLabel([...queryBackends], ownVectors?.backends ?? ctx.status.backends),
			pooling: spec.pooling,
			queryPrefix: spec.queryPrefix,
			passagePrefix: spec.passagePrefix
		}),
		indexType: `${lexicalPart}${effectiveKind(vectors)} vector index${config.mode === 'dense' ? '' : config.fusion ? `, ${describeFusion(config.fusion, config.rrfK)}` : ', RRF'}${rerank ? ', cross-encoder rerank' : ''} (chunk level; document = best chunk)`,
		reranker: rerank ? ws.rerank.modelId : null,
		poolDepth: rerank ? poolDepth : null,
		fusedRun: (queries, depth) => {
			if (!rerank) return undefined;
			const run = new Map<string, RunEntry[]>();
			for (const [id, query] of queries) {
				const seen = new Set<string>();
				const entries: RunEntry[] = [];
				for (const hit of fusedStage.get(query) ?? []) {
					const doc = documentIdOf(hit.id);
					if (seen.has(doc) || entries.length >= depth) continue;
					seen.add(doc);
					entries.push({ docId: reference(lexical.documents.get(doc) as DocumentRecord), score: hit.score });
				}
				run.set(id, entries);
			}
			return run;
		},
		rerankTruncation: (queries) => {
			if (!rerank) return undefined;
			const perQuery = new Map<string, number>();
			let pairs = 0;
			let truncatedPairs = 0;
			let maxTokens: number | null = null;
			for (const [id, query] of queries) {
				const t = truncation.get(query);
				perQuery.set(id, t?.truncatedPairs ?? 0);
				maxTokens ??= t?.maxTokens ?? null;
			}
			for (const t of truncation.values()) {
				pairs += t.pairs;
				truncatedPairs += t.truncatedPairs;
			}
			return { pairs, truncatedPairs, maxTokens, perQuery };
		},
		stageLists: (queries) => {
			const toReference = (chunkId: string) => reference(lexical.documents.get(documentIdOf(chunkId)) as DocumentRecord);
			const asDocuments = (list: StageLists[keyof StageLists]) => {
				if (!list) return null;
				const seen = new Set<string>();
				const out: { id: string; score: number }[] = [];
				for (const h of list) {
					const id = toReference(h.id);
					if (seen.has(id)) continue;
					seen.add(id);
					out.push({ id, score: Math.round(h.score * 1e6) / 1e6 });
				}
				return out;
			};
			return [...queries].map(([id, query]) => {
				const s = stages.get(query);
				return {
					id,
					stages: {
						lexical: asDocuments(s?.lexical ?? null),
						dense: asDocuments(s?.dense ?? null),
						fused: asDocuments(s?.fused ?? null),
						rerank: asDocuments(s?.rerank ?? null)
					}
				};
			});
		}
	};
}

/**
 * Documents in the pipeline's own order, each at its first (best-placed) chunk: the final list
 * is already ordered (score, then the pipeline's tie-breaks), so ties keep the order the search
 * page shows rather than an order by internal document id.
 */
function firstChunkPerDocument(rows: readonly ExplainRow[], toDocument: (chunkId: string) => string): { id: string; score: number }[] {
	const seen = new Set<string>();
	const out: { id: string; score: number }[] = [];
	for (const row of rows) {
		const doc = toDocument(row.id);
		if (seen.has(doc)) continue;
		seen.add(doc);
		out.push({ id: doc, score: finalScore(row) });
	}
	return out;
}

/** The score a final row ranks by: reranker, else fused RRF, else dense cosine, else BM25. */
function finalScore(row: ExplainRow): number {
	return (row.rerank ?? row.fused ?? row.dense ?? row.lexical)?.score ?? 0;
}

/** `wasm` when query and stored vectors ran on one backend, else `query webgpu; vectors wasm`. */
function backendLabel(query: readonly string[], stored: readonly string[]): string {
	const all = [...new Set([...query, ...stored])].sort();
	if (all.length <= 1) return all[0] ?? 'none';
	return `query ${[...query].sort().join('+') || 'none'}; vectors ${[...stored].sort().join('+')}`;
}
