import type { Embedder, EmbeddingModelSpec } from '../../embedding/index.ts';
import { rerankPoolSize } from '../../search/rerank/pool.ts';
import { runInBatches } from '../../embedding/batch.ts';
import { Bm25Index, type Analyzer, type Bm25Params } from '../../search/index.ts';
import type { FusionConfig } from '../../search/fusion/score.ts';
import type { Reranker, RerankerSpec } from '../../search/rerank/index.ts';
import { retrieve, type RetrievalMode } from '../../search/retrieval/index.ts';
import { ExactVectorIndex } from '../../search/vector/index.ts';
import { AssayError } from '../../shared/errors.ts';
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
	/** Called with 0 before the first query and after each query (retrieval, fusion and reranking done), of `total` queries. */
	readonly onQueryProgress?: (done: number, total: number) => void;
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
}

/**
 * Run a BEIR collection through the same retrieval pipeline as the app (`retrieve`): BM25 over
 * `title + " " + text`, dense over exact cosine (the exact index: Node has no reason to use
 * Voy), RRF, optional cross-encoder. Each document is one item.
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
	const texts = new Map<string, string>();
	for (const doc of corpus) {
		const text = doc.title ? `${doc.title} ${doc.text}` : doc.text;
		bm25.add(doc.id, text);
		texts.set(doc.id, text);
	}
	let vectors: ExactVectorIndex | null = null;
	let backend: string | null = null;
	const t0 = performance.now();
	if (needsDense) {
		const embedder = options.embedder!;
		const spec = options.embedSpec!;
		await runInBatches(
			corpus,
			async (batch) => {
				const result = await embedder.embed(
					spec,
					batch.map((d) => texts.get(d.id)!),
					'passage'
				);
				vectors ??= new ExactVectorIndex(result.dims);
				vectors.add(batch.map((d, i) => ({ id: d.id, vector: result.vectors[i]! })));
				backend = result.backend;
			},
			{ batchSize: options.batchSize ?? 32, onProgress: (p) => options.onEmbedProgress?.(p.done, p.total) }
		);
	}
	const t1 = performance.now();
	const lists: RankedList[] = [];
	const fusedLists: RankedList[] = [];
	options.onQueryProgress?.(0, queries.length);
	for (const query of queries) {
		const outcome = await retrieve(
			query.text,
			{
				mode: options.mode,
				topK: options.topK,
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
			}
		);
		lists.push({
			queryId: query.id,
			hits: outcome.results.map((r) => ({ id: r.id, score: (r.rerank ?? r.fused ?? r.dense ?? r.lexical)!.score }))
		});
		if (options.mode === 'hybrid-rerank')
			fusedLists.push({
				queryId: query.id,
				hits: (outcome.stages.fused ?? []).slice(0, options.topK).map((h) => ({ id: h.id, score: h.score }))
			});
		options.onQueryProgress?.(lists.length, queries.length);
	}
	return {
		lists,
		...(options.mode === 'hybrid-rerank' ? { fusedLists } : {}),
		embedMs: t1 - t0,
		searchMs: performance.now() - t1,
		backend
	};
}
