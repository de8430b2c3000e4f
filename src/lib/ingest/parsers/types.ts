import type { AssayErrorData } from '../../shared/errors.ts';
// The parser's output is the chunker's structured input: one definition, owned by chunking.
import type { StructuredSection, StructuredUnit } from '../../chunking/index.ts';

/**
 * The parser port: bytes of one file → {@link ParsedDocument}. Every format (PDF, DOCX, HTML,
 * CSV, JSON, code, plain text) implements {@link DocumentParser}; the import pipeline only sees
 * this shape, whichever thread or process ran the parser.
 */

/**
 * How a parsed document is cut into chunks:
 * - `markdown`: headings (`#` lines written by the parser) open sections, see `chunkDocument`;
 * - `text`: paragraphs → sentences → words;
 * - `units`: the parser's {@link ChunkUnit}s are packed in order (rows, records, code blocks),
 *   never split unless one unit alone is larger than a chunk.
 */
export type ParsedLayout = 'markdown' | 'text' | 'units';

/**
 * An indivisible piece of a `units` document: `[startOffset, endOffset)` in UTF-16 code units
 * of {@link ParsedDocument.text}, with the heading path (JSON key path, code definition name)
 * that a chunk made of it carries.
 */
export type ChunkUnit = StructuredUnit;

/**
 * A part of the text chunked on its own: chunks never cross a section. Headings (HTML, DOCX)
 * start sections; a PDF page is a section with its `page`.
 */
export type ParsedSection = StructuredSection;

/** A page of a paged document: its 1-based number and its range in the text. */
export interface PageSpan {
	/** 1-based page number, as printed by PDF viewers. */
	readonly page: number;
	readonly startOffset: number;
	readonly endOffset: number;
}

/** Something the parser noticed that makes the text suspect; shown on the document. */
export interface ParseWarning {
	/**
	 * `replacement-characters`, `control-characters`, `lone-surrogates`, `encoding-uncertain`,
	 * `invalid-records`, `broken-glyphs`, `hidden-text-dropped`, `hidden-text-flagged`,
	 * `unreadable-content` (DOCX charts, embedded objects, SmartArt, equations).
	 */
	readonly kind: string;
	readonly message: string;
	/** How many occurrences. */
	readonly count: number;
	/** For PDFs: the 1-based pages concerned. */
	readonly pages?: readonly number[];
	/** Short excerpts of the text concerned (hidden text), at most 5. */
	readonly excerpts?: readonly string[];
}

/** What a parser returns. Offsets are UTF-16 code units into `text`. */
export interface ParsedDocument {
	/** The document's text, `\n` line endings: what is stored, shown and chunked. */
	readonly text: string;
	readonly layout: ParsedLayout;
	/** For `units` layout. Sorted, non-overlapping. */
	readonly units?: readonly ChunkUnit[];
	/** A line repeated at the top of every chunk (a table's header row). */
	readonly repeatedHeader?: string;
	/** For `text`/`markdown` layouts: sections chunked separately (absent = the whole text is one). */
	readonly sections?: readonly ParsedSection[];
	/** For paged formats (PDF): the page ranges; chunks record their page. */
	readonly pages?: readonly PageSpan[];
	/** The text encoding the bytes were decoded with, for text formats. */
	readonly encoding?: string;
	/** Legacy encodings the user may choose from when the detection was uncertain. */
	readonly encodingCandidates?: readonly { encoding: string; confidence: number }[];
	/** A programming language for source code (`typescript`, `python`, …). */
	readonly language?: string;
	/** The document has no text layer (scanned PDF): it needs OCR and is not retrievable. */
	readonly needsOcr?: boolean;
	readonly warnings: readonly ParseWarning[];
	/** Small facts for the document view: page count, row count, title, record count. */
	readonly metadata: Readonly<Record<string, string | number>>;
}

/** What a parser is told besides the bytes. */
export interface ParseInput {
	readonly bytes: Uint8Array;
	/** File name with extension. */
	readonly name: string;
	/** The format key chosen from the extension (`pdf`, `docx`, `html`, `csv`, …). */
	readonly format: string;
	/** A user-chosen encoding to use instead of detection (re-decode of an uncertain document). */
	readonly forcedEncoding?: string;
	/** Largest total of inflated bytes a zip container (DOCX) may expand to. */
	readonly maxInflatedBytes: number;
	/** Most parts (zip entries) a DOCX may have (`ingest.docxMaxParts`, default 1 000). */
	readonly docxMaxParts?: number;
	/** Deepest element nesting of an XML part (`ingest.xmlMaxDepth`, default 256). */
	readonly xmlMaxDepth?: number;
	/** What to do with hidden text (`ingest.hiddenText`, default `drop`). */
	readonly hiddenText?: 'drop' | 'flag';
}

/**
 * One format's parser. `parse` rejects with an `AssayError` (`FILE_PARSE`, `FILE_ENCODING`,
 * `FILE_BINARY`, `FILE_ZIP_LIMIT`, …) for a file it cannot read; it never returns half a document.
 */
export interface DocumentParser {
	/** Format keys this parser handles. */
	readonly formats: readonly string[];
	parse(input: ParseInput): Promise<ParsedDocument>;
}

/** The port the import pipeline calls: runs the right parser, maybe in another thread with a time budget. */
export interface ParseService {
	/**
	 * Parse one file.
	 * @param timeoutMs time budget for this file; past it the call rejects with `FILE_PARSE_TIMEOUT`.
	 */
	parse(input: ParseInput, timeoutMs: number): Promise<ParsedDocument>;
}

/** A parse failure as data (crosses worker boundaries). */
export type ParseFailureData = AssayErrorData;
