/**
 * Word and sentence segmenters (`Intl.Segmenter`) that give the same boundaries on the first
 * call of a process as on every later one.
 *
 * Why: ICU loads its Chinese/Japanese word dictionary lazily. Until a segmenter has met a Han
 * character, text such as `1ー𠀀` splits as `1|ー𠀀`; afterwards it splits as `1|ー|𠀀` (seen in
 * Node 20's V8/ICU; the same ICU runs in Chromium). An analyzer must return the same terms at
 * index and query time, so every word segmenter is created after one warm-up segmentation of
 * Han text in this realm.
 */

let warmed = false;

/** Segment a Han sample once per realm so ICU's CJ dictionary is loaded before real text. */
function warmUp(): void {
	if (warmed) return;
	for (const _ of new Intl.Segmenter('en', { granularity: 'word' }).segment('日本語の文章')) {
		// iterating forces the break iterator to run over the Han text
	}
	warmed = true;
}

/**
 * A new `Intl.Segmenter` for `granularity` ('word' or 'sentence') in `locale` (default `en`,
 * fixed so results do not depend on the user's locale), created after the warm-up above.
 */
export function createSegmenter(granularity: 'word' | 'sentence', locale = 'en'): Intl.Segmenter {
	warmUp();
	return new Intl.Segmenter(locale, { granularity });
}
