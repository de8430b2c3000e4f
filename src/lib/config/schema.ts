import { z } from '../shared/zod.ts';
import { AssayError } from '../shared/errors.ts';
import { FusionConfigSchema } from '../search/fusion/score.ts';
import { RewriteConfigSchema } from '../search/rewrite/schema.ts';
import { ExpandConfigSchema } from '../search/retrieval/expand.ts';
import { VECTOR_INDEX_SETTINGS } from '../search/vector/choice.ts';

/**
 * The one validated application configuration. Every field documents its unit, range and
 * default; {@link parseAppConfig} fills defaults and rejects anything out of range with a
 * `CONFIG_INVALID` error naming the field.
 */

/** Chunking: sizes in UTF-16 code units (what a JS string's `length` counts). */
export const ChunkingConfigSchema = z
	.object({
		/**
		 * `recursive` (absent = recursive): the structure-aware chunker with the sizes below.
		 * `none`: each document is one chunk, whatever its length (BEIR's convention; the default
		 * for workspaces made from a BEIR folder). Sizes are then kept but unused.
		 */
		mode: z.enum(['recursive', 'none']).optional(),
		/** Target maximum chunk length, UTF-16 code units. Range 16–100 000, default 800. */
		chunkSizeChars: z.number().int().min(1).max(100_000).default(800),
		/** Characters repeated from the end of the previous chunk, UTF-16 code units. 0 ≤ overlap < size, default 96. */
		chunkOverlapChars: z.number().int().min(0).max(99_999).default(96)
	})
	.refine((c) => c.chunkOverlapChars < c.chunkSizeChars, {
		message: 'chunkOverlapChars must be smaller than chunkSizeChars (otherwise a chunk window never advances)',
		path: ['chunkOverlapChars']
	});

/** Analyzer names: `auto` picks per run of script; see `src/lib/search/analyzers`. */
export const AnalyzerNameSchema = z.enum(['auto', 'english', 'cjk', 'segmenter']);

/** Lucene-style BM25 parameters. */
export const Bm25ConfigSchema = z.object({
	/** Term-frequency saturation. Range 0–10, default 0.9 (Lucene/Anserini default). */
	k1: z.number().min(0).max(10).default(0.9),
	/** Length normalisation. Range 0–1, default 0.4 (Anserini default). */
	b: z.number().min(0).max(1).default(0.4),
	/** Analyzer at index and query time. Default `auto`. */
	analyzer: AnalyzerNameSchema.default('auto')
});

/** Import limits. */
export const IngestConfigSchema = z.object({
	/** Largest file accepted, bytes. Range 1 B – 2 GiB, default 20 MiB. */
	maxFileSizeBytes: z
		.number()
		.int()
		.min(1)
		.max(2 ** 31)
		.default(20 * 1024 * 1024),
	/** Time budget to parse one file, milliseconds; past it the file fails alone. Range 100 ms – 10 min, default 30 000. */
	parseTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
	/** Largest total a zip container (DOCX) may inflate to, bytes (zip-bomb guard). Range 1 KiB – 2 GiB, default 200 MiB. */
	maxInflatedBytes: z
		.number()
		.int()
		.min(1024)
		.max(2 ** 31)
		.default(200 * 1024 * 1024),
	/** Most parts (zip entries) a DOCX may have; past it the file fails alone (`FILE_STRUCTURE_LIMIT`). Range 10–100 000, default 1 000. */
	docxMaxParts: z.number().int().min(10).max(100_000).default(1000),
	/**
	 * Deepest element nesting of a DOCX XML part; past it the file fails alone (`FILE_STRUCTURE_LIMIT`)
	 * instead of overflowing the stack. Range 16–1 000 levels, default 256 (Word's own files stay under 50).
	 */
	xmlMaxDepth: z.number().int().min(16).max(1000).default(256),
	/**
	 * Hidden and near-invisible text (HTML `hidden`/`display:none`/tiny or background-coloured text,
	 * DOCX `w:vanish`/white runs, PDF invisible or white text): `drop` keeps it out of the document's
	 * text, `flag` keeps it; both list it in the file's warnings. Default `drop`.
	 */
	hiddenText: z.enum(['drop', 'flag']).default('drop'),
	/**
	 * Most chunks one document may make; past it the file fails alone with
	 * `DOCUMENT_TOO_MANY_CHUNKS` (chunking stops at the first chunk over the limit). Range
	 * 1 – 1 000 000, default 50 000 (a 20 MiB text at 800 characters per chunk makes ≈ 26 000).
	 */
	maxChunksPerDocument: z.number().int().min(1).max(1_000_000).default(50_000),
	/**
	 * Time budget for one file's whole pipeline (read, parse, chunk, store, index),
	 * milliseconds; past it the file fails alone with `FILE_IMPORT_TIMEOUT` and nothing of it stays
	 * stored or indexed. The parse also keeps its own `parseTimeoutMs`. Range 100 ms – 10 min,
	 * default 120 000.
	 */
	fileTimeoutMs: z.number().int().min(100).max(600_000).default(120_000)
});

