import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chunkDocument, splitText } from '../../../src/lib/chunking/index.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';
import { uncoveredContent } from './invariants.ts';

const dir = new URL('../../fixtures/cases/chunk-02-no-progress-loop/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
const config = JSON.parse(read('config.json')) as Record<'a' | 'b', { chunkSize: number; chunkOverlap: number }>;
const inputA = read('input-a.txt');
const inputB = read('input-b.txt');

function thrown(run: () => unknown): unknown {
	try {
		run();
	} catch (error) {
		return error;
	}
	return undefined;
}

describe('case chunk-02 (a): overlap equal to the size', () => {
	const cfg = { chunkSizeChars: config.a.chunkSize, chunkOverlapChars: config.a.chunkOverlap };

	it('is rejected by chunkDocument with CONFIG_INVALID naming chunkOverlapChars', () => {
		expect(cfg).toEqual({ chunkSizeChars: 8, chunkOverlapChars: 8 });
		const error = thrown(() => chunkDocument(inputA, 'text', cfg));
		expect(error).toBeInstanceOf(AssayError);
		expect((error as AssayError).code).toBe('CONFIG_INVALID');
		expect((error as AssayError).message).toContain('chunkOverlapChars');
	});

	it('is rejected by splitText with CONFIG_INVALID naming chunkOverlapChars', () => {
		const error = thrown(() => splitText(inputA, cfg));
		expect(error).toBeInstanceOf(AssayError);
		expect((error as AssayError).code).toBe('CONFIG_INVALID');
		expect((error as AssayError).message).toContain('chunkOverlapChars');
	});

	it('still advances word by word when the overlap is one less than the size', () => {
		const chunks = chunkDocument(inputA, 'text', { chunkSizeChars: 8, chunkOverlapChars: 7 });
		expect(chunks.map((c) => c.text)).toEqual(['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta eta', 'theta', 'iota', 'kappa']);
	});
});

describe('case chunk-02 (b): a 243-character token with no whitespace', () => {
	const size = config.b.chunkSize;
	const overlap = config.b.chunkOverlap;
	const chunks = chunkDocument(inputB, 'text', { chunkSizeChars: size, chunkOverlapChars: overlap });

	it('reads the fixture as size 40, overlap 10, with one 243-character token', () => {
		expect([size, overlap]).toEqual([40, 10]);
		expect(Math.max(...inputB.split(/\s+/).map((w) => w.length))).toBe(243);
	});

	it('terminates with every chunk at most 40 code units long', () => {
		expect(chunks.map((c) => c.text.length).filter((n) => n > size)).toEqual([]);
	});

	it('makes at most ceil(length / (size - overlap)) + 1 chunks', () => {
		expect(chunks.length).toBeLessThanOrEqual(Math.ceil(inputB.length / (size - overlap)) + 1);
		expect(chunks.length).toBe(9);
	});

	it('loses nothing: the chunk ranges cover every non-whitespace character', () => {
		expect(uncoveredContent(inputB, chunks)).toEqual([]);
	});

	it('starts each chunk after the previous one and repeats exactly the last 10 characters', () => {
		expect(chunks.map((c) => [c.startOffset, c.endOffset])).toEqual([
			[0, 40],
			[30, 70],
			[60, 100],
			[90, 130],
			[120, 160],
			[150, 190],
			[180, 220],
			[210, 250],
			[240, 275]
		]);
	});

	it('packs the words before and after the token into the first and last chunks', () => {
		expect(chunks[0]?.text).toBe('Webhook secret: sk_5feceb666b86b273d4735');
		expect(chunks.at(-1)?.text).toBe('1cd59e1970635135aaa rotate monthly.');
	});

	it('keeps text equal to the source slice for every chunk', () => {
		expect(chunks.filter((c) => c.text !== inputB.slice(c.startOffset, c.endOffset))).toEqual([]);
	});
});
