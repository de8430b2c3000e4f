import type { CodeFence, MarkdownBlock } from './markdown.ts';
import type { FenceFrame, Packer } from './packer.ts';
import type { SplitLevel, TextIndex } from './text-index.ts';

/**
 * The recursion of the recursive splitter: split a range at the strongest level, hand pieces
 * that fit to the packer, and split any piece longer than the chunk size at the next level.
 * Packing is greedy across levels: the parts of an oversized piece share chunks with the pieces
 * around it, so a heading or short paragraph is not left alone next to a long one.
 */

/** What the recursion works on: the indexed source, the packer, and the chunk size (UTF-16). */
export interface SplitContext {
	readonly index: TextIndex;
	readonly packer: Packer;
	readonly size: number;
}

/** Levels inside a markdown paragraph or heading line. */
const PROSE_LEVELS: readonly SplitLevel[] = ['sentence', 'word', 'grapheme'];
/** Levels inside a code fence: lines first, never sentences. */
const FENCE_LEVELS: readonly SplitLevel[] = ['line', 'word', 'grapheme'];

/**
 * Pack `[start, end)` split at `levels[0]`, recursing into finer levels for oversized pieces.
 * `levels` is ordered strongest first and must end with `grapheme` (an oversized cluster is
 * emitted alone).
 */
export function packRange(ctx: SplitContext, start: number, end: number, levels: readonly SplitLevel[]): void {
	const [level = 'grapheme', ...finer] = levels;
	let pieceStart = start;
	for (const boundary of ctx.index.boundariesIn(level, start, end)) {
		packPiece(ctx, pieceStart, boundary, finer);
		pieceStart = boundary;
	}
	packPiece(ctx, pieceStart, end, finer);
}

function packPiece(ctx: SplitContext, start: number, end: number, finer: readonly SplitLevel[]): void {
	if (ctx.packer.add(start, end)) return;
	// The open chunk stays open: the oversized piece's first parts join it (a heading is not
	// left alone before a long paragraph), and its last part takes in what follows.
	if (finer.length === 0) ctx.packer.addOversizedCluster(start, end);
	else packRange(ctx, start, end, finer);
}

/**
 * Pack the blocks of one markdown section: whole blocks while they fit, paragraphs split by
 * sentence → word → grapheme, code fences by line → word → grapheme (re-opened and closed).
 * Overlap never starts inside a code fence that lies before the new chunk.
 */
export function packMarkdownBlocks(ctx: SplitContext, blocks: readonly MarkdownBlock[]): void {
	for (const block of blocks) {
		if (ctx.packer.add(block.start, block.end)) {
			if (block.fence) ctx.packer.raiseFloor(block.end);
		} else if (block.fence) {
			packFence(ctx, block, block.fence);
		} else {
			packRange(ctx, block.start, block.end, PROSE_LEVELS);
		}
	}
}

/**
 * Split an oversized fence by lines. Pieces are wrapped in the fence lines (see
 * {@link FenceFrame}) only when those take at most half the chunk size; otherwise wrapping
 * would crowd out the code, and the fence is split as plain text.
 */
function packFence(ctx: SplitContext, block: MarkdownBlock, fence: CodeFence): void {
	const inner = ' '.repeat(fence.indent - fence.container);
	const frame: FenceFrame = {
		start: block.start,
		open: inner + fence.openLine.trimStart(),
		close: '\n' + inner + fence.marker,
		closeFirst: '\n' + ' '.repeat(fence.indent) + fence.marker,
		dedent: fence.container,
		bodyStart: fence.bodyStart,
		closedAt: fence.closedAt
	};
	const framed = 2 * (Math.max(frame.open.length, fence.openLine.length) + frame.closeFirst.length) <= ctx.size;
	// The chunk open before the fence may take its first lines (it gets closed); the chunk open
	// at its end is finished here, so the frame never outlives the fence.
	ctx.packer.frame = framed ? frame : undefined;
	packRange(ctx, block.start, block.end, FENCE_LEVELS);
	ctx.packer.flush();
	ctx.packer.frame = undefined;
	ctx.packer.raiseFloor(block.end);
}
