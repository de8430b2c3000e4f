import type { TextIndex } from './text-index.ts';

/**
 * Greedy packing of adjacent pieces into chunks, with overlap.
 *
 * The recursive splitter ({@link ./recursive.ts}) hands pieces over in source order; the packer
 * appends each to the open chunk while the chunk's measured length stays ≤ `size`, otherwise
 * closes the chunk and opens a new one. A new chunk after the first of a section starts with up
 * to `overlap` code units taken from just before its first piece, snapped to a boundary (see
 * `overlapStart`) and shortened so the chunk still fits.
 */

/**
 * How a split markdown code fence is re-opened and closed around its pieces.
 * `start`: offset of the opening line; `open`: that line including `\n` (e.g. "```ts\n");
 * `close`: `\n` + the fence marker (e.g. "\n```"), indented as `open`; `closeFirst`: the same,
 * indented as the source's opening line, for a chunk that holds that line; `bodyStart`: offset
 * just after the opening line; `closedAt`: offset just after the closing marker (the text's end
 * for an unclosed fence). A chunk starting at or after `bodyStart` gets `open` prepended; a
 * chunk ending inside the fence (after `start`, before `closedAt`) gets `close` (or, when it
 * starts before `bodyStart`, `closeFirst`) appended. `open` and `close` differ from the source's
 * indentation only for a fence in a list item (`dedent` > 0, the item's content column): a
 * continuation chunk has no list marker, so its lines lose up to `dedent` leading spaces and its
 * fence lines keep the fence's indentation inside the item — it renders as the same code block.
 */
export interface FenceFrame {
	readonly start: number;
	readonly open: string;
	readonly close: string;
	readonly closeFirst: string;
	readonly dedent: number;
	readonly bodyStart: number;
	readonly closedAt: number;
}

/** One finished chunk: source range `[start, end)` (UTF-16) and its text (the slice, plus any fence lines). */
export interface PackedChunk {
	readonly start: number;
	readonly end: number;
	readonly text: string;
}

/**
 * Packer settings. `size`: maximum chunk length, UTF-16 code units, ≥ 1. `overlap`: code units
 * repeated from the previous chunk, 0 ≤ overlap < size. `trim`: drop leading/trailing whitespace
 * of every chunk (whole whitespace clusters only) and skip whitespace-only pieces; when false,
 * chunks are exact contiguous slices (lengths count their whitespace).
 */
export interface PackerOptions {
	readonly size: number;
	readonly overlap: number;
	readonly trim: boolean;
	/** Called after each finished chunk with the number of chunks in {@link Packer.chunks}; may throw to stop packing. */
	readonly onChunk?: (made: number) => void;
}

export class Packer {
	/** Finished chunks, in order. */
	readonly chunks: PackedChunk[] = [];
	/** The fence frame pieces are currently inside, if any (set by the fence splitter). */
	frame: FenceFrame | undefined;
	private openStart = -1;
	private openEnd = -1;
	/** Start of the previous chunk in this section (−1: none yet); overlap must start after it. */
	private previousStart = -1;
	/** Overlap never reaches before this offset (section start, or the end of a code fence). */
	private floor = 0;
	private readonly index: TextIndex;
	private readonly options: PackerOptions;

	constructor(index: TextIndex, options: PackerOptions) {
		this.index = index;
		this.options = options;
	}

	/** Close any open chunk and start a section at `start`: no overlap from earlier sections. */
	startSection(start: number): void {
		this.flush();
		this.previousStart = -1;
		this.floor = start;
	}

	/** Forbid overlap from reaching before `offset` (used after code fences). */
	raiseFloor(offset: number): void {
		this.floor = Math.max(this.floor, offset);
	}

	/**
	 * Offer the piece `[start, end)` (cluster starts, following the previous piece). Returns
	 * false, changing nothing, when the piece alone is longer than `size`: the caller splits it.
	 */
	add(start: number, end: number): boolean {
		const alone = this.measure(start, end);
		if (this.options.trim && alone === 0) {
			if (this.openStart >= 0) this.openEnd = end; // whitespace rides along, trimmed later
			return true;
		}
		if (this.openStart >= 0 && this.measure(this.openStart, end) <= this.options.size) {
			this.openEnd = end;
			return true;
		}
		if (alone > this.options.size) return false;
		this.flush();
		this.openStart = this.overlapStart(start, end);
		this.openEnd = end;
		return true;
	}

