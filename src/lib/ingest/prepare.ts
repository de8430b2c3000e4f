import type { AssayError } from '../shared/errors.ts';

/** A file to import, independent of where it came from (picker, folder, drop, CLI, demo, stored job). */
export interface ImportSource {
	/** File name with extension. */
	readonly name: string;
	/** Path relative to the picked folder; the name for single files. */
	readonly relativePath: string;
	/** Size in bytes, known before reading (so oversized files are never read). */
	readonly sizeBytes: number;
	/** Reads the whole file. May reject (the file moved, permission revoked). */
	readBytes(): Promise<Uint8Array>;
}

/** A file that cannot become a document, with the reason; `contentHash` is set when bytes were read. */
export interface PreparedFailure {
	readonly kind: 'failed' | 'unsupported';
	readonly mediaType: string;
	readonly contentHash: string;
	readonly error: AssayError;
	/** An unsupported type whose bytes look like text: it may be read as plain text. */
	readonly readableAsText?: boolean;
	/** The file's bytes, kept for "Read as text" (only with `readableAsText`). */
	readonly bytes?: Uint8Array;
}
