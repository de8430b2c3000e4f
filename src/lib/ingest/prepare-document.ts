import { AssayError } from '../shared/errors.ts';
import { sha256Hex } from '../shared/hash.ts';
import { formatBytes } from '../shared/format.ts';
import type { IngestConfig } from '../config/schema.ts';
import { fileFormatFor } from './media-types.ts';
import type { ImportSource, PreparedFailure } from './prepare.ts';
import type { ParsedDocument, ParseService } from './parsers/types.ts';

/** A file read and parsed (status `ready`, `ready-with-warnings` or `needs-ocr`). */
export interface PreparedParsed {
	readonly kind: 'parsed';
	readonly mediaType: string;
	/** Parser key (`pdf`, `csv`, …). */
	readonly format: string;
	readonly contentHash: string;
	readonly parsed: ParsedDocument;
	/** The raw bytes (kept when the encoding is uncertain, for a re-decode). */
	readonly bytes: Uint8Array;
	/** Wall time of the parse, milliseconds. */
	readonly parseMs: number;
}

/** Options of {@link prepareDocument}. */
export interface PrepareOptions {
	/** Decode with this encoding instead of detecting one (the user's choice). */
	readonly forcedEncoding?: string;
}

/**
 * Read, check and parse one file of any supported format. Never throws for a bad file: every
 * per-file problem (unsupported type, over `maxFileSizeBytes`, empty, binary, bad encoding,
 * damaged file, zip bomb, over the `parseTimeoutMs` budget, read failure) comes back as a
 * {@link PreparedFailure} so the rest of an import goes on. Checks run cheapest first: type and
 * size before any byte is read. A parse whose text is whitespace only is `FILE_EMPTY`, except a
 * PDF without text layer, which comes back parsed with `needsOcr`.
 */
export async function prepareDocument(source: ImportSource, config: IngestConfig, parser: ParseService, options: PrepareOptions = {}): Promise<PreparedParsed | PreparedFailure> {
	const format = fileFormatFor(source.name);
	if (format === null) {
		return failure('unsupported', 'application/octet-stream', '', new AssayError('FILE_UNSUPPORTED', `“${source.name}”: this file type is not read (no parser for its extension).`));
	}
	if (source.sizeBytes > config.maxFileSizeBytes) {
		const msg = `“${source.name}” is ${formatBytes(source.sizeBytes)}, over the ${formatBytes(config.maxFileSizeBytes)} limit per file.`;
		return failure('failed', format.mediaType, '', new AssayError('FILE_TOO_LARGE', msg, { details: { sizeBytes: source.sizeBytes, maxFileSizeBytes: config.maxFileSizeBytes } }));
	}
	let bytes: Uint8Array;
	try {
		bytes = await source.readBytes();
	} catch (cause) {
		return failure('failed', format.mediaType, '', new AssayError('FILE_READ', `“${source.name}” could not be read: ${String(cause)}`, { cause }));
	}
	const contentHash = await sha256Hex(bytes);
	if (bytes.length === 0) return failure('failed', format.mediaType, contentHash, new AssayError('FILE_EMPTY', `“${source.name}” is empty (0 bytes).`));
	const started = performance.now();
	try {
		const input = { bytes, name: source.name, format: format.format, maxInflatedBytes: config.maxInflatedBytes, docxMaxParts: config.docxMaxParts, xmlMaxDepth: config.xmlMaxDepth, hiddenText: config.hiddenText, ...(options.forcedEncoding ? { forcedEncoding: options.forcedEncoding } : {}) };
		const parsed = await parser.parse(input, config.parseTimeoutMs);
		if (!parsed.needsOcr && parsed.text.trim().length === 0) {
			return failure('failed', format.mediaType, contentHash, new AssayError('FILE_EMPTY', `“${source.name}” contains no text.`));
		}
		return { kind: 'parsed', mediaType: format.mediaType, format: format.format, contentHash, parsed, bytes, parseMs: performance.now() - started };
	} catch (error) {
		const e = error instanceof AssayError ? error : new AssayError('FILE_PARSE', `“${source.name}” could not be parsed: ${String(error)}`, { cause: error });
		return failure(e.code === 'FILE_UNSUPPORTED' ? 'unsupported' : 'failed', format.mediaType, contentHash, e);
	}
}

function failure(kind: PreparedFailure['kind'], mediaType: string, contentHash: string, error: AssayError): PreparedFailure {
	return { kind, mediaType, contentHash, error };
}
