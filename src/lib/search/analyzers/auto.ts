import type { Analyzer, TermSink } from './types.ts';
import { composeAnalyzer } from './base.ts';
import { nfkcLower } from './normalize.ts';
import { createEnglishScanner, beginEnglishText, englishTermKeyEpoch, PORTER_STEMMER_ID } from './latin.ts';
import { createSegmenter } from '../../shared/segmenter.ts';
import { codePointWidth, emitBigrams, scriptClassOf, ScriptClass, WORD_RUN_WITH_MARKS } from './scripts.ts';

/** Version of the `auto` analyzer's algorithm; bump when its output can change. */
const VERSION = 2;

/**
 * The `auto` analyzer (default): one function for mixed-language text, used at index and
 * query time. NFKC + lowercase, then word runs (letters, numbers, marks, `_`); inside a run,
 * each maximal piece of one script goes to its own pipeline:
 * - Hangul / Kana / Han → overlapping character bigrams, unigram for one character (as `cjk`);
 * - Latin letters and digits → the `english` pipeline (folding, `[a-z0-9]+`, stop words, Porter);
 * - other scripts (Thai, Arabic, Cyrillic, Greek…) → `Intl.Segmenter` words.
 * So `IndexedDB에` → `indexeddb`, `에`. Combining marks join the piece before them.
 */
export function createAutoAnalyzer(): Analyzer {
	const scanEnglish = createEnglishScanner();
	const words = createSegmenter('word');

	const emitPiece = (text: string, from: number, to: number, cls: ScriptClass, emit: TermSink): void => {
		if (cls === ScriptClass.Latin) {
			scanEnglish(text, from, to, emit);
		} else if (cls === ScriptClass.Cjk) {
			emitBigrams(text, from, to, emit);
		} else {
			for (const s of words.segment(text.slice(from, to))) {
				if (s.isWordLike) emit(s.segment, from + s.index, from + s.index + s.segment.length);
			}
		}
	};

	const scan = (text: string, emit: TermSink): void => {
		beginEnglishText();
		for (const match of text.matchAll(WORD_RUN_WITH_MARKS)) {
			const runStart = match.index;
			const runEnd = runStart + match[0].length;
			let pieceStart = runStart;
			let pieceClass: ScriptClass | undefined;
			let i = runStart;
			while (i < runEnd) {
				const width = codePointWidth(text, i);
				let cls = scriptClassOf(text.codePointAt(i) ?? 0);
				if (cls === ScriptClass.Mark) cls = pieceClass ?? ScriptClass.Other;
				if (pieceClass === undefined) pieceClass = cls;
				else if (cls !== pieceClass) {
					emitPiece(text, pieceStart, i, pieceClass, emit);
					pieceStart = i;
					pieceClass = cls;
				}
				i += width;
			}
			if (pieceClass !== undefined) emitPiece(text, pieceStart, runEnd, pieceClass, emit);
		}
	};

	return composeAnalyzer({
		name: 'auto',
		fingerprint:
			`auto/v${VERSION};nfkc;lower;runs=\\w+marks;cjk=bigrams;` +
			`latin=fold-marks,[a-z0-9]+,stop=lucene-33,stem=${PORTER_STEMMER_ID};other=intl-word(en)`,
		transform: nfkcLower,
		scan,
		termKeyEpoch: englishTermKeyEpoch
	});
}
