import type { Analyzer } from './types.ts';
import { composeAnalyzer } from './base.ts';
import { nfkcLower } from './normalize.ts';
import { createEnglishScanner, beginEnglishText, englishTermKeyEpoch, PORTER_STEMMER_ID } from './latin.ts';

/** Version of the `english` analyzer's algorithm; bump when its output can change. */
const VERSION = 2;

/**
 * The `english` analyzer: NFKC, lowercase, diacritics folded (NFD, combining marks dropped:
 * `Café` → `cafe`), tokens `[a-z0-9]+` (everything else separates), Lucene's 33 English stop
 * words removed, original Porter stemming (Snowball `porter`).
 *
 * On ASCII text this is exactly the reference BM25 analyzer (`shared/datasets/README.md`:
 * Python `str.lower()`, `[a-z0-9]+`, Lucene stop set, Snowball Porter). It differs only where
 * NFKC or folding change non-ASCII text: the reference splits `café` into `caf`, this keeps `cafe`.
 */
export function createEnglishAnalyzer(): Analyzer {
	const scanEnglish = createEnglishScanner();
	return composeAnalyzer({
		name: 'english',
		fingerprint: `english/v${VERSION};nfkc;lower;fold-marks;[a-z0-9]+;stop=lucene-33;stem=${PORTER_STEMMER_ID}`,
		transform: nfkcLower,
		scan: (text, emit) => {
			beginEnglishText();
			scanEnglish(text, 0, text.length, emit);
		},
		termKeyEpoch: englishTermKeyEpoch
	});
}