/** Search defaults. */
export const SearchConfigSchema = z.object({
	/** Results shown per query. Range 1–1000, default 10. */
	topK: z.number().int().min(1).max(1000).default(10)
});

/**
 * An OpenAI-compatible chat endpoint's timing, as set on the endpoint forms (Ask page, answer
 * evaluations: answering and judge engines) and stored with the other endpoint settings.
 */
export const LlmEndpointConfigSchema = z.object({
	/**
	 * Longest wait with nothing at all arriving from the server (before the response, or between
	 * any bytes of the stream — keep-alive comments count), milliseconds; past it the request is
	 * given up with `LLM_REQUEST_FAILED`. Range 1 s – 1 h, default 300 000 (5 min, for a server
	 * loading a model on the first request).
	 */
	idleTimeoutMs: z.number().int().min(1000).max(3_600_000).default(300_000)
});
export type LlmEndpointConfig = z.infer<typeof LlmEndpointConfigSchema>;

/**
 * Validate an endpoint's timing alone.
 * @throws AssayError `CONFIG_INVALID` naming the field (`idleTimeoutMs: …`).
 */
export function parseLlmEndpointConfig(input: unknown = {}): LlmEndpointConfig {
	return parseWith(LlmEndpointConfigSchema, input);
}

/** Where model files come from (see `ModelSource` in src/lib/embedding). Default: the Hugging Face hub. */
export const ModelSourceSchema = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('hub') }),
	/** A mirror laid out like the hub; an absolute http(s) URL. */
	z.object({ kind: z.literal('mirror'), baseUrl: z.url({ protocol: /^https?$/ }) }),
	/** A picked local folder (browser) or a folder path (Node CLI). */
	z.object({ kind: z.literal('local'), path: z.string().min(1).optional() })
]);

/** Model runtime settings shared by the embedding model and the reranker. */
export const ModelsConfigSchema = z.object({
	source: ModelSourceSchema.default({ kind: 'hub' }),
	/** `auto`: WebGPU when an adapter exists, else WASM. Default `auto`. */
	device: z.enum(['auto', 'webgpu', 'wasm']).default('auto')
});

const DtypeSchema = z.enum(['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4']);

