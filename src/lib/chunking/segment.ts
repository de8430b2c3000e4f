/**
 * Boundary detection with `Intl.Segmenter`, done in bounded windows.
 *
 * Why windows: V8's segment iterator costs time proportional to the length of the string
 * being segmented *for every segment it yields*, so segmenting a whole 1 MB document at
 * once is quadratic (minutes). Segmenting slices of a few hundred code units keeps it linear.
 *
 * The locale is fixed (`en`, i.e. the Unicode default rules) so that the output does not
 * depend on the user's browser locale.
 */

import { createSegmenter } from '../shared/segmenter.ts';

const LOCALE = 'en';
const GRAPHEMES = new Intl.Segmenter(LOCALE, { granularity: 'grapheme' });

/** Window sizes and safety margins, UTF-16 code units. */
const GRAPHEME_WINDOW = 256;
const WINDOWS = {
	word: { size: 512, margin: 64 },
	sentence: { size: 4096, margin: 512 }
} as const;

/** Segment starts of `text.slice(start, end)`, as absolute offsets (the first is `start`). */
function segmentStarts(segmenter: Intl.Segmenter, text: string, start: number, end: number): number[] {
	const out: number[] = [];
	for (const s of segmenter.segment(text.slice(start, end))) out.push(start + s.index);
	return out;
}

/**
 * Marks where extended grapheme clusters (UAX #29) start.
 *
 * Returns a `Uint8Array` of length `text.length + 1`: `marks[i] === 1` iff a cluster starts at
 * UTF-16 offset `i`; `marks[text.length] === 1`. The result is exact, not approximate: each
 * window starts at a boundary already known to be true (clusters restart cleanly there, and
 * regional-indicator pairing keeps its parity), and a boundary is kept only when the code point
 * after it lies wholly inside the window (grapheme rules look ahead one code point).
 */
export function graphemeStartMarks(text: string): Uint8Array {
	const n = text.length;
	const marks = new Uint8Array(n + 1);
	marks[n] = 1;
	let start = 0;
	let window = GRAPHEME_WINDOW;
	while (start < n) {
		const end = Math.min(n, start + window);
		const starts = segmentStarts(GRAPHEMES, text, start, end);
		// At the end of the text every boundary is final; otherwise only those followed by a
		// complete code point inside the window (p ≤ end − 2 covers a surrogate pair).
		const trusted = end === n ? starts : starts.filter((p) => p <= end - 2);
		const last = trusted[trusted.length - 1] ?? start;
		if (end < n && last === start) {
			window *= 2; // one cluster fills the window: widen it and try again
			continue;
		}
		for (const p of trusted) marks[p] = 1;
		start = end === n ? n : last;
		window = GRAPHEME_WINDOW;
	}
	return marks;
}

/**
 * Word or sentence boundaries (UAX #29 via `Intl.Segmenter`) over the whole text, keeping only
 * those that are also grapheme-cluster starts (so no split ever cuts a cluster).
 *
 * Returns a strictly increasing `Int32Array` of UTF-16 offsets in `[0, text.length)`, starting
 * with 0 for non-empty text. Windows restart at a boundary found at least `margin` code units
 * before the window's end, because word and sentence rules look ahead a little; a boundary that
 * needs more look-ahead than the margin may differ from whole-text segmentation. That only
 * moves split points (quality), never correctness: cluster safety comes from `graphemeMarks`.
 */
export function levelStarts(text: string, granularity: 'word' | 'sentence', graphemeMarks: Uint8Array): Int32Array {
	const segmenter = createSegmenter(granularity, LOCALE);
	const { size, margin } = WINDOWS[granularity];
	const n = text.length;
	const out: number[] = [];
	let start = 0;
	let window: number = size;
	while (start < n) {
		const end = Math.min(n, start + window);
		const starts = segmentStarts(segmenter, text, start, end);
		let accepted = end === n ? starts : starts.filter((p) => p <= end - margin);
		if (accepted.length < 2 && end < n) accepted = starts.filter((p) => p <= end - 2); // never inside a surrogate pair
		if (accepted.length < 2 && end < n) {
			window *= 2; // no boundary inside the window yet
			continue;
		}
		// Each window re-reports its own start; the `> previous` test drops that duplicate.
		for (const p of accepted) if (graphemeMarks[p] === 1 && p < n && p > (out[out.length - 1] ?? -1)) out.push(p);
		start = end === n ? n : (accepted[accepted.length - 1] ?? n);
		window = size;
	}
	return Int32Array.from(out);
}
