import { describe, expect, it } from 'vitest';
import { decodeText, firstInvalidUtf8Offset, looksBinary, normaliseNewlines, sniffUtf16 } from '../../../src/lib/ingest/decode.ts';
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

/** UTF-16 code units of `s` without a byte-order mark. */
function utf16(s: string, endian: 'le' | 'be'): Uint8Array {
	const out = new Uint8Array(s.length * 2);
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		out[2 * i + (endian === 'le' ? 0 : 1)] = c & 0xff;
		out[2 * i + (endian === 'le' ? 1 : 0)] = c >> 8;
	}
	return out;
}

describe('UTF-16 without a byte-order mark', () => {
	const sample = 'Name,City\r\nJosé,Zürich\r\n도서관 𠀋 ok\r\n';

	it.each(['le', 'be'] as const)('decodes UTF-16%s text and records the encoding', (endian) => {
		expect(decodeText(utf16(sample, endian))).toEqual({
			text: 'Name,City\nJosé,Zürich\n도서관 𠀋 ok\n',
			encoding: `utf-16${endian}`,
			hadBom: false,
			sniffed: true
		});
		expect(looksBinary(utf16(sample, endian))).toBe(false);
	});

	it('still calls binary data with NUL bytes binary', () => {
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0]);
		expect(sniffUtf16(png)).toBeNull();
		expect(looksBinary(png)).toBe(true);
	});

	it('refuses a NUL pattern whose code units hold an unpaired surrogate', () => {
		const bytes = utf16('abc\uD800def', 'le');
		expect(sniffUtf16(bytes)).toBeNull();
	});

	it('refuses an odd byte length and text made of control characters', () => {
		expect(sniffUtf16(utf16('abcdef', 'le').subarray(0, 11))).toBeNull();
		expect(sniffUtf16(utf16('\u0001\u0002\u0003\u0004\u0005a', 'le'))).toBeNull();
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
