import type { AssayErrorData } from '../shared/errors.ts';

/**
 * Document status after an import attempt:
 * - `ready`: decoded, chunked and indexed;
 * - `failed`: could not be read as text (reason in `error`: empty, too large, binary, bad encoding);
 * - `unsupported`: a file type this version does not parse.
 */
export type DocumentStatus = 'ready' | 'failed' | 'unsupported';

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
	/** Text encoding the bytes were decoded with (`utf-8`), when decoded. */
	readonly encoding?: string;
	/** Length of the decoded text, UTF-16 code units. */
	readonly charCount: number;
	readonly chunkCount: number;
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
	/** `${documentId}#${ordinal}`. */
	readonly id: string;
	readonly workspaceId: string;
	readonly documentId: string;
	readonly ordinal: number;
	readonly text: string;
	readonly startOffset: number;
	readonly endOffset: number;
	readonly headingPath: readonly string[];
}

/** A workspace: a named library of documents with its own configuration. */
export interface WorkspaceRecord {
	readonly id: string;
	readonly name: string;
	readonly createdAtMs: number;
	/** The workspace's `AppConfig` (validated on load). */
	readonly config: unknown;
}
