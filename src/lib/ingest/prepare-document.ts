import { AssayError } from '../shared/errors.ts';
import { sha256Hex } from '../shared/hash.ts';
import { formatBytes } from '../shared/format.ts';
import type { IngestConfig } from '../config/schema.ts';
import { fileExtension, fileFormatFor, KNOWN_BINARY_EXTENSIONS, type FileFormat } from './media-types.ts';
import { gunzipLimited, gzipInnerName, isGzipName } from './gzip.ts';
import { detectAndDecode } from './encoding/detect.ts';
import type { ImportSource, PreparedFailure } from './prepare.ts';
import type { ParsedDocument, ParseService } from './parsers/types.ts';
import { markdownWarnings } from '../chunking/markdown.ts';

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
	/** Read the file as plain text whatever its extension (the user's "Read as text"). */
	readonly asText?: boolean;
}

/** The format of "Read as text". */
const PLAIN_TEXT: FileFormat = { format: 'text', mediaType: 'text/plain' };

/**
 * Whether bytes of an unknown type look like text: not binary, and decodable (BOM, UTF-16 by
 * its NUL pattern, UTF-8, or a legacy candidate), see {@link detectAndDecode}.
 */
export function looksLikeText(bytes: Uint8Array): boolean {
	try {
		return detectAndDecode(bytes).text.trim() !== '';
	} catch {
		return false;
	}
}

/**
 * Read, check and parse one file of any supported format. Never throws for a bad file: every
 * per-file problem (unsupported type, over `maxFileSizeBytes`, empty, binary, bad encoding,
 * damaged file, zip bomb, over the `parseTimeoutMs` budget, read failure) comes back as a
 * {@link PreparedFailure} so the rest of an import goes on. Checks run cheapest first: type and
 * size before any byte is read. A parse whose text is whitespace only is `FILE_EMPTY`, except a
 * PDF without text layer, which comes back parsed with `needsOcr`. Markdown text with an
 * unterminated code fence gets a `unterminated-code-fence` warning (the file is then
 * ready-with-warnings): the fence swallows the rest of the document.
 * - `name.gz`: inflated within `maxInflatedBytes` (`FILE_ZIP_LIMIT`; damaged: `FILE_GZIP_INVALID`),
 *   then read by the inner name (`notes.md.gz` as Markdown); the hash is of the stored bytes.
 * - Unknown types (no or an unknown extension) are `unsupported`; when their bytes look like
 *   text ({@link looksLikeText}) the failure says so and carries the bytes, and
 *   `options.asText` reads them as plain text.
 */
export async function prepareDocument(
	source: ImportSource,
	config: IngestConfig,
	parser: ParseService,
	options: PrepareOptions = {}
): Promise<PreparedParsed | PreparedFailure> {
	const gzip = isGzipName(source.name);
	const innerName = gzipInnerName(source.name);
	const format = options.asText ? PLAIN_TEXT : fileFormatFor(innerName);
	if (format === null && (source.sizeBytes > config.maxFileSizeBytes || KNOWN_BINARY_EXTENSIONS.has(fileExtension(innerName))))
		return unsupported(source.name, '', false);
	const mediaType = format?.mediaType ?? 'application/octet-stream';
	if (source.sizeBytes > config.maxFileSizeBytes) {
		const msg = `“${source.name}” is ${formatBytes(source.sizeBytes)}, over the ${formatBytes(config.maxFileSizeBytes)} limit per file.`;
		return failure(
			'failed',
			mediaType,
			'',
			new AssayError('FILE_TOO_LARGE', msg, { details: { sizeBytes: source.sizeBytes, maxFileSizeBytes: config.maxFileSizeBytes } })
		);
	}
	let bytes: Uint8Array;
	try {
		bytes = await source.readBytes();
	} catch (cause) {
		return failure('failed', mediaType, '', new AssayError('FILE_READ', `“${source.name}” could not be read: ${String(cause)}`, { cause }));
	}
	const contentHash = await sha256Hex(bytes);
	if (bytes.length === 0)
		return format
			? failure('failed', mediaType, contentHash, new AssayError('FILE_EMPTY', `“${source.name}” is empty (0 bytes).`))
			: unsupported(source.name, contentHash, false);
	let content = bytes;
	if (gzip) {
		try {
			content = gunzipLimited(bytes, config.maxInflatedBytes);
		} catch (error) {
			const e = error instanceof AssayError ? error : new AssayError('FILE_GZIP_INVALID', String(error), { cause: error });
			return failure(
				'failed',
				mediaType,
				contentHash,
				new AssayError(e.code, `“${source.name}”: ${e.message}`, { cause: e, ...(e.details ? { details: e.details } : {}) })
			);
		}
	}
	if (format === null) {
		const text = looksLikeText(content);
		return { ...unsupported(source.name, contentHash, text), ...(text ? { bytes } : {}) };
	}
	const started = performance.now();
	try {
		const input = {
			bytes: content,
			name: innerName,
			format: format.format,
			maxInflatedBytes: config.maxInflatedBytes,
			docxMaxParts: config.docxMaxParts,
			xmlMaxDepth: config.xmlMaxDepth,
			hiddenText: config.hiddenText,
			...(options.forcedEncoding ? { forcedEncoding: options.forcedEncoding } : {})
		};
		const raw = await parser.parse(input, config.parseTimeoutMs);
		const structural = raw.layout === 'markdown' ? markdownWarnings(raw.text) : [];
		const parsed = structural.length > 0 ? { ...raw, warnings: [...raw.warnings, ...structural] } : raw;
		if (!parsed.needsOcr && parsed.text.trim().length === 0) {
			return failure('failed', format.mediaType, contentHash, new AssayError('FILE_EMPTY', `“${source.name}” contains no text.`));
		}
		return {
			kind: 'parsed',
			mediaType: format.mediaType,
			format: format.format,
			contentHash,
			parsed,
			bytes,
			parseMs: performance.now() - started
		};
	} catch (error) {
		const e =
			error instanceof AssayError
				? error
				: new AssayError('FILE_PARSE', `“${source.name}” could not be parsed: ${String(error)}`, { cause: error });
		return failure(e.code === 'FILE_UNSUPPORTED' ? 'unsupported' : 'failed', format.mediaType, contentHash, e);
	}
}

/**
 * An unsupported type. When its bytes look like text, the error says so and carries
 * `details.readableAsText: true` (see {@link isReadableAsText}); the caller keeps the bytes so
 * the user can "Read as text".
 */
function unsupported(name: string, contentHash: string, readableAsText: boolean): PreparedFailure {
	const hint = readableAsText ? ' It looks like text: read it as plain text (“Read as text” in the app, --as-text in the CLI).' : '';
	const error = new AssayError(
		'FILE_UNSUPPORTED',
		`“${name}”: this file type is not read (no parser for its extension).${hint}`,
		readableAsText ? { details: { readableAsText: true } } : undefined
	);
	return {
		kind: 'unsupported',
		mediaType: 'application/octet-stream',
		contentHash,
		error,
		...(readableAsText ? { readableAsText: true } : {})
	};
}

function failure(kind: PreparedFailure['kind'], mediaType: string, contentHash: string, error: AssayError): PreparedFailure {
	return { kind, mediaType, contentHash, error };
}