	/** Emit `[start, end)` — one grapheme cluster longer than `size` — alone, without overlap. */
	addOversizedCluster(start: number, end: number): void {
		this.flush();
		this.openStart = start;
		this.openEnd = end;
		this.flush();
	}

	/** Close the open chunk, if any, and record it (unless it is whitespace only). */
	flush(): void {
		if (this.openStart < 0) return;
		const chunk = this.finish(this.openStart, this.openEnd);
		this.openStart = -1;
		if (chunk === undefined) return;
		this.chunks.push(chunk);
		this.previousStart = chunk.start;
		this.options.onChunk?.(this.chunks.length);
	}

	/**
	 * Where a chunk whose first new piece is `[start, end)` begins: the earliest boundary in the
	 * overlap window that keeps the chunk within `size` and brings some content along — line
	 * starts first inside a code fence, then word boundaries, and cluster starts only when the
	 * window holds no word boundary at all (it lies inside one long token); `start` when there
	 * is no previous chunk, no overlap, or nothing fits. Never cuts a word that has a boundary.
	 */
	private overlapStart(start: number, end: number): number {
		if (this.previousStart < 0 || this.options.overlap === 0) return start;
		let low = Math.max(start - this.options.overlap, this.previousStart + 1, this.floor);
		if (this.frame && start >= this.frame.bodyStart) low = Math.max(low, this.frame.bodyStart);
		if (low >= start) return start;
		if (this.frame) {
			const line = this.firstFitting(this.index.boundariesIn('line', low - 1, start), start, end);
			if (line !== undefined) return line;
		}
		const words = this.index.boundariesIn('word', low - 1, start);
		if (words.length > 0) return this.firstFitting(words, start, end) ?? start;
		return this.firstFitting(this.index.boundariesIn('grapheme', low - 1, start), start, end) ?? start;
	}

	/**
	 * First of the ascending `candidates` that fits. The measure only shrinks as the start moves
	 * right; once a candidate would bring only whitespace along, so would every later one.
	 */
	private firstFitting(candidates: readonly number[], start: number, end: number): number | undefined {
		for (const candidate of candidates) {
			if (this.options.trim && this.index.contentStart(candidate) >= start) return undefined;
			if (this.measure(candidate, end) <= this.options.size) return candidate;
		}
		return undefined;
	}

	/** Length the chunk `[start, end)` would have once finished (0 when it would be empty). */
	private measure(start: number, end: number): number {
		const [s, e] = this.bounds(start, end);
		if (e <= s) return 0;
		return e - s + this.wrapperLength(start, end);
	}

	/** The trimmed source range of a chunk spanning pieces `[start, end)`. */
	private bounds(start: number, end: number): [number, number] {
		if (!this.options.trim) return [start, end];
		const inBody = this.frame !== undefined && start >= this.frame.bodyStart;
		const s = inBody ? this.index.contentStartKeepingIndent(start) : this.index.contentStart(start);
		return [s, this.index.contentEnd(end)];
	}

	private wrapperLength(start: number, end: number): number {
		const f = this.frame;
		if (f === undefined) return 0;
		return (start >= f.bodyStart ? f.open.length : 0) + (endsInside(f, end) ? closeOf(f, start).length : 0);
	}

	private finish(start: number, end: number): PackedChunk | undefined {
		const [s, e] = this.bounds(start, end);
		if (e <= s) return undefined;
		const slice = this.index.text.slice(s, e);
		const f = this.frame;
		if (f === undefined) return { start: s, end: e, text: slice };
		const continuation = start >= f.bodyStart;
		const open = continuation ? f.open : '';
		const close = endsInside(f, end) ? closeOf(f, start) : '';
		// Measured before dedenting, so a dedented chunk is only ever shorter than its measure.
		const body = continuation && f.dedent > 0 ? slice.replace(new RegExp(`^ {1,${f.dedent}}`, 'gm'), '') : slice;
		return { start: s, end: e, text: open + body + close };
	}
}

/** The closing line a chunk starting at `start` gets: indented as the opening line it holds, or as its re-opened line. */
function closeOf(frame: FenceFrame, start: number): string {
	return start >= frame.bodyStart ? frame.close : frame.closeFirst;
}

/** True when a chunk ending at `end` holds part of the fence but not its closing marker. */
function endsInside(frame: FenceFrame, end: number): boolean {
	return end > frame.start && end < frame.closedAt;
}
