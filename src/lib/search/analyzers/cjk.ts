import type { Analyzer, TermSink } from './types.ts';
import { composeAnalyzer } from './base.ts';
import { lowerOnly } from './normalize.ts';
import { codePointWidth, emitBigrams, isCjkCodePoint, PYTHON_WORD_RUN } from './scripts.ts';

/** Version of the `cjk` analyzer's algorithm; bump when its output can change. */
const VERSION = 1;

/**
 * The `cjk` analyzer, a reproduction of the reference Korean BM25 analyzer
 * (`shared/datasets/README.md`): lowercase (no NFKC), Unicode word runs as Python `\w+`
 * (letters, numbers, `_`; not combining marks), and inside a run each maximal sequence of
 * Hangul / Kana / CJK ideographs ({@link isCjkCodePoint}) becomes overlapping character
 * bigrams (a one-character sequence stays a unigram), while the other parts of the run stay
 * whole (`indexeddb에` → `indexeddb`, `에`). No stop words, no stemming.
 */
export function createCjkAnalyzer(): Analyzer {
	return composeAnalyzer({
		name: 'cjk',
		fingerprint: `cjk/v${VERSION};lower;runs=python-\\w;bigrams=hangul+kana+han;other=whole`,
		transform: lowerOnly,
		lengthPreserving: true,
		scan: scanCjk
	});
}

function scanCjk(text: string, emit: TermSink): void {
	for (const match of text.matchAll(PYTHON_WORD_RUN)) {
		const runStart = match.index;
		const runEnd = runStart + match[0].length;
		let pieceStart = runStart;
		let pieceIsCjk = isCjkCodePoint(text.codePointAt(runStart) ?? 0);
		let i = runStart;
		while (i < runEnd) {
			const width = codePointWidth(text, i);
			const cjk = isCjkCodePoint(text.codePointAt(i) ?? 0);
			if (cjk !== pieceIsCjk) {
				emitPiece(text, pieceStart, i, pieceIsCjk, emit);
				pieceStart = i;
				pieceIsCjk = cjk;
			}
			i += width;
		}
		emitPiece(text, pieceStart, runEnd, pieceIsCjk, emit);
	}
}

function emitPiece(text: string, from: number, to: number, cjk: boolean, emit: TermSink): void {
	if (to <= from) return;
	if (cjk) emitBigrams(text, from, to, emit);
	else emit(text.slice(from, to), from, to);
}
