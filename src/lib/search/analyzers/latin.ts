import { newStemmer } from 'snowball-stemmers';
import type { TermSink } from './types.ts';
import { codePointWidth } from './scripts.ts';

/**
 * The English pipeline's pieces: `[a-z0-9]+` tokens with diacritics folded, Lucene's stop
 * set, and the original Porter stemmer. Shared by the `english` and `auto` analyzers.
 */

/**
 * Lucene's English stop set (`EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`, 33 words), the set the
 * reference BM25 runs use. Checked before stemming.
 */
export const LUCENE_ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
	(
		'a an and are as at be but by for if in into is it no not of on or such ' + 'that the their then there these they this to was will with'
	).split(' ')
);

/** Stemmer identity for fingerprints: package, version, algorithm. */
export const PORTER_STEMMER_ID = 'snowball-stemmers@0.6.0/porter';

/**
 * Original Porter algorithm as implemented by the Snowball project, via npm
 * `snowball-stemmers` 0.6.0 (`porter`, not Porter2 `english`). It gives the same stem as the
 * reference runs for all 45,513 distinct tokens of cranfield, med, cisi and scifact (see
 * TECH-NOTES, Stemming). Stems are cached: vocabularies are small and stemming dominates
 * analysis time otherwise.
 */
export function createPorterStemmer(): (word: string) => string {
	const stemmer = newStemmer('porter');
	const cache = new Map<string, string>();
	return (word) => {
		let stem = cache.get(word);
		if (stem === undefined) {
			stem = stemmer.stem(word);
			// A bound on memory for pathological inputs (random ids); real vocabularies stay far below.
			if (cache.size >= 500_000) cache.clear();
			cache.set(word, stem);
		}
		return stem;
	};
}

const FOLD_SEPARATOR = null;
const foldCache = new Map<number, string | null>();

/**
 * Fold one non-ASCII code point of lowercased text: NFD, then drop combining marks.
 * Returns the `[a-z0-9]+` it folds to (`é` → `e`), `''` for a lone combining mark
 * (transparent: it neither adds to nor ends a token), or `null` for anything else
 * (a separator: `ø`, `ß`, Hangul, punctuation…). NFD works code point by code point, so
 * folding each one equals folding the whole string.
 */
function foldCodePoint(cp: number): string | null {
	let folded = foldCache.get(cp);
	if (folded === undefined) {
		const stripped = String.fromCodePoint(cp).normalize('NFD').replace(/\p{M}/gu, '');
		folded = stripped === '' ? '' : /^[a-z0-9]+$/.test(stripped) ? stripped : FOLD_SEPARATOR;
		foldCache.set(cp, folded);
	}
	return folded;
}

function isAsciiAlnum(c: number): boolean {
	return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}

/**
 * Emit the `[a-z0-9]+` tokens of `text.slice(from, to)`, which must already be lowercased
 * (the reference does Python `str.lower()` then `re.findall('[a-z0-9]+')`; uppercase ASCII
 * here would be a separator). Non-ASCII letters count when they fold to ASCII
 * (see {@link foldCodePoint}), so `café` → `cafe` and `naïve` → `naive`, while the offsets
 * cover the original characters (and any trailing combining mark).
 */
export function scanLatinTokens(text: string, from: number, to: number, emit: TermSink): void {
	let start = -1;
	let end = -1;
	// The token's text once it differs from text.slice(start, end) (after a folded character).
	let built: string | null = null;
	for (let i = from; i < to; i++) {
		const c = text.charCodeAt(i);
		if (c < 0x80) {
			if (isAsciiAlnum(c)) {
				if (start < 0) {
					start = i;
					built = null;
				} else if (built !== null) {
					built += text[i];
				}
				end = i + 1;
				continue;
			}
		} else {
			const width = codePointWidth(text, i);
			const folded = foldCodePoint(text.codePointAt(i) ?? c);
			if (folded !== null) {
				if (folded !== '' || start >= 0) {
					if (start < 0) {
						start = i;
						built = folded;
					} else {
						built = (built ?? text.slice(start, i)) + folded;
					}
					end = i + width;
				}
				i += width - 1;
				continue;
			}
			i += width - 1;
		}
		if (start >= 0) emit(built ?? text.slice(start, end), start, end);
		start = -1;
	}
	if (start >= 0) emit(built ?? text.slice(start, end), start, end);
}

/**
 * Porter stem of `token`, or `token` itself where the stem would be empty. Porter's step 1a
 * strips a final `s` with no condition, so the token `s` (from `user's`, `U.S.`) stems to `''`;
 * no other `[a-z0-9]+` token stems to `''` or to `s` (checked for every token up to 4
 * characters), so keeping `s` renames the reference runs' empty term one to one: terms,
 * document lengths and BM25 scores stay exactly those of the reference.
 */
export function stemOrKeep(stem: (word: string) => string, token: string): string {
	const stemmed = stem(token);
	return stemmed === '' ? token : stemmed;
}

/**
 * The full English pipeline on lowercased text: {@link scanLatinTokens}, drop
 * {@link LUCENE_ENGLISH_STOP_WORDS}, Porter-stem the rest ({@link stemOrKeep}: never an empty
 * term). Returns a scanner with the same signature as {@link scanLatinTokens} whose output
 * terms are stems.
 */
export function createEnglishScanner(): (text: string, from: number, to: number, emit: TermSink) => void {
	const stem = createPorterStemmer();
	return (text, from, to, emit) => {
		scanLatinTokens(text, from, to, (token, start, end) => {
			if (!LUCENE_ENGLISH_STOP_WORDS.has(token)) emit(stemOrKeep(stem, token), start, end);
		});
	};
}
