import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chunkDocument, splitText, type SplitLevel } from '../../../src/lib/chunking/index.ts';
import { graphemeStarts } from './invariants.ts';

const dir = new URL('../../fixtures/cases/chunk-01-surrogate/', import.meta.url);
const input = readFileSync(new URL('input.txt', dir), 'utf8');
const config = JSON.parse(readFileSync(new URL('config.json', dir), 'utf8')) as {
	chunkSize: number;
	chunkOverlap: number;
	separators: string[];
};
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as { acceptable_output: string[] };

/** The fixture speaks LangChain: `separators: [""]` means "split between characters", i.e. grapheme clusters only. */
const levels: SplitLevel[] = config.separators.length === 1 && config.separators[0] === '' ? ['grapheme'] : [];

describe('case chunk-01: surrogate pairs and ZWJ sequences at a 7-unit size', () => {
	it('reads the fixture as size 7, overlap 0, grapheme-only splitting', () => {
		expect([config.chunkSize, config.chunkOverlap, levels]).toEqual([7, 0, ['grapheme']]);
	});

	it('packs grapheme clusters greedily into the acceptable output, keeping the trailing newline', () => {
		const spans = splitText(input, { chunkSizeChars: 7, chunkOverlapChars: 0, levels });
		const texts = spans.map((s) => s.text);
		expect(texts).toEqual([...expected.acceptable_output.slice(0, -1), 'v\n']);
		expect(texts.map((t) => t.replace(/\n$/, ''))).toEqual(expected.acceptable_output);
	});

	it('produces only well-formed chunks that join back to the input', () => {
		const spans = splitText(input, { chunkSizeChars: 7, levels });
		expect(spans.every((s) => s.text.isWellFormed())).toBe(true);
		expect(spans.map((s) => s.text).join('')).toBe(input);
	});

	it('puts every chunk boundary on a grapheme cluster start, so the woman-technologist sequence stays whole', () => {
		const starts = graphemeStarts(input);
		const spans = splitText(input, { chunkSizeChars: 7, levels });
		expect(spans.flatMap((s) => [s.start, s.end]).filter((p) => !starts.has(p))).toEqual([]);
		expect(spans.some((s) => s.text.includes('\u{1F469}\u200D\u{1F4BB}'))).toBe(true);
	});

	it('keeps the same invariants with the default levels', () => {
		const starts = graphemeStarts(input);
		const spans = splitText(input, { chunkSizeChars: 7 });
		expect(spans.map((s) => s.text)).toEqual(['Status', '📦ok 𠀋', ' rare', '👩‍💻', 'dev\n']);
		expect(spans.every((s) => s.text.isWellFormed() && s.text.length <= 7)).toBe(true);
		expect(spans.map((s) => s.text).join('')).toBe(input);
		expect(spans.flatMap((s) => [s.start, s.end]).filter((p) => !starts.has(p))).toEqual([]);
	});

	it('gives trimmed, well-formed chunks with source offsets from chunkDocument', () => {
		const chunks = chunkDocument(input, 'text', { chunkSizeChars: 7, chunkOverlapChars: 0 });
		expect(chunks.map((c) => [c.text, c.startOffset, c.endOffset])).toEqual([
			['Status', 0, 6],
			['📦ok 𠀋', 6, 13],
			['rare', 14, 18],
			['👩‍💻', 18, 23],
			['dev', 23, 26]
		]);
		expect(chunks.every((c) => c.text === input.slice(c.startOffset, c.endOffset) && c.text.isWellFormed())).toBe(true);
	});
});
