import { z } from 'zod';
import { AssayError } from '../shared/errors.ts';

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
	maxFileSizeBytes: z.number().int().min(1).max(2 ** 31).default(20 * 1024 * 1024),
	/** Time budget to parse one file, milliseconds; past it the file fails alone. Range 100 ms – 10 min, default 30 000. */
	parseTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
	/** Largest total a zip container (DOCX) may inflate to, bytes (zip-bomb guard). Range 1 KiB – 2 GiB, default 200 MiB. */
	maxInflatedBytes: z.number().int().min(1024).max(2 ** 31).default(200 * 1024 * 1024)
});

/** Search defaults. */
export const SearchConfigSchema = z.object({
	/** Results shown per query. Range 1–1000, default 10. */
	topK: z.number().int().min(1).max(1000).default(10)
});

export const AppConfigSchema = z.object({
	chunking: ChunkingConfigSchema.default({ chunkSizeChars: 800, chunkOverlapChars: 96 }),
	bm25: Bm25ConfigSchema.default({ k1: 0.9, b: 0.4, analyzer: 'auto' }),
	ingest: IngestConfigSchema.default({ maxFileSizeBytes: 20 * 1024 * 1024, parseTimeoutMs: 30_000, maxInflatedBytes: 200 * 1024 * 1024 }),
	search: SearchConfigSchema.default({ topK: 10 })
});

export type ChunkingConfig = z.infer<typeof ChunkingConfigSchema>;
export type AnalyzerName = z.infer<typeof AnalyzerNameSchema>;
export type Bm25Config = z.infer<typeof Bm25ConfigSchema>;
export type IngestConfig = z.infer<typeof IngestConfigSchema>;
export type SearchConfig = z.infer<typeof SearchConfigSchema>;
export type AppConfig = z.infer<typeof AppConfigSchema>;

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