/** The workspace's embedding model. Changing `modelId`/`dtype`/pooling/prefix makes a new vector set. */
export const EmbeddingConfigSchema = z.object({
	/** Hub id or local folder name. Default `Xenova/multilingual-e5-small` (384-d). */
	modelId: z.string().min(1).default('Xenova/multilingual-e5-small'),
	/** ONNX weights precision. Default `q8`. */
	dtype: DtypeSchema.default('q8'),
	/** Pooling and prefixes: default from the model registry (mean, no prefix for unlisted models). */
	pooling: z.enum(['mean', 'cls']).optional(),
	queryPrefix: z.string().max(64).optional(),
	passagePrefix: z.string().max(64).optional(),
	/** Chunks per embedding call. Range 1–256, default 16. */
	batchSize: z.number().int().min(1).max(256).default(16),
	/**
	 * Vector index: `auto` (default: the exact SIMD scan, switching to an HNSW graph built in the
	 * background from {@link HNSW_AUTO_MIN_VECTORS} vectors — the threshold measured in
	 * bench/vector, reasons in docs/architecture.md), `exact` (f32 scan), `exact-int8` (int8
	 * scan, exact rescoring), `hnsw` (graph at any size) or `voy` (k-d tree, ≤ 768 dims).
	 */
	vectorIndex: z.enum(VECTOR_INDEX_SETTINGS).default('auto'),
	/** Where this model's files come from, when not `models.source` (e.g. a picked local folder beside a hub reranker). */
	source: ModelSourceSchema.optional()
});

/** Hybrid retrieval parameters. */
export const RetrievalConfigSchema = z.object({
	/** RRF constant k (Cormack et al. 2009). Range 0–1000, default 60. */
	rrfK: z.number().min(0).max(1000).default(60),
	/**
	 * How hybrid search fuses its lists (`src/lib/search/fusion`), e.g. weights saved from
	 * `assay run --tune-fusion`; absent = RRF with `rrfK`.
	 */
	fusion: FusionConfigSchema.optional(),
	/**
	 * Query rewriting the search page starts with (`src/lib/search/rewrite`: multi-query, RAG-Fusion
	 * (Raudaschl 2023); HyDE (Gao et al., ACL 2023); keyword expansion (query2doc, Wang et al. 2023)),
	 * with the answering model. Absent = off.
	 */
	rewrite: RewriteConfigSchema.optional(),
	/** Candidates taken from each retriever before fusion. Range 1–1000, default 100. */
	depth: z.number().int().min(1).max(1000).default(100),
	/** Rerank pool = factor × topK fused candidates (when `rerankDepth` is absent). Range 1–25, default 4. */
	rerankPoolFactor: z.number().int().min(1).max(25).default(4),
	/**
	 * Rerank pool depth: fused candidates the cross-encoder scores, as an absolute count (raised to
	 * topK when smaller; see `rerankPoolSize`). Range 1–1000; absent (default) = `rerankPoolFactor` × topK.
	 */
	rerankDepth: z.number().int().min(1).max(1000).optional(),
	/**
	 * Parent-document retrieval of search and Ask (`src/lib/search/retrieval/expand.ts`): hits
	 * become their parent section or a window of neighbouring chunks within `maxTokens`; absent = none.
	 */
	expand: ExpandConfigSchema.optional()
});

/** Cross-encoder reranker. */
export const RerankConfigSchema = z.object({
	/** Off switch. Default off (the multilingual default model is a 570 MB download). */
	enabled: z.boolean().default(false),
	modelId: z.string().min(1).default('onnx-community/bge-reranker-v2-m3-ONNX'),
	dtype: DtypeSchema.default('q8'),
	/** Query–passage pairs per forward pass. Range 1–128, default 8. */
	batchSize: z.number().int().min(1).max(128).default(8),
	/** Where this model's files come from, when not `models.source` (a picked local reranker folder beside a hub embedding model). */
	source: ModelSourceSchema.optional()
});

