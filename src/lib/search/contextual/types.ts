/**
 * Contextual chunks (Anthropic, "Introducing Contextual Retrieval", September 2024,
 * https://www.anthropic.com/news/contextual-retrieval): a chat model writes a short context for
 * each chunk — which document it comes from, its section, what the chunk is about — and that
 * context is prepended to the chunk for INDEXING ONLY (the BM25 text and the embedded passage).
 * The chunk text shown, highlighted, reranked and sent to the answer prompt stays the original.
 */

/**
 * Version of the context prompt (part of every cache key): bump it when the prompt's text or
 * the excerpt rule changes, so contexts written for the old prompt are not reused.
 */
export const CONTEXT_PROMPT_VERSION = 1;

/** How contexts are written. */
export interface ContextualConfig {
	/** Most tokens the model may generate per chunk, integer 16–512; default 160 (the reply itself must stay ≤ {@link MAX_CONTEXT_TOKENS}). */
	readonly maxTokens: number;
	/** Token budget of the document excerpt put in the prompt (estimated tokens), integer 200–32000; default 3000. */
	readonly excerptTokens: number;
}

/** The defaults of {@link ContextualConfig}. */
export const CONTEXTUAL_DEFAULTS: ContextualConfig = { maxTokens: 160, excerptTokens: 3000 };

/** Longest usable context, in estimated tokens (`EstimateTokenizer`); a longer reply is rejected. */
export const MAX_CONTEXT_TOKENS = 100;

/** One chunk to contextualise: where it comes from and its text. */
export interface ContextualChunk {
	/** The indexed item's id (a chunk id, or a document id when a document is one item). */
	readonly id: string;
	/** The document's title ('' when it has none). */
	readonly documentTitle: string;
	/** Headings from the document's top down to the chunk's section; `[]` for a plain-text document. */
	readonly sectionPath: readonly string[];
	/** The whole document text (untrusted); an excerpt of it goes in the prompt, its hash in the cache key. */
	readonly documentText: string;
	/** Offset of the chunk in `documentText`, UTF-16 code units (centres the excerpt when the document is over budget); default 0. */
	readonly chunkStart?: number;
	/** The chunk's original text (untrusted). */
	readonly chunkText: string;
}

/** Where stored contexts live: the app's `responseCache` store, memory or a file in Node. Values are validated when read. */
export interface ContextCache {
	get(key: string): Promise<unknown>;
	put(key: string, value: unknown): Promise<void>;
}

/** What contextualising a set of chunks did and cost. */
export interface ContextualSummary {
	readonly modelId: string;
	/** `gen_ai.provider.name` of the model, for pricing (`costFor`). */
	readonly provider: string;
	readonly promptVersion: number;
	/** Chunk id → its context (chunks that failed are absent and are indexed with their text alone). */
	readonly contexts: ReadonlyMap<string, string>;
	/** Contexts the model wrote in this run. */
	readonly generated: number;
	/** Contexts read from the cache (no model call, no tokens). */
	readonly cached: number;
	/** Chunks left without a context, with why (malformed reply, model error, cancel). */
	readonly failures: readonly { readonly id: string; readonly reason: string }[];
	/** Model calls made (generated + failed calls). */
	readonly calls: number;
	readonly inputTokens: number;
	readonly outputTokens: number;
}
