import { describe, expect, it } from 'vitest';
import { chunkStructured } from '../../../src/lib/chunking/chunk-structured.ts';

const config = (chunkSizeChars: number, chunkOverlapChars = 0) => ({ chunkSizeChars, chunkOverlapChars });

describe('chunkStructured', () => {
	it('packs table rows into chunks that each repeat the header', () => {
		const text = 'h1 | h2\nr1 | a\nr2 | b\nr3 | c\n';
		const units = [8, 15, 22].map((s) => ({ startOffset: s, endOffset: s + 6, headingPath: [] }));
		const chunks = chunkStructured({ text, layout: 'units', units, repeatedHeader: 'h1 | h2' }, config(24));
		expect(chunks.map((c) => c.text)).toEqual(['h1 | h2\nr1 | a\nr2 | b', 'h1 | h2\nr3 | c']);
		expect(chunks.map((c) => [c.startOffset, c.endOffset])).toEqual([[8, 21], [22, 28]]);
	});

	it('keeps an alone unit (one JSON record) in its own chunk with its key path', () => {
		const text = '$.a 1\n$.b 2\n';
		const units = [{ startOffset: 0, endOffset: 5, headingPath: ['$.a'], alone: true }, { startOffset: 6, endOffset: 11, headingPath: ['$.b'], alone: true }];
		expect(chunkStructured({ text, layout: 'units', units }, config(100)).map((c) => [c.text, c.headingPath])).toEqual([['$.a 1', ['$.a']], ['$.b 2', ['$.b']]]);
	});

	it('splits a unit longer than a chunk, every piece within the size and prefixed by the header', () => {
		const body = 'word '.repeat(30).trim();
		const text = `H\n${body}\n`;
		const chunks = chunkStructured({ text, layout: 'units', units: [{ startOffset: 2, endOffset: 2 + body.length, headingPath: [] }], repeatedHeader: 'H' }, config(40, 5));
		expect(chunks.length).toBeGreaterThan(3);
		for (const c of chunks) {
			expect(c.text.length).toBeLessThanOrEqual(40);
			expect(c.text.startsWith('H\n')).toBe(true);
		}
	});

	it('never lets a chunk cross a page and records the page on each chunk', () => {
		const text = 'one two three\n\nfour five six\n';
		const sections = [{ startOffset: 0, endOffset: 13, headingPath: [], page: 1 }, { startOffset: 15, endOffset: 28, headingPath: [], page: 2 }];
		const chunks = chunkStructured({ text, layout: 'text', sections }, config(100));
		expect(chunks.map((c) => [c.text, c.pageStart, c.pageEnd])).toEqual([['one two three', 1, 1], ['four five six', 2, 2]]);
	});

	it('prefixes section heading paths to Markdown headings inside the section', () => {
		const text = '# A\n\nbody\n';
		const chunks = chunkStructured({ text, layout: 'markdown', sections: [{ startOffset: 0, endOffset: text.length, headingPath: ['Doc'] }] }, config(100));
		expect(chunks[0]!.headingPath).toEqual(['Doc', 'A']);
	});

	it('does not pack code blocks of different definitions together', () => {
		const text = 'a\n\nfunction f() {}\n\nfunction g() {}\n';
		const units = [{ startOffset: 0, endOffset: 1, headingPath: [] }, { startOffset: 3, endOffset: 18, headingPath: ['f'] }, { startOffset: 20, endOffset: 35, headingPath: ['g'] }];
		expect(chunkStructured({ text, layout: 'units', units }, config(200)).map((c) => c.headingPath)).toEqual([[], ['f'], ['g']]);
	});
});
