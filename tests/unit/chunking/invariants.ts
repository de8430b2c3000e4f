/**
 * Reference facts about a source text, computed the slow, obvious way (whole-text
 * `Intl.Segmenter`, per-character loops), to check the chunker against. For small inputs only.
 */

/** Offsets where a grapheme cluster starts, plus `text.length`. */
export function graphemeStarts(text: string): Set<number> {
	const starts = new Set<number>([text.length]);
	for (const s of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)) starts.add(s.index);
	return starts;
}

/** The grapheme clusters of `text`, in order. */
export function graphemes(text: string): string[] {
	return Array.from(new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text), (s) => s.segment);
}

/** Offsets of non-whitespace code units (`/\S/`) not inside any `[startOffset, endOffset)` range. */
export function uncoveredContent(text: string, ranges: readonly { startOffset: number; endOffset: number }[]): number[] {
	const covered = new Uint8Array(text.length);
	for (const r of ranges) covered.fill(1, r.startOffset, r.endOffset);
	const missing: number[] = [];
	for (let i = 0; i < text.length; i++) if (covered[i] === 0 && /\S/.test(text[i] ?? '')) missing.push(i);
	return missing;
}

/** True when `[start, end)` of `text` is exactly one grapheme cluster (by `starts`). */
export function isSingleCluster(starts: Set<number>, start: number, end: number): boolean {
	for (let p = start + 1; p < end; p++) if (starts.has(p)) return false;
	return end > start;
}
