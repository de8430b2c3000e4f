import { AssayError } from '../shared/errors.ts';
import { sha256Hex } from '../shared/hash.ts';
import { formatBytes } from '../shared/format.ts';
import type { IngestConfig } from '../config/schema.ts';
import { decodeText } from './decode.ts';
import { mediaTypeFor } from './media-types.ts';

/** A file to import, independent of where it came from (picker, folder, drop, CLI, demo). */
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

/** A file read and decoded, ready for chunking. */
export interface PreparedText {
	readonly kind: 'text';
	readonly mediaType: string;
	readonly contentHash: string;
	readonly encoding: string;
	/** Decoded text with `\n` line endings. */
	readonly text: string;
}

/** A file that cannot become text, with the reason; `contentHash` is set when bytes were read. */
export interface PreparedFailure {
	readonly kind: 'failed' | 'unsupported';
	readonly mediaType: string;
	readonly contentHash: string;
	readonly error: AssayError;
}

/**
 * Read, check and decode one file. Never throws for a bad file: every per-file problem
 * (unsupported type, over `maxFileSizeBytes`, empty, binary, invalid UTF-8, read failure)
 * comes back as a {@link PreparedFailure} so the rest of an import goes on.
 * Checks run cheapest first: type and size before any byte is read.
 */
export async function prepareText(source: ImportSource, config: IngestConfig): Promise<PreparedText | PreparedFailure> {
	const mediaType = mediaTypeFor(source.name);
	if (mediaType === null) {
		return failure('unsupported', 'application/octet-stream', '', new AssayError('FILE_UNSUPPORTED', `“${source.name}”: only .txt and .md files are read in this version.`));
	}
	if (source.sizeBytes > config.maxFileSizeBytes) {
		const msg = `“${source.name}” is ${formatBytes(source.sizeBytes)}, over the ${formatBytes(config.maxFileSizeBytes)} limit per file.`;
		return failure('failed', mediaType, '', new AssayError('FILE_TOO_LARGE', msg, { details: { sizeBytes: source.sizeBytes, maxFileSizeBytes: config.maxFileSizeBytes } }));
	}
	let bytes: Uint8Array;
	try {
		bytes = await source.readBytes();
	} catch (cause) {
		return failure('failed', mediaType, '', new AssayError('FILE_READ', `“${source.name}” could not be read: ${String(cause)}`, { cause }));
	}
	const contentHash = await sha256Hex(bytes);
	if (bytes.length === 0) {
		return failure('failed', mediaType, contentHash, new AssayError('FILE_EMPTY', `“${source.name}” is empty (0 bytes).`));
	}
	try {
		const decoded = decodeText(bytes);
		if (decoded.text.trim().length === 0) {
			return failure('failed', mediaType, contentHash, new AssayError('FILE_EMPTY', `“${source.name}” contains only whitespace.`));
		}
		return { kind: 'text', mediaType, contentHash, encoding: decoded.encoding, text: decoded.text };
	} catch (error) {
		if (error instanceof AssayError) return failure('failed', mediaType, contentHash, error);
		throw error;
	}
}

function failure(kind: PreparedFailure['kind'], mediaType: string, contentHash: string, error: AssayError): PreparedFailure {
	return { kind, mediaType, contentHash, error };
}
