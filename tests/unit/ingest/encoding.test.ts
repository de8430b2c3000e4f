import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectAndDecode } from '../../../src/lib/ingest/encoding/detect.ts';
import { sanitizeText } from '../../../src/lib/ingest/encoding/sanitize.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

const DIR = 'tests/fixtures/cases/enc-01-legacy-encodings';
const expected = JSON.parse(readFileSync(`${DIR}/expected.json`, 'utf8')) as Record<string, { encoding: string; text: string }>;
const bytesOf = (name: string) => new Uint8Array(readFileSync(`${DIR}/${name}`));

describe('enc-01: legacy encodings', () => {
	for (const name of ['input-shift_jis.txt', 'input-euc-kr.txt', 'input-utf16le-bom.txt', 'input-windows-1252.txt']) {
		it(`decodes ${name} to the expected text and records ${expected[name]!.encoding}`, () => {
			const decoded = detectAndDecode(bytesOf(name));
			expect(decoded.text).toBe(expected[name]!.text.replace(/\r\n/g, '\n'));
			expect(decoded.encoding).toBe(expected[name]!.encoding);
		});
	}

	it('is confident about the Shift-JIS and EUC-KR files', () => {
		expect(detectAndDecode(bytesOf('input-shift_jis.txt')).uncertain).toBe(false);
		expect(detectAndDecode(bytesOf('input-euc-kr.txt')).uncertain).toBe(false);
	});

	it('marks the short Windows-1252 file as uncertain so the user is asked, with the candidates', () => {
		const decoded = detectAndDecode(bytesOf('input-windows-1252.txt'));
		expect(decoded.uncertain).toBe(true);
		expect(decoded.candidates.map((c) => c.encoding)).toContain('windows-1252');
	});

	it('re-decodes with the encoding the user picked', () => {
		const decoded = detectAndDecode(bytesOf('input-euc-kr.txt'), 'euc-kr');
		expect(decoded).toMatchObject({ encoding: 'euc-kr', method: 'user', uncertain: false });
	});

	it('rejects a forced encoding that cannot decode the bytes', () => {
		expect(() => detectAndDecode(new Uint8Array([0xff, 0xff, 0xff]), 'utf-8')).toThrow(AssayError);
	});

	it('still reports binary data as FILE_BINARY', () => {
		try {
			detectAndDecode(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x12]));
			expect.unreachable();
		} catch (e) {
			expect((e as AssayError).code).toBe('FILE_BINARY');
		}
	});
});

describe('sanitizeText', () => {
	it('replaces a lone surrogate and control characters once each and counts them', () => {
		const out = sanitizeText('a\uD800b\u0000c\u0007d\tе\uFFFD😀');
		expect(out.text).toBe('a\uFFFDb\uFFFDc\uFFFDd\tе\uFFFD😀');
		expect(out).toMatchObject({ loneSurrogates: 1, controlCharacters: 2, replacementCharacters: 1 });
	});

	it('is idempotent: a second pass changes nothing and counts only U+FFFD', () => {
		const once = sanitizeText('x\u0001y\uDC00');
		const twice = sanitizeText(once.text);
		expect(twice.text).toBe(once.text);
		expect(twice).toMatchObject({ loneSurrogates: 0, controlCharacters: 0, replacementCharacters: 2 });
	});
});
