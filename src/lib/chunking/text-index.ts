import { graphemeStartMarks, levelStarts } from './segment.ts';
import { isWhitespaceCode } from './whitespace.ts';

/**
 * The split levels, strongest first. `paragraph`: blocks separated by blank lines; `line`:
 * after every `\n`; `sentence` and `word`: `Intl.Segmenter` boundaries; `grapheme`: extended
 * grapheme clusters, the finest level (a cluster is never split).
 */
export type SplitLevel = 'paragraph' | 'line' | 'sentence' | 'word' | 'grapheme';

/** All levels in their fixed order, strongest first. */
export const SPLIT_LEVEL_ORDER: readonly SplitLevel[] = ['paragraph', 'line', 'sentence', 'word', 'grapheme'];

/**
 * Precomputed facts about one source text that the splitter queries in O(1) or O(log n):
 * grapheme-cluster starts, where whitespace ends and starts again, and (lazily) word and
 * sentence boundaries. All offsets are UTF-16 code units. Memory: about 9 bytes per code unit.
 */
export class TextIndex {
	readonly text: string;
	readonly length: number;
	private readonly graphemeMarks: Uint8Array;
	/** `nextContent[i]`: smallest `j ≥ i` whose code unit is not whitespace, else `length`. */
	private readonly nextContent: Int32Array;
	/** `contentEndBefore[i]`: one past the last non-whitespace code unit before `i`, else 0. */
	private readonly contentEndBefore: Int32Array;
	private words: Int32Array | undefined;
	private sentences: Int32Array | undefined;

	constructor(text: string) {
		this.text = text;
		this.length = text.length;
		this.graphemeMarks = graphemeStartMarks(text);
		const n = text.length;
		this.nextContent = new Int32Array(n + 1);
		this.contentEndBefore = new Int32Array(n + 1);
		this.nextContent[n] = n;
		for (let i = n - 1; i >= 0; i--) {
			this.nextContent[i] = isWhitespaceCode(text.charCodeAt(i)) ? (this.nextContent[i + 1] ?? n) : i;
		}
		for (let i = 1; i <= n; i++) {
			this.contentEndBefore[i] = isWhitespaceCode(text.charCodeAt(i - 1)) ? (this.contentEndBefore[i - 1] ?? 0) : i;
		}
	}

	/** True when a grapheme cluster starts at `offset` (also true at 0 and at `length`). */
	isGraphemeStart(offset: number): boolean {
		return this.graphemeMarks[offset] === 1;
	}

	/**
	 * Start of the first grapheme cluster at or after `start` (a cluster start) that is not all
	 * whitespace; `length` when there is none. A cluster such as space + U+0301 counts as content,
	 * so trimming never cuts a cluster.
	 */
	contentStart(start: number): number {
		let p = this.nextContent[start] ?? this.length;
		while (p > start && !this.isGraphemeStart(p)) p--;
		return p;
	}

	/** End of the last cluster before `end` (a cluster start) that is not all whitespace; 0 when none. */
	contentEnd(end: number): number {
		let q = this.contentEndBefore[end] ?? 0;
		while (q < end && !this.isGraphemeStart(q)) q++;
		return q;
	}

	/**
	 * Like {@link contentStart} but keeps the indentation of the first content line: returns the
	 * start of that line when it lies at or after `start` (code stays indented); a `start` in the
	 * middle of a line still drops the whitespace after it.
	 */
	contentStartKeepingIndent(start: number): number {
		const p = this.contentStart(start);
		for (let i = p - 1; i >= start; i--) if (this.text.charCodeAt(i) === 0x0a) return i + 1;
		const atLineStart = start === 0 || this.text.charCodeAt(start - 1) === 0x0a;
		return atLineStart ? start : p;
	}

	/** All word boundaries (cluster starts), ascending; computed on first use. */
	wordStarts(): Int32Array {
		return (this.words ??= levelStarts(this.text, 'word', this.graphemeMarks));
	}

	/** All sentence boundaries (cluster starts), ascending; computed on first use. */
	sentenceStarts(): Int32Array {
		return (this.sentences ??= levelStarts(this.text, 'sentence', this.graphemeMarks));
	}

	/**
	 * Boundaries of `level` strictly inside `(start, end)`, ascending; every one is a grapheme
	 * cluster start. `start` must itself be a boundary of `level` or stronger.
	 */
	boundariesIn(level: SplitLevel, start: number, end: number): number[] {
		switch (level) {
			case 'grapheme':
				return this.graphemeStartsIn(start, end);
			case 'word':
				return sliceSorted(this.wordStarts(), start, end);
			case 'sentence':
				return sliceSorted(this.sentenceStarts(), start, end);
			case 'line':
				return this.lineStartsIn(start, end);
			case 'paragraph':
				return this.paragraphStartsIn(start, end);
		}
	}

	/** Cluster starts in `(start, end)`, ascending. */
	graphemeStartsIn(start: number, end: number): number[] {
		const out: number[] = [];
		for (let p = start + 1; p < end; p++) if (this.graphemeMarks[p] === 1) out.push(p);
		return out;
	}

	/** Offsets just after a `\n` in `(start, end)`. */
	private lineStartsIn(start: number, end: number): number[] {
		const out: number[] = [];
		for (let p = this.text.indexOf('\n', start); p !== -1 && p + 1 < end; p = this.text.indexOf('\n', p + 1)) out.push(p + 1);
		return out;
	}

	/**
	 * Starts of non-blank lines that follow a blank (whitespace-only) line, after some content
	 * has been seen, in `(start, end)`. A paragraph piece therefore carries its trailing blank lines.
	 */
	private paragraphStartsIn(start: number, end: number): number[] {
		const out: number[] = [];
		let sawContent = false;
		let afterBlank = false;
		for (let lineStart = start; lineStart < end;) {
			const nl = this.text.indexOf('\n', lineStart);
			const lineEnd = nl === -1 || nl >= end ? end : nl + 1;
			const blank = (this.nextContent[lineStart] ?? end) >= lineEnd;
			if (!blank && afterBlank && sawContent && lineStart > start) out.push(lineStart);
			if (!blank) sawContent = true;
			afterBlank = blank;
			lineStart = lineEnd;
		}
		return out;
	}
}

/** Values of the sorted `values` strictly inside `(start, end)`. */
function sliceSorted(values: Int32Array, start: number, end: number): number[] {
	return Array.from(values.subarray(lowerBound(values, start + 1), lowerBound(values, end)));
}

/** First index whose value is ≥ `target` (binary search). */
export function lowerBound(values: Int32Array, target: number): number {
	let lo = 0;
	let hi = values.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if ((values[mid] ?? Infinity) < target) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}
