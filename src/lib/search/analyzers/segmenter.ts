import type { Analyzer } from './types.ts';
import { nfkcLower } from './normalize.ts';
import { createSegmenter } from '../../shared/segmenter.ts';

/** Version of the `segmenter` analyzer's algorithm; bump when its output can change. */
const VERSION = 1;

/** Locale for word segmentation, fixed so results do not depend on the user's default locale. */
const SEGMENTER_LOCALE = 'en';

/**
 * The `segmenter` analyzer: `Intl.Segmenter` word boundaries (Unicode UAX #29 plus ICU's
 * dictionaries for Thai, Lao, Khmer, Burmese, Chinese and Japanese), keeping word-like
 * segments, each normalised with NFKC + lowercase (final `ς` → `σ`). No stop words, no
 * stemming. Segments are found in the original text, so offsets need no mapping.
 * Output depends on the runtime's ICU data (browser and Node versions can differ).
 */
export function createSegmenterAnalyzer(): Analyzer {
	const segmenter = createSegmenter('word', SEGMENTER_LOCALE);
	const each = (text: string, emit: (term: string, start: number, end: number) => void): void => {
		for (const s of segmenter.segment(text)) {
			if (!s.isWordLike) continue;
			const term = nfkcLower(s.segment);
			if (term !== '') emit(term, s.index, s.index + s.segment.length);
		}
	};
	return {
		name: 'segmenter',
		fingerprint: `segmenter/v${VERSION};intl-word(${SEGMENTER_LOCALE});nfkc;lower`,
		analyze(text) {
			const terms: string[] = [];
			each(text, (term) => terms.push(term));
			return terms;
		},
		tokens(text) {
			const tokens: { term: string; start: number; end: number }[] = [];
			each(text, (term, start, end) => tokens.push({ term, start, end }));
			return tokens;
		}
	};
}
