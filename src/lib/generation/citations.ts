/**
 * Citation markers in model output: `[n]`, `[n, m]` or `[n][m]` with 1-based source numbers.
 * Markdown constructs that look alike are not citations: link text `[1](url)`, reference
 * definitions `[1]: url` and reference links `[text][1]`.
 */

/** One marker occurrence. Offsets are UTF-16 code units into the parsed text, `[start, end)`. */
export interface CitationMarker {
	readonly start: number;
	readonly end: number;
	/** Source numbers named by the marker, in written order. */
	readonly numbers: readonly number[];
}

/** The citation picture of an answer. */
export interface CitationSummary {
	readonly markers: readonly CitationMarker[];
	/** Distinct cited numbers that name a packed source, ascending. */
	readonly cited: readonly number[];
	/** Distinct cited numbers that name no packed source (not retrieved), ascending. */
	readonly invalid: readonly number[];
	/** True when the answer cites nothing at all. */
	readonly uncited: boolean;
}

const MARKER = /\[(\d{1,4}(?:\s*,\s*\d{1,4})*)\]/g;

/**
 * Find citation markers in `text`. A marker preceded by `]` that is itself a non-numeric
 * bracket (a reference link `[text][1]`), or followed by `(` or `:` (link / definition), is skipped.
 */
export function findCitationMarkers(text: string): CitationMarker[] {
	const out: CitationMarker[] = [];
	for (const m of text.matchAll(MARKER)) {
		const start = m.index;
		const end = start + m[0].length;
		const next = text[end];
		if (next === '(' || next === ':') continue;
		if (text[start - 1] === ']' && !endsWithMarker(text, start, out)) continue;
		out.push({ start, end, numbers: m[1]!.split(',').map((s) => Number(s.trim())) });
	}
	return out;
}

function endsWithMarker(text: string, start: number, found: readonly CitationMarker[]): boolean {
	const last = found[found.length - 1];
	return last !== undefined && last.end === start;
}

/**
 * Summarise the citations of `text` against `sourceCount` packed sources (valid numbers are
 * `1…sourceCount`). Streaming callers re-run this on the text so far; an unfinished `[1` at
 * the end is simply not a marker yet.
 */
export function summarizeCitations(text: string, sourceCount: number): CitationSummary {
	const markers = findCitationMarkers(text);
	const valid = new Set<number>();
	const invalid = new Set<number>();
	for (const m of markers) for (const n of m.numbers) (n >= 1 && n <= sourceCount ? valid : invalid).add(n);
	const asc = (s: Set<number>) => [...s].sort((a, b) => a - b);
	return { markers, cited: asc(valid), invalid: asc(invalid), uncited: markers.length === 0 };
}
