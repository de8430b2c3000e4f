import { describe, expect, it } from 'vitest';
import { chunkStructured } from '../../../src/lib/chunking/chunk-structured.ts';

const config = (chunkSizeChars: number, chunkOverlapChars = 0) => ({ chunkSizeChars, chunkOverlapChars });

describe('chunkStructured', () => {
	it('packs table rows into chunks that each repeat the header', () => {
		const text = 'h1 | h2\nr1 | a\nr2 | b\nr3 | c\n';
		const units = [8, 15, 22].map((s) => ({ startOffset: s, endOffset: s + 6, headingPath: [] }));
		const chunks = chunkStructured({ text, layout: 'units', units, repeatedHeader: 'h1 | h2' }, config(24));
		expect(chunks.map((c) => c.text)).toEqual(['h1 | h2\nr1 | a\nr2 | b', 'h1 | h2\nr3 | c']);
		expect(chunks.map((c) => [c.startOffset, c.endOffset])).toEqual([
			[8, 21],
			[22, 28]
		]);
	});

	it('keeps an alone unit (one JSON record) in its own chunk with its key path', () => {
		const text = '$.a 1\n$.b 2\n';
		const units = [
			{ startOffset: 0, endOffset: 5, headingPath: ['$.a'], alone: true },
			{ startOffset: 6, endOffset: 11, headingPath: ['$.b'], alone: true }
		];
		expect(chunkStructured({ text, layout: 'units', units }, config(100)).map((c) => [c.text, c.headingPath])).toEqual([
			['$.a 1', ['$.a']],
			['$.b 2', ['$.b']]
		]);
	});

	it('splits a unit longer than a chunk, every piece within the size and prefixed by the header', () => {
		const body = 'word '.repeat(30).trim();
		const text = `H\n${body}\n`;
		const chunks = chunkStructured(
			{ text, layout: 'units', units: [{ startOffset: 2, endOffset: 2 + body.length, headingPath: [] }], repeatedHeader: 'H' },
			config(40, 5)
		);
		expect(chunks.length).toBeGreaterThan(3);
		for (const c of chunks) {
			expect(c.text.length).toBeLessThanOrEqual(40);
			expect(c.text.startsWith('H\n')).toBe(true);
		}
	});

	it('never lets a chunk cross a page and records the page on each chunk', () => {
		const text = 'one two three\n\nfour five six\n';
		const sections = [
			{ startOffset: 0, endOffset: 13, headingPath: [], page: 1 },
			{ startOffset: 15, endOffset: 28, headingPath: [], page: 2 }
		];
		const chunks = chunkStructured({ text, layout: 'text', sections }, config(100));
		expect(chunks.map((c) => [c.text, c.pageStart, c.pageEnd])).toEqual([
			['one two three', 1, 1],
			['four five six', 2, 2]
		]);
	});

	it('prefixes section heading paths to Markdown headings inside the section', () => {
		const text = '# A\n\nbody\n';
		const chunks = chunkStructured(
			{ text, layout: 'markdown', sections: [{ startOffset: 0, endOffset: text.length, headingPath: ['Doc'] }] },
			config(100)
		);
		expect(chunks[0]!.headingPath).toEqual(['Doc', 'A']);
	});

	it('does not pack code blocks of different definitions together', () => {
		const text = 'a\n\nfunction f() {}\n\nfunction g() {}\n';
		const units = [
			{ startOffset: 0, endOffset: 1, headingPath: [] },
			{ startOffset: 3, endOffset: 18, headingPath: ['f'] },
			{ startOffset: 20, endOffset: 35, headingPath: ['g'] }
		];
		expect(chunkStructured({ text, layout: 'units', units }, config(200)).map((c) => c.headingPath)).toEqual([[], ['f'], ['g']]);
	});
});

describe('chunkStructured limits', () => {
	const units = Array.from({ length: 50_000 }, (_, i) => ({ startOffset: i * 10, endOffset: i * 10 + 9, headingPath: [`k${i}`] }));
	const doc = { text: 'x'.repeat(500_000), layout: 'units' as const, units };

	it('stops at the first chunk over maxChunks instead of making every chunk first', () => {
		let made = 0;
		expect(() =>
			chunkStructured(doc, { chunkSizeChars: 800, chunkOverlapChars: 0 }, { maxChunks: 1000, onChunk: (n) => (made = n) })
		).toThrow(expect.objectContaining({ code: 'DOCUMENT_TOO_MANY_CHUNKS', details: { maxChunks: 1000, units: 50_000 } }));
		expect(made).toBe(1000);
	});

	it('makes every chunk when the document stays within maxChunks', () => {
		expect(chunkStructured(doc, { chunkSizeChars: 800, chunkOverlapChars: 0 }, { maxChunks: 50_000 })).toHaveLength(50_000);
	});

	it('stops text sections as soon as the limit is passed', () => {
		const text = Array.from({ length: 2000 }, (_, i) => `Paragraph ${i}.`).join('\n\n');
		let made = 0;
		expect(() =>
			chunkStructured({ text, layout: 'text' }, { chunkSizeChars: 20, chunkOverlapChars: 0 }, { maxChunks: 10, onChunk: (n) => (made = n) })
		).toThrow(expect.objectContaining({ code: 'DOCUMENT_TOO_MANY_CHUNKS' }));
		expect(made).toBe(10);
	});
});
