import type { GoldenCase } from '../golden/types.ts';

/**
 * Synthetic golden cases: questions a model writes from the workspace's own documents, each with
 * its source documents as relevant and the model's answer as the reference. They start `pending`
 * and are evaluated only once accepted (see `evaluableCases` in evals/golden).
 */

/** One document the generator may write from. */
export interface SyntheticDocument {
	/** Document reference as golden sets use it (`documentReference`: external id, else relative path). */
	readonly ref: string;
	/** Title shown to the model (untrusted: escaped into an attribute). */
	readonly title: string;
	/** The document's chunk texts in order (untrusted); a document without chunks is never picked. */
	readonly chunks: readonly string[];
}

/** Whether a question comes from one document or from a pair of related ones. */
export type SyntheticKind = 'single' | 'multi';

/** Options of a generation. */
export interface SyntheticOptions {
	/** Questions to ask for, 1–200. */
	readonly count: number;
	/** Share of multi-document questions in [0, 1] (rounded to whole items). Default 0.3. */
	readonly multiShare?: number;
	/** PRNG seed: the same documents, options and seed pick the same excerpts. Default 1. */
	readonly seed?: number;
	/** Most characters of one excerpt (UTF-16 code units; longer chunks are cut), 200–8000. Default 1500. */
	readonly maxExcerptChars?: number;
	/** Least distinctive terms two documents must share to make a multi-document pair, ≥ 1. Default 2. */
	readonly minSharedTerms?: number;
	/** Most tokens of one reply. Default 400. */
	readonly maxTokens?: number;
}

/** One excerpt an item is written from. */
export interface SyntheticExcerpt {
	readonly ref: string;
	readonly title: string;
	readonly text: string;
}

/** One planned question: its kind and its excerpts (1 for single, 2 for multi). */
export interface SyntheticItem {
	/** 0-based position in the plan. */
	readonly index: number;
	readonly kind: SyntheticKind;
	readonly excerpts: readonly SyntheticExcerpt[];
}

/** Why an item gave no case. */
export type SyntheticFailure =
	/** The reply held no valid `{question, answer}` object. */
	| 'malformed'
	/** The engine failed (an `error` event or a thrown error). */
	| 'model-error'
	/** The question is (nearly) one already in the golden set or generated before it. */
	| 'duplicate';

/** An item that gave no case, with the reason and a readable message. */
export interface SyntheticItemError {
	readonly index: number;
	readonly kind: SyntheticKind;
	readonly documentIds: readonly string[];
	readonly failure: SyntheticFailure;
	readonly message: string;
}

/** What a generation produced: pending cases in plan order, and every item that failed. */
export interface SyntheticResult {
	readonly cases: GoldenCase[];
	readonly errors: SyntheticItemError[];
	/** Multi-document items asked for that no related pair of documents could fill. */
	readonly multiUnavailable: number;
}
