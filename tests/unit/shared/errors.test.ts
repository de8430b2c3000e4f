import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AssayError, ERROR_CODES, fromErrorData, toErrorData } from '../../../src/lib/shared/errors.ts';
import { canonicalJson } from '../../../src/lib/shared/hash.ts';
import { compareCodePoints } from '../../../src/lib/shared/ids.ts';

describe('error data', () => {
	it('round-trips an AssayError with its code, details and cause', () => {
		const original = new AssayError('FILE_TOO_LARGE', 'too big', { details: { sizeBytes: 5 }, cause: new RangeError('x') });
		const rebuilt = fromErrorData(structuredClone(toErrorData(original)));
		expect(rebuilt).toBeInstanceOf(AssayError);
		expect(rebuilt.code).toBe('FILE_TOO_LARGE');
		expect(rebuilt.message).toBe('too big');
		expect(rebuilt.details).toEqual({ sizeBytes: 5 });
		expect(rebuilt.cause).toBe('RangeError: x');
	});

	it('turns a foreign error into INTERNAL with its message', () => {
		expect(toErrorData(new TypeError('boom'))).toEqual({ name: 'AssayError', code: 'INTERNAL', message: 'TypeError: boom' });
	});
});

describe('canonicalJson', () => {
	it('sorts keys at every level and drops undefined fields', () => {
		expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
	});
});

describe('compareCodePoints', () => {
	it('orders like UTF-8 bytes, putting astral characters after U+FFFF', () => {
		const ids = ['\u{1F600}', '\uFFFD', 'd9', 'd10', 'd1', 'D1'];
		expect([...ids].sort(compareCodePoints)).toEqual(['D1', 'd1', 'd10', 'd9', '\uFFFD', '\u{1F600}']);
	});
});

describe('error catalogue', () => {
	it('lists only codes that some source file outside the catalogue uses', () => {
		const root = join(import.meta.dirname, '..', '..', '..');
		const files = (dir: string): string[] =>
			readdirSync(dir).flatMap((name) => {
				const path = join(dir, name);
				if (statSync(path).isDirectory()) return files(path);
				return /\.(ts|svelte)$/.test(name) && !path.endsWith(join('shared', 'errors.ts')) ? [path] : [];
			});
		const text = [...files(join(root, 'src')), ...files(join(root, 'workers'))].map((f) => readFileSync(f, 'utf8')).join('\n');
		const unused = Object.keys(ERROR_CODES).filter((code) => !new RegExp(`['"\`]${code}['"\`]`).test(text));
		expect(unused).toEqual([]);
	});
});
