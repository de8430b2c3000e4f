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
	/** For paged documents (PDF): 1-based first and last page the chunk's text lies on. */
	readonly pageStart?: number;
	readonly pageEnd?: number;
}

/** The document formats the chunker understands structurally. */
export type ChunkFormat = 'markdown' | 'text';

/**
 * Called each time the chunker finishes a chunk, with the number of chunks made so far for the
 * document (1, 2, …). It may throw to stop chunking early (a chunk limit, a time budget): the
 * error propagates out of the chunker unchanged and nothing is returned.
 */
export type ChunkObserver = (made: number) => void;
