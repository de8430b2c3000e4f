/**
 * A chunk as produced by the chunker: a piece of a document's text with its exact place in
 * the source. Offsets are UTF-16 code-unit indices into the document's (decoded, normalised)
 * text, `startOffset` inclusive, `endOffset` exclusive.
 */
export interface TextChunk {
	/** 0-based position of the chunk in its document. */
	readonly ordinal: number;
	/**
	 * The chunk's text. Equals `source.slice(startOffset, endOffset)` except when a markdown
	 * code fence was split: then the continuation is re-opened (and the piece closed) with
	 * the fence line, so every chunk is valid markdown on its own.
	 */
	readonly text: string;
	readonly startOffset: number;
	readonly endOffset: number;
	/** Markdown headings enclosing the chunk, outermost first (`["Handbook", "Leave", "Sick leave"]`); empty for plain text. */
	readonly headingPath: readonly string[];
	/**
	 * Overlap actually applied: UTF-16 code units of the source this chunk shares with the
	 * previous chunk of its section (`max(0, previous.endOffset − startOffset)`), to compare with
	 * the requested `chunkOverlapChars` (see {@link overlapShortfalls}). Absent on the first chunk
	 * of a section, where no overlap is taken, and on chunks of `units` documents, which carry none.
	 */
	readonly overlapChars?: number;
	/** For paged documents (PDF): 1-based first and last page the chunk's text lies on. */
	readonly pageStart?: number;
	readonly pageEnd?: number;
}

/** The document formats the chunker understands structurally. */
export type ChunkFormat = 'markdown' | 'text';

/**
 * Chunks whose overlap fell short of the request: those with an {@link TextChunk.overlapChars}
 * below half of `requestedOverlap` (snapping to a word start alone costs less than a word, so
 * this counts overlap that could not be applied — no room left in the chunk, a code fence or
 * a short previous chunk in the way). 0 when `requestedOverlap` is 0.
 */
export function overlapShortfalls(chunks: readonly Pick<TextChunk, 'overlapChars'>[], requestedOverlap: number): number {
	if (requestedOverlap <= 0) return 0;
	return chunks.filter((c) => c.overlapChars !== undefined && c.overlapChars < requestedOverlap / 2).length;
}

/**
 * Called each time the chunker finishes a chunk, with the number of chunks made so far for the
 * document (1, 2, …). It may throw to stop chunking early (a chunk limit, a time budget): the
 * error propagates out of the chunker unchanged and nothing is returned.
 */
export type ChunkObserver = (made: number) => void;
