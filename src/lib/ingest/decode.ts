import { AssayError } from '../shared/errors.ts';

/**
 * Bytes → text for text files. Order: byte-order mark first (UTF-8, UTF-16LE, UTF-16BE), then
 * UTF-16 without a BOM recognised by its NUL-byte pattern ({@link sniffUtf16}), then strict UTF-8
 * (`TextDecoder` with `fatal: true`). Anything else is a typed error; we never guess and store
 * mojibake. Line endings are normalised to `\n` so offsets are stable.
 */

/** The result of decoding: text plus the encoding that produced it (WHATWG label). */
export interface DecodedText {
	readonly text: string;
	readonly encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
	/** True when a byte-order mark was found and removed. */
	readonly hadBom: boolean;
	/** True when UTF-16 was recognised without a BOM ({@link sniffUtf16}). */
	readonly sniffed?: boolean;
}

/** How many leading bytes the binary sniffing looks at. */
export const BINARY_SNIFF_BYTES = 8192;

/**
 * Heuristic binary detection over the first {@link BINARY_SNIFF_BYTES} bytes: a NUL byte, or
 * more than 10 % C0 control bytes other than tab, LF, FF and CR, means binary. (The same rule
 * family as git's and file(1)'s text checks.) UTF-16 with a BOM, or recognised by
 * {@link sniffUtf16}, is text.
 */
export function looksBinary(bytes: Uint8Array): boolean {
	if (bomOf(bytes) || sniffUtf16(bytes)) return false;
	const n = Math.min(bytes.length, BINARY_SNIFF_BYTES);
	let control = 0;
	for (let i = 0; i < n; i++) {
		const b = bytes[i]!;
		if (b === 0) return true;
		if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d) control++;
	}
	return n > 0 && control / n > 0.1;
}

/**
 * Decode `bytes` as described above.
 * @throws AssayError `FILE_BINARY` when {@link looksBinary}; `FILE_ENCODING` when the bytes are
 *   not valid UTF-8 (the message gives the byte offset of the first invalid sequence).
 */
export function decodeText(bytes: Uint8Array): DecodedText {
	const bom = bomOf(bytes);
	if (bom) {
		const body = bytes.subarray(bom.length);
		return { text: normaliseNewlines(strictDecode(body, bom.encoding)), encoding: bom.encoding, hadBom: true };
	}
	const utf16 = sniffUtf16(bytes);
	if (utf16) return { text: normaliseNewlines(utf16.text), encoding: utf16.encoding, hadBom: false, sniffed: true };
	if (looksBinary(bytes)) {
		throw new AssayError('FILE_BINARY', 'The file contains binary data (NUL or control bytes), not text.');
	}
	return { text: normaliseNewlines(strictDecode(bytes, 'utf-8')), encoding: 'utf-8', hadBom: false };
}

/** Share of code units whose high (or low) byte must be NUL for {@link sniffUtf16}: 20 %. */
export const UTF16_NUL_SHARE = 0.2;

/**
 * Recognise UTF-16 without a byte-order mark (Windows tools write it: PowerShell redirection,
 * `reg export`, some CSV exports), which the NUL check of {@link looksBinary} would call binary.
 * All of these must hold over the first {@link BINARY_SNIFF_BYTES} bytes:
 * - an even byte length (UTF-16 has 2-byte code units);
 * - NUL pattern: at least {@link UTF16_NUL_SHARE} of the code units have a NUL in their high
 *   byte (odd offsets for LE, even offsets for BE: ASCII and Latin-1 letters, digits, spaces and
 *   newlines), and under a tenth as many have one in the other byte (U+xx00 characters);
 * - the whole file decodes in fatal mode (every surrogate correctly paired);
 * - the text has no U+0000 and under 10 % C0 controls other than tab, LF, FF and CR.
 * Returns the decoded text and encoding, or `null`. Text with no ASCII at all (pure CJK UTF-16
 * without a BOM) has no NUL pattern and is not recognised: it goes on to the legacy detection.
 */
export function sniffUtf16(bytes: Uint8Array): { text: string; encoding: 'utf-16le' | 'utf-16be' } | null {
	if (bytes.length < 2 || bytes.length % 2 !== 0) return null;
	const n = Math.min(bytes.length, BINARY_SNIFF_BYTES) & ~1;
	let evenNul = 0;
	let oddNul = 0;
	for (let i = 0; i < n; i += 2) {
		if (bytes[i] === 0) evenNul++;
		if (bytes[i + 1] === 0) oddNul++;
	}
	const units = n / 2;
	const encoding =
		oddNul >= units * UTF16_NUL_SHARE && evenNul < oddNul * 0.1
			? 'utf-16le'
			: evenNul >= units * UTF16_NUL_SHARE && oddNul < evenNul * 0.1
				? 'utf-16be'
				: null;
	if (!encoding) return null;
	let text: string;
	try {
		text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
	} catch {
		return null;
	}
	const sample = text.slice(0, units);
	let control = 0;
	for (let i = 0; i < sample.length; i++) {
		const c = sample.charCodeAt(i);
		if (c === 0) return null;
		if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) control++;
	}
	return control / Math.max(1, sample.length) > 0.1 ? null : { text, encoding };
}

/** `\r\n` and lone `\r` become `\n`. */
export function normaliseNewlines(text: string): string {
	return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

function bomOf(bytes: Uint8Array): { encoding: DecodedText['encoding']; length: number } | null {
	if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
	if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
	if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
	return null;
}

function strictDecode(bytes: Uint8Array, encoding: DecodedText['encoding']): string {
	try {
		// ignoreBOM: the BOM was already removed; a second one is content.
		return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
	} catch (cause) {
		const offset = encoding === 'utf-8' ? firstInvalidUtf8Offset(bytes) : -1;
		const where = offset >= 0 ? ` (first invalid byte sequence at byte ${offset})` : '';
		throw new AssayError(
			'FILE_ENCODING',
			`The file is not valid ${encoding.toUpperCase()}${where}. Legacy encodings such as Shift-JIS or Windows-1252 are not read yet.`,
			{ cause, details: { encoding, offset } }
		);
	}
}

/** Byte offset of the first ill-formed UTF-8 sequence (RFC 3629), or -1 if well-formed. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
	let i = 0;
	while (i < bytes.length) {
		const b = bytes[i]!;
		const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
		if (need < 0 || i + need >= bytes.length) return i;
		for (let k = 1; k <= need; k++) {
			const c = bytes[i + k]!;
			const lo = k === 1 && b === 0xe0 ? 0xa0 : k === 1 && b === 0xf0 ? 0x90 : 0x80;
			const hi = k === 1 && b === 0xed ? 0x9f : k === 1 && b === 0xf4 ? 0x8f : 0xbf;
			if (c < lo || c > hi) return i;
		}
		i += need + 1;
	}
	return -1;
}
