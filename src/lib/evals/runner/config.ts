import { z } from '../../shared/zod.ts';
import { Bm25ConfigSchema, ChunkingConfigSchema } from '../../config/schema.ts';
import { AssayError } from '../../shared/errors.ts';
import { FusionConfigSchema } from '../../search/fusion/score.ts';
import { RewriteConfigSchema } from '../../search/rewrite/schema.ts';
import { ContextualConfigSchema } from '../../search/contextual/schema.ts';
import { ExpandConfigSchema } from '../../search/retrieval/expand.ts';

/**
 * One retrieval configuration to evaluate. It names every knob of the query pipeline so an
 * experiment matrix can vary any of them. Every mode runs through the search page's
 * `retrieve()` pipeline; dense modes use the workspace's stored vectors of `embeddingModel`
 * (null = the workspace's configured model), `hybrid-rerank` the workspace's reranker.
 */
export const RetrievalConfigSchema = z.object({
	/** Name shown in tables and charts, 1–80 characters. */
	label: z.string().trim().min(1).max(80),
	/** `lexical` (BM25), `dense` (embeddings), `hybrid` (RRF of both), `hybrid-rerank` (hybrid, then the cross-encoder). Default `lexical`. */
	mode: z.enum(['lexical', 'dense', 'hybrid', 'hybrid-rerank']).default('lexical'),
	/** Results a user would see; the ranked lists kept for drill-down. Range 1–1000, default 10. */
	topK: z.number().int().min(1).max(1000).default(10),
	/** Documents ranked per query for the metrics (TREC depth), and candidates per retriever before fusion. Range 1–1000, default 100; must be ≥ topK. */
	depth: z.number().int().min(1).max(1000).default(100),
	/** Reciprocal rank fusion constant k (hybrid only). Range 1–1000, default 60 (Cormack et al. 2009). */
	rrfK: z.number().int().min(1).max(1000).default(60),
	/**
	 * How hybrid modes fuse the lexical and dense lists (`src/lib/search/fusion`): RRF, weighted
	 * RRF, CombSUM or CombMNZ over min-max / z-score normalised scores, with weights per list.
	 * Absent = RRF with `rrfK` (the behaviour before fusion was configurable).
	 */
	fusion: FusionConfigSchema.optional(),
	/**
	 * Query rewriting with the answering model before retrieval (`src/lib/search/rewrite`):
	 * multi-query (RAG-Fusion, Raudaschl 2023), HyDE (Gao et al., ACL 2023) or keyword expansion
	 * (query2doc, Wang et al. 2023). Absent = no rewriting (the behaviour before it existed).
	 */
	rewrite: RewriteConfigSchema.optional(),
	/**
	 * Contextual chunks (Anthropic, "Contextual Retrieval", Sept 2024; `src/lib/search/contextual`):
	 * the answering model writes a short context per chunk, prepended to the text BM25 indexes (the
	 * chunk shown and sent to the answer prompt stays the original). In dense modes the evaluation
	 * embeds `context + chunk` with the workspace's embedding model instead of reading the stored
	 * vectors (cached per chunk and text, see `contextualVectorsFor`). Absent = none.
	 */
	contextual: ContextualConfigSchema.optional(),
	/**
	 * Rerank pool depth (hybrid-rerank): fused candidates the cross-encoder scores, 1–1000, at least
	 * topK. Absent (default) = the workspace's `retrieval.rerankDepth`, else its `rerankPoolFactor` × topK.
	 */
	rerankDepth: z.number().int().min(1).max(1000).optional(),
	/**
	 * Parent-document retrieval (`src/lib/search/retrieval/expand.ts`): after ranking, the top
	 * `topK` chunk hits are expanded to their parent section or a window of neighbours within
	 * `maxTokens`, several chunks of one parent counting once. Document metrics are unchanged
	 * (qrels are per document and a document still ranks by its best chunk); the report records
	 * the spans and their mean token count. Absent or mode `none` = no expansion (reports as before).
	 */
	expand: ExpandConfigSchema.optional(),
	/** Cross-encoder reranker model id (hybrid-rerank: null = the workspace's reranker; must equal it when given), or null for none. Default null. */
	reranker: z.string().min(1).nullable().default(null),
	/**
	 * Embedding model (dense modes): id and dtype must be the workspace's (its stored vectors are
	 * used, `EMBEDDINGS_MISSING` otherwise); backend is informational (the report records the one
	 * that ran). null = the workspace's model (dense modes) or none (lexical). Default null.
	 */
	embeddingModel: z
		.object({ id: z.string().min(1), dtype: z.string().min(1), backend: z.enum(['webgpu', 'wasm']) })
		.nullable()
		.default(null),
	/** Chunking of the corpus for this configuration (`mode: 'none'` = one chunk per document). */
	chunking: ChunkingConfigSchema,
	/** BM25 parameters and analyzer. */
	bm25: Bm25ConfigSchema
});

/** A validated retrieval configuration. */
export type RetrievalConfig = z.infer<typeof RetrievalConfigSchema>;
/** Input accepted by {@link parseRetrievalConfig}. */
export type RetrievalConfigInput = z.input<typeof RetrievalConfigSchema>;

/**
 * Validate a configuration and fill defaults.
 * @throws AssayError `CONFIG_INVALID` naming each bad field, when depth < topK, and for a
 *   reranker outside `hybrid-rerank`.
 */
export function parseRetrievalConfig(input: unknown): RetrievalConfig {
	const parsed = RetrievalConfigSchema.safeParse(input);
	if (!parsed.success) {
		const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
		throw new AssayError('CONFIG_INVALID', `Invalid retrieval configuration — ${issues.join('; ')}`, { details: { issues } });
	}
	const c = parsed.data;
	if (c.depth < c.topK) throw new AssayError('CONFIG_INVALID', `depth (${c.depth}) must be at least topK (${c.topK})`);
	if (c.rerankDepth !== undefined && c.rerankDepth < c.topK)
		throw new AssayError('CONFIG_INVALID', `rerankDepth (${c.rerankDepth}) must be at least topK (${c.topK})`);
	if (c.rerankDepth !== undefined && c.mode !== 'hybrid-rerank')
		throw new AssayError('CONFIG_INVALID', `rerankDepth applies only in mode hybrid-rerank, not "${c.mode}".`);
	if (c.reranker !== null && c.mode !== 'hybrid-rerank') {
		throw new AssayError('CONFIG_INVALID', `A reranker runs only in mode hybrid-rerank, not "${c.mode}".`);
	}
	return c;
}
