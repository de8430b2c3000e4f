/**
 * Text normalisation that remembers where every output code unit came from, so tokens found
 * in normalised text can be highlighted in the original text.
 */

/**
 * Normalised text plus its offset map. When `starts`/`ends` are `null` the map is the
 * identity (output unit `i` came from input unit `i`); otherwise output unit `i` came from
 * the input range `[starts[i], ends[i])` (UTF-16 code units).
 */
export interface NormalizedText {
	readonly text: string;
	readonly starts: Int32Array | null;
	readonly ends: Int32Array | null;
}

/** How {@link normalizeText} may treat a transform. */
export interface NormalizeOptions {
	/** Build the offset map (only `tokens()` needs it; `analyze()` skips the cost). */
	readonly withOffsets: boolean;
	/**
	 * The transform never merges code units and changes length only by expanding one code
	 * point (true of `toLowerCase`, whose only expansion is `İ` → `i̇`): an output of equal
	 * length then maps one-to-one, and the whole text can be transformed at once (which keeps
	 * context rules such as the Greek final sigma exactly as in a whole-string call).
	 */
	readonly lengthPreserving?: boolean;
}

let graphemes: Intl.Segmenter | undefined;
// The whole ASCII range, NUL included, is the fast path: nothing to normalise.
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Apply `transform` (e.g. NFKC + lowercase) to `input`, piece by piece so offsets survive.
 *
 * Pieces: maximal ASCII runs (the transform is checked to keep their length, so they map
 * one-to-one), and non-ASCII runs together with the ASCII character just before them (a
 * combining mark may belong to it, as in `e` + U+0301). A non-ASCII piece the transform
 * leaves unchanged maps one-to-one; otherwise it is transformed one grapheme cluster at a
 * time and each output unit maps to its whole cluster. This equals transforming the whole
 * string except across grapheme boundaries, where NFKC and lowercasing almost never act.
 * The output depends only on `input`, never on `withOffsets`. `transform` must map each ASCII
 * character to exactly one code unit when the length is kept (true of NFKC and lowercasing).
 */
export function normalizeText(input: string, transform: (s: string) => string, options: NormalizeOptions): NormalizedText {
	const whole = transform(input);
	if (whole === input || (options.lengthPreserving && whole.length === input.length)) {
		return { text: whole, starts: null, ends: null };
	}
	// Pure ASCII (most English text): a same-length output maps one-to-one, as for ASCII pieces below.
	if (whole.length === input.length && !NON_ASCII.test(input)) return { text: whole, starts: null, ends: null };
	const parts: string[] = [];
	const starts: number[] = [];
	const ends: number[] = [];
	const wantMap = options.withOffsets;
	const identity = (piece: string, out: string, from: number): void => {
		parts.push(out);
		if (!wantMap) return;
		for (let k = 0; k < piece.length; k++) {
			starts.push(from + k);
			ends.push(from + k + 1);
		}
	};
	const byGrapheme = (piece: string, from: number): void => {
		graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
		for (const g of graphemes.segment(piece)) {
			const out = transform(g.segment);
			parts.push(out);
			if (!wantMap) continue;
			const gStart = from + g.index;
			const gEnd = gStart + g.segment.length;
			for (let k = 0; k < out.length; k++) {
				starts.push(gStart);
				ends.push(gEnd);
			}
		}
	};
	const n = input.length;
	let i = 0;
	while (i < n) {
		let j = i;
		while (j < n && input.charCodeAt(j) < 0x80) j++;
		// Leave the last ASCII character to the non-ASCII piece: a combining mark may follow it.
		const asciiEnd = j < n && j > i ? j - 1 : j;
		if (asciiEnd > i) {
			const piece = input.slice(i, asciiEnd);
			const out = transform(piece);
			if (out.length === piece.length) identity(piece, out, i);
			else byGrapheme(piece, i);
		}
		if (j >= n) break;
		let k = j;
		while (k < n && input.charCodeAt(k) >= 0x80) k++;
		const piece = input.slice(asciiEnd, k);
		const out = transform(piece);
		if (out === piece || (options.lengthPreserving && out.length === piece.length)) {
			identity(piece, out, asciiEnd);
		} else {
			byGrapheme(piece, asciiEnd);
		}
		i = k;
	}
	return {
		text: parts.join(''),
		starts: wantMap ? Int32Array.from(starts) : null,
		ends: wantMap ? Int32Array.from(ends) : null
	};
}

/**
 * Map a range `[start, end)` of normalised text back to the original text.
 * Requires `end > start` (tokens are never empty).
 */
export function originalRange(normalized: NormalizedText, start: number, end: number): [number, number] {
	const { starts, ends } = normalized;
	if (starts === null || ends === null) return [start, end];
	return [starts[start] ?? start, ends[end - 1] ?? end];
}

/** NFKC, then lowercase, then fold the Greek final sigma `ς` to `σ` (so word position does not matter). */
export function nfkcLower(s: string): string {
	return s.normalize('NFKC').toLowerCase().replaceAll('ς', 'σ');
}

/** Lowercase only (JavaScript `toLowerCase`, the same mapping as Python's `str.lower`). */
export function lowerOnly(s: string): string {
	return s.toLowerCase();
}
