/**
 * The analyzer port: turns text into the terms BM25 indexes and searches. The same
 * analyzer (same {@link Analyzer.fingerprint}) must be used at index and query time.
 */

/** Analyzer names, as in `Bm25Config.analyzer` (`src/lib/config/schema.ts`). */
export type { AnalyzerName } from '../../config/schema.ts';

/**
 * One term with its place in the ORIGINAL text (before any normalisation), for highlighting.
 * Offsets are UTF-16 code-unit indices: `start` inclusive, `end` exclusive, so
 * `text.slice(start, end)` is the source of the term (e.g. `Café` for the term `cafe`).
 * A bigram covers both of its characters.
 */
export interface AnalyzedToken {
	readonly term: string;
	readonly start: number;
	readonly end: number;
}

/** Text → terms. Implementations are deterministic and hold no state beyond caches. */
export interface Analyzer {
	/** `english` | `cjk` | `segmenter` | `auto`. */
	readonly name: string;
	/**
	 * Identifies the exact output: name, algorithm version and options. It changes whenever
	 * `analyze` could return different terms for the same text, so an index built with one
	 * fingerprint is never searched with another. (Not included: the runtime's Unicode/ICU
	 * version, which `\p{…}` classes and `Intl.Segmenter` depend on.)
	 */
	readonly fingerprint: string;
	/** Terms in text order, repeats kept (term frequency matters). Empty text → `[]`. */
	analyze(text: string): string[];
	/**
	 * Optional: the terms of {@link Analyzer.analyze}, in the same order, passed to `sink` one by
	 * one instead of collected in an array (indexing uses it to count terms as they are made).
	 */
	forEachTerm?(text: string, sink: (term: string, key: number) => void): void;
	/**
	 * Optional, with {@link Analyzer.forEachTerm}: the epoch of the `key`s it passes. While the
	 * epoch stays the same, a key ≥ 0 always names the same term (−1 = no key), so an index may
	 * map keys to term ids in an array. Call it before each `forEachTerm`.
	 */
	termKeyEpoch?(): number;
	/** The same terms as {@link Analyzer.analyze}, in the same order, with original offsets. */
	tokens(text: string): AnalyzedToken[];
}

/**
 * Internal callback the scanners emit into. `start`/`end` are UTF-16 offsets in whatever
 * string the scanner was given (the normalised text); callers map them back. `key`, when
 * given, is the term's key in the scanner's term-key epoch ({@link Analyzer.termKeyEpoch}).
 */
export type TermSink = (term: string, start: number, end: number, key?: number) => void;
