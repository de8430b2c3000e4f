/**
 * Types for the CommonJS package `snowball-stemmers` 0.6.0 (it ships none). Import the named
 * functions: the module sets `__esModule`, so a default import is `undefined` under
 * CommonJS interop (tsx's CJS mode, some bundlers) while named imports work everywhere.
 */
declare module 'snowball-stemmers' {
	/** A stemmer for one algorithm; `stem` is synchronous and keeps no state between calls. */
	export interface SnowballStemmer {
		stem(word: string): string;
	}
	/** `algorithm` is one of {@link algorithms}, e.g. `porter` or `english` (Porter2). Throws on an unknown name. */
	export function newStemmer(algorithm: string): SnowballStemmer;
	/** Names of the available algorithms. */
	export function algorithms(): string[];
}
