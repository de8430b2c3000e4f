import type { AssayErrorData } from '../shared/errors.ts';
import type { ParseWarning } from './parsers/types.ts';

/**
 * Document status after an import attempt:
 * - `ready`: parsed, chunked and indexed;
 * - `ready-with-warnings`: indexed, but the text is suspect (see `warnings`: replaced
 *   characters, broken PDF glyphs, an uncertain encoding, invalid JSON lines);
 * - `needs-ocr`: a PDF without a text layer (scanned); stored without chunks, not retrievable;
 * - `failed`: could not be read (reason in `error`: empty, too large, binary, bad encoding,
 *   damaged file, zip bomb, parse time budget exceeded);
 * - `unsupported`: a file type this version does not parse.
 */
export type DocumentStatus = 'ready' | 'ready-with-warnings' | 'needs-ocr' | 'failed' | 'unsupported';

/** Every {@link DocumentStatus}, in display order. */
export const DOCUMENT_STATUSES: readonly DocumentStatus[] = ['ready', 'ready-with-warnings', 'needs-ocr', 'failed', 'unsupported'];

/**
 * Whether an `unsupported` document looks like text and its bytes are kept, so it can be
 * re-imported as plain text ("Read as text"): its error carries `details.readableAsText`.
 */
export function isReadableAsText(doc: Pick<DocumentRecord, 'status' | 'error'>): boolean {
	return doc.status === 'unsupported' && doc.error?.details?.['readableAsText'] === true;
}

/** Whether a document with this status has chunks in the search index. */
export function isSearchable(status: DocumentStatus): boolean {
	return status === 'ready' || status === 'ready-with-warnings';
}

/** A document as stored. Sizes in bytes; times in epoch milliseconds. */
export interface DocumentRecord {
	readonly id: string;
	readonly workspaceId: string;
	/** File name, e.g. `handbook.md`. */
	readonly name: string;
	/** Path relative to the picked folder (`docs/handbook.md`), or the name for single files. */
	readonly relativePath: string;
	/** IANA media type, e.g. `text/markdown`, `text/plain`. */
	readonly mediaType: string;
	readonly sizeBytes: number;
	/** SHA-256 of the raw bytes, hex. */
	readonly contentHash: string;
	readonly status: DocumentStatus;
	readonly error?: AssayErrorData;
	/** Text encoding the bytes were decoded with (`utf-8`, `shift_jis`, …), for text formats. */
	readonly encoding?: string;
	/** When the encoding was guessed with low confidence: the candidates the user may pick. */
	readonly encodingCandidates?: readonly { encoding: string; confidence: number }[];
	/** Why the text is suspect (status `ready-with-warnings`). */
	readonly warnings?: readonly ParseWarning[];
	/** Source-code language (`typescript`, …). */
	readonly language?: string;
	/** Pages of a PDF. */
	readonly pageCount?: number;
	/** Time the parser took, milliseconds. */
	readonly parseMs?: number;
	/** Length of the decoded text, UTF-16 code units. */
	readonly charCount: number;
	readonly chunkCount: number;
	/** Chunks whose applied overlap is under half the requested `chunkOverlapChars` (see `overlapShortfalls` in chunking); absent when 0. */
	readonly overlapShortfalls?: number;
	/** Hash of the chunking configuration the chunks were made with. */
	readonly chunkingConfigHash?: string;
	readonly importedAtMs: number;
	/** Free-form labels for filtering. */
	readonly tags: readonly string[];
	/** Id in the source collection (a BEIR corpus `_id`), so golden sets can match by it. */
	readonly externalId?: string;
}

/** A stored chunk: the chunker's output plus ids. */
export interface ChunkRecord {
	/** `${documentId}#${ordinal}` (built by `chunkId` in `src/lib/shared/identity.ts`). */
	readonly id: string;
	readonly workspaceId: string;
	readonly documentId: string;
	readonly ordinal: number;
	readonly text: string;
	readonly startOffset: number;
	readonly endOffset: number;
	readonly headingPath: readonly string[];
	/** For PDFs: 1-based first and last page of the chunk (equal: chunks never cross a page). */
	readonly pageStart?: number;
	readonly pageEnd?: number;
}

/** A workspace: a named library of documents with its own configuration. */
export interface WorkspaceRecord {
	readonly id: string;
	readonly name: string;
	readonly createdAtMs: number;
	/** The workspace's `AppConfig` (validated on load). */
	readonly config: unknown;
}
