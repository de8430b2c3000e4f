/**
 * Query rewriting before retrieval: a chat model turns the user's query into other queries
 * (multi-query / RAG-Fusion, Raudaschl 2023), a hypothetical answer passage that is embedded
 * instead of the query (HyDE, Gao et al., "Precise Zero-Shot Dense Retrieval without Relevance
 * Labels", ACL 2023), or extra keywords appended to the BM25 query (query expansion, as in
 * query2doc, Wang et al., "Query2doc: Query Expansion with Large Language Models", EMNLP 2023).
 */

/**
 * - `multi-query`: `count` paraphrases, each retrieved like the original; every list of every
 *   query (the original included) is fused with RRF;
 * - `hyde`: one hypothetical answer passage, embedded for the dense side only (BM25 keeps the
 *   original query);
 * - `expand`: up to `count` keywords appended to the lexical query only (dense keeps the original).
 */
export type RewriteTechnique = 'multi-query' | 'hyde' | 'expand';

/** Every technique, in the order the UI and the CLI list them. */
export const REWRITE_TECHNIQUES: readonly RewriteTechnique[] = ['multi-query', 'hyde', 'expand'];

/**
 * Version of the rewrite prompts (part of every cache key): bump it when a prompt's text changes,
 * so cached rewrites of the old prompt are not reused.
 */
export const REWRITE_PROMPT_VERSION = 1;

/** How to rewrite (absent in a retrieval configuration = no rewriting, today's behaviour). */
export interface RewriteConfig {
	readonly technique: RewriteTechnique;
	/** Rewrites (`multi-query`) or most keywords (`expand`) asked for, integer 1–10; default 3. Unused by `hyde`. */
	readonly count: number;
	/** Most tokens the model may generate per rewrite call, integer 16–2048; default 256. */
	readonly maxTokens: number;
}

/** The defaults of {@link RewriteConfig} apart from the technique. */
export const REWRITE_DEFAULTS = { count: 3, maxTokens: 256 } as const;

/** One query the retrievers run: the text BM25 gets and the text that is embedded. */
export interface QueryVariant {
	/** `original` (the user's query, maybe with keywords appended) or `rewrite-<n>`, n 1-based. */
	readonly name: string;
	readonly lexical: string;
	readonly dense: string;
}

/** Token counts and calls of the rewrite model for one query (zeros when the cache answered). */
export interface RewriteUsage {
	/** Model calls made. */
	readonly calls: number;
	readonly inputTokens: number;
	readonly outputTokens: number;
}

/**
 * What the rewriting stage decided for one query: the variants the retrievers run (index 0 is
 * always the original), the generated texts for explain, and what it cost.
 */
export interface QueryPlan {
	readonly technique: RewriteTechnique;
	readonly original: string;
	/** ≥ 1 variants; `variants[0].name === 'original'`. `multi-query` adds `rewrite-1…n`. */
	readonly variants: readonly QueryVariant[];
	/** The model's output as used: paraphrases, the HyDE passage, or the keywords. */
	readonly generated: readonly string[];
	/** `true` when the rewrite came from the cache (then `usage` is all zeros). */
	readonly cached: boolean;
	/** Why the original query alone is used (a model error or a malformed reply); `null` when the rewrite worked. */
	readonly fallback: string | null;
	readonly usage: RewriteUsage;
}

/**
 * Where cached rewrites live: the app's `responseCache` IndexedDB store, or memory / a file in
 * Node. Values are plain JSON data and are validated when read.
 */
export interface RewriteCache {
	get(key: string): Promise<unknown>;
	put(key: string, value: unknown): Promise<void>;
}