export const AppConfigSchema = z.object({
	chunking: ChunkingConfigSchema.default({ chunkSizeChars: 800, chunkOverlapChars: 96 }),
	bm25: Bm25ConfigSchema.default({ k1: 0.9, b: 0.4, analyzer: 'auto' }),
	ingest: IngestConfigSchema.default({
		maxFileSizeBytes: 20 * 1024 * 1024,
		parseTimeoutMs: 30_000,
		maxInflatedBytes: 200 * 1024 * 1024,
		docxMaxParts: 1000,
		xmlMaxDepth: 256,
		hiddenText: 'drop',
		maxChunksPerDocument: 50_000,
		fileTimeoutMs: 120_000
	}),
	search: SearchConfigSchema.default({ topK: 10 }),
	models: ModelsConfigSchema.default({ source: { kind: 'hub' }, device: 'auto' }),
	embedding: EmbeddingConfigSchema.default({ modelId: 'Xenova/multilingual-e5-small', dtype: 'q8', batchSize: 16, vectorIndex: 'auto' }),
	retrieval: RetrievalConfigSchema.default({ rrfK: 60, depth: 100, rerankPoolFactor: 4 }),
	rerank: RerankConfigSchema.default({ enabled: false, modelId: 'onnx-community/bge-reranker-v2-m3-ONNX', dtype: 'q8', batchSize: 8 })
});

export type ChunkingConfig = z.infer<typeof ChunkingConfigSchema>;
/** Input accepted by {@link parseChunkingConfig} (sizes optional, defaults filled). */
export type ChunkingConfigInput = z.input<typeof ChunkingConfigSchema>;
export type AnalyzerName = z.infer<typeof AnalyzerNameSchema>;
export type Bm25Config = z.infer<typeof Bm25ConfigSchema>;
export type IngestConfig = z.infer<typeof IngestConfigSchema>;
export type SearchConfig = z.infer<typeof SearchConfigSchema>;
export type AppConfig = z.infer<typeof AppConfigSchema>;
export type ModelsConfig = z.infer<typeof ModelsConfigSchema>;
export type EmbeddingConfig = z.infer<typeof EmbeddingConfigSchema>;
export type RetrievalConfig = z.infer<typeof RetrievalConfigSchema>;
export type RerankConfig = z.infer<typeof RerankConfigSchema>;

/** Input shape accepted by {@link parseAppConfig}: any subset, defaults fill the rest. */
export type AppConfigInput = z.input<typeof AppConfigSchema>;

/**
 * Validate and fill defaults.
 * @throws AssayError `CONFIG_INVALID` listing every offending field (`chunking.chunkOverlapChars: …`).
 */
export function parseAppConfig(input: unknown = {}): AppConfig {
	return parseWith(AppConfigSchema, input);
}

/**
 * Validate a chunking configuration alone.
 * @throws AssayError `CONFIG_INVALID` (e.g. overlap ≥ size).
 */
export function parseChunkingConfig(input: unknown = {}): ChunkingConfig {
	return parseWith(ChunkingConfigSchema, input);
}

/**
 * Whether two chunking configurations chunk identically. An absent `mode` means `recursive`, so
 * `{chunkSizeChars: 800, …}` and `{mode: 'recursive', chunkSizeChars: 800, …}` are the same; when
 * both are `none` the sizes are unused and do not matter.
 */
export function sameChunking(
	a: Pick<ChunkingConfig, 'mode' | 'chunkSizeChars' | 'chunkOverlapChars'>,
	b: Pick<ChunkingConfig, 'mode' | 'chunkSizeChars' | 'chunkOverlapChars'>
): boolean {
	const mode = (c: typeof a) => c.mode ?? 'recursive';
	if (mode(a) !== mode(b)) return false;
	return mode(a) === 'none' || (a.chunkSizeChars === b.chunkSizeChars && a.chunkOverlapChars === b.chunkOverlapChars);
}

/**
 * Validate BM25 parameters alone.
 * @throws AssayError `CONFIG_INVALID`.
 */
export function parseBm25Config(input: unknown = {}): Bm25Config {
	return parseWith(Bm25ConfigSchema, input);
}

/** The defaults, as a fresh object. */
export function defaultAppConfig(): AppConfig {
	return parseAppConfig({});
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
	throw new AssayError('CONFIG_INVALID', `Invalid configuration — ${issues.join('; ')}`, {
		details: { issues }
	});
}
