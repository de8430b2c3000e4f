import { describe, expect, it } from 'vitest';
import { decodeText, firstInvalidUtf8Offset, looksBinary, normaliseNewlines } from '../../../src/lib/ingest/decode.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

function codeOf(fn: () => unknown): string | undefined {
	try {
		fn();
	} catch (e) {
		return e instanceof AssayError ? e.code : 'not-assay';
	}
	return undefined;
}

describe('decodeText', () => {
	it('decodes valid UTF-8 and reports the encoding', () => {
		expect(decodeText(utf8('도서관 café 図書館'))).toEqual({ text: '도서관 café 図書館', encoding: 'utf-8', hadBom: false });
	});

	it('strips a UTF-8 byte-order mark exactly once', () => {
		const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('\uFEFFhi')]);
		expect(decodeText(bytes)).toEqual({ text: '\uFEFFhi', encoding: 'utf-8', hadBom: true });
	});

	it('decodes UTF-16LE with a byte-order mark', () => {
		const bytes = new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x00, 0xac]);
		expect(decodeText(bytes).text).toBe('A가');
		expect(decodeText(bytes).encoding).toBe('utf-16le');
	});

	it('rejects invalid UTF-8 with FILE_ENCODING and the offset of the first bad byte', () => {
		const bytes = new Uint8Array([0x61, 0x62, 0xff, 0x63]);
		expect(codeOf(() => decodeText(bytes))).toBe('FILE_ENCODING');
		expect(() => decodeText(bytes)).toThrow(/at byte 2/);
	});

	it('rejects Windows-1252 text instead of storing mojibake', () => {
		expect(codeOf(() => decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe9])))).toBe('FILE_ENCODING');
	});

	it('rejects bytes with NUL as binary', () => {
		expect(codeOf(() => decodeText(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00])))).toBe('FILE_BINARY');
	});

	it('normalises CRLF and CR line endings to LF', () => {
		expect(normaliseNewlines('a\r\nb\rc\n')).toBe('a\nb\nc\n');
	});
});

describe('looksBinary', () => {
	it('treats text with tabs and newlines as text', () => {
		expect(looksBinary(utf8('a\tb\nc\r\n'))).toBe(false);
	});

	it('treats many control bytes as binary even without NUL', () => {
		expect(looksBinary(new Uint8Array([1, 2, 3, 4, 5, 0x61]))).toBe(true);
	});
});

describe('firstInvalidUtf8Offset', () => {
	it.each([
		['well-formed text', utf8('héllo 𠀋'), -1],
		['a lone continuation byte', new Uint8Array([0x61, 0x80]), 1],
		['an overlong two-byte form', new Uint8Array([0xc0, 0xaf]), 0],
		['an encoded surrogate', new Uint8Array([0x61, 0xed, 0xa0, 0x80]), 1],
		['a truncated sequence at the end', new Uint8Array([0x61, 0x62, 0xe4, 0xb8]), 2],
		['a code point above U+10FFFF', new Uint8Array([0xf4, 0x90, 0x80, 0x80]), 0]
	])('finds %s', (_name, bytes, expected) => {
		expect(firstInvalidUtf8Offset(bytes)).toBe(expected);
	});
});
