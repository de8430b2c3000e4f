/**
 * Character classes shared by the analyzers. Everything works on code points, so characters
 * outside the BMP (CJK Extension B ideographs, emoji) are never split into surrogates.
 */

/**
 * True for the characters the reference Korean analyzer turns into bigrams: Hangul Jamo
 * (U+1100–11FF, Extended-A A960–A97F, Extended-B D7B0–D7FF), Hangul Compatibility Jamo
 * (U+3130–318F), Hangul Syllables (U+AC00–D7AF), Kana (Hiragana U+3040–309F, Katakana
 * U+30A0–30FF, Katakana Phonetic Extensions U+31F0–31FF, halfwidth Katakana U+FF66–FF9F),
 * and CJK ideographs (Unified U+4E00–9FFF, Extension A U+3400–4DBF, Compatibility
 * U+F900–FAFF, Extensions B and later U+20000–3FFFF). Blocks rather than `Script=` so that
 * the Katakana prolonged sound mark `ー` (Script=Common) stays inside its word.
 */
export function isCjkCodePoint(cp: number): boolean {
	if (cp < 0x1100) return false;
	return (
		(cp >= 0xac00 && cp <= 0xd7af) ||
		(cp >= 0x4e00 && cp <= 0x9fff) ||
		(cp >= 0x3040 && cp <= 0x30ff) ||
		cp <= 0x11ff ||
		(cp >= 0x3130 && cp <= 0x318f) ||
		(cp >= 0x3400 && cp <= 0x4dbf) ||
		(cp >= 0x31f0 && cp <= 0x31ff) ||
		(cp >= 0xa960 && cp <= 0xa97f) ||
		(cp >= 0xd7b0 && cp <= 0xd7ff) ||
		(cp >= 0xf900 && cp <= 0xfaff) ||
		(cp >= 0xff66 && cp <= 0xff9f) ||
		(cp >= 0x20000 && cp <= 0x3ffff)
	);
}

/**
 * Python 3's `\w` on `str`: letters (`L*`), numbers (`N*`) and `_`. Checked code point by
 * code point against CPython 3.11 (Unicode 14): identical except characters added in later
 * Unicode versions. Combining marks are NOT word characters there (`re.findall(r'\w+',
 * 'हिन्दी')` splits the word), which the reference Korean analyzer inherits.
 */
export const PYTHON_WORD_RUN = /[\p{L}\p{N}_]+/gu;

/** Word characters for `auto`: as {@link PYTHON_WORD_RUN} plus combining marks, so Thai or Devanagari words stay whole. */
export const WORD_RUN_WITH_MARKS = /[\p{L}\p{N}\p{M}_]+/gu;

const LATIN = /\p{Script=Latin}/u;
const MARK = /\p{M}/u;

/**
 * Script class used by `auto` to route a piece of a word to the right pipeline:
 * `Cjk` (Hangul, Kana, Han; see {@link isCjkCodePoint}) → bigrams; `Latin` (Latin letters,
 * digits, `_`) → the English pipeline; `Other` (Thai, Arabic, Cyrillic, …) →
 * `Intl.Segmenter` words; `Mark` (a combining mark) takes the class of the character before it.
 */
export const ScriptClass = { Cjk: 0, Latin: 1, Other: 2, Mark: 3 } as const;

/** One of the {@link ScriptClass} values. */
export type ScriptClass = (typeof ScriptClass)[keyof typeof ScriptClass];

/** Classify one code point of normalised (NFKC, lowercased) text. */
export function scriptClassOf(cp: number): ScriptClass {
	// 0x00–0x24F are ASCII, Latin-1 and Latin Extended-A/B: every word character there is Latin or a digit.
	if (cp < 0x250) return ScriptClass.Latin;
	if (isCjkCodePoint(cp)) return ScriptClass.Cjk;
	const ch = String.fromCodePoint(cp);
	if (MARK.test(ch)) return ScriptClass.Mark;
	if (LATIN.test(ch)) return ScriptClass.Latin;
	return ScriptClass.Other;
}

/**
 * Emit overlapping character bigrams for `text.slice(from, to)` (a run of CJK characters):
 * `abc` → `ab`, `bc`; a one-character run → its unigram. Characters are code points.
 */
export function emitBigrams(text: string, from: number, to: number, emit: (term: string, start: number, end: number) => void): void {
	let prev = from;
	let cur = from + codePointWidth(text, from);
	if (cur >= to) {
		emit(text.slice(from, to), from, to);
		return;
	}
	while (cur < to) {
		const next = cur + codePointWidth(text, cur);
		emit(text.slice(prev, next), prev, next);
		prev = cur;
		cur = next;
	}
}

/** 2 when a surrogate pair starts at `i`, else 1. */
export function codePointWidth(text: string, i: number): number {
	const c = text.charCodeAt(i);
	if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
		const d = text.charCodeAt(i + 1);
		if (d >= 0xdc00 && d <= 0xdfff) return 2;
	}
	return 1;
}
