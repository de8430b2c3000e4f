import { describe, expect, it } from 'vitest';
import { chunkDocument, splitText, type TextChunk } from '../../../src/lib/chunking/index.ts';
import { parseChunkingConfig } from '../../../src/lib/config/index.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

const text = (source: string, chunkSizeChars: number, chunkOverlapChars = 0) =>
	chunkDocument(source, 'text', { chunkSizeChars, chunkOverlapChars });
const rows = (chunks: TextChunk[]) => chunks.map((c) => [c.text, c.startOffset, c.endOffset]);

function errorOf(run: () => unknown): AssayError | undefined {
	try {
		run();
	} catch (error) {
		if (error instanceof AssayError) return error;
		throw error;
	}
	return undefined;
}

describe('chunkDocument on plain text', () => {
	it('packs whole paragraphs greedily up to the size', () => {
		const source = 'First paragraph here.\n\nSecond one.\n\nThird paragraph is a bit longer.\n';
		expect(rows(text(source, 40))).toEqual([
			['First paragraph here.\n\nSecond one.', 0, 34],
			['Third paragraph is a bit longer.', 36, 68]
		]);
	});

	it('splits a paragraph longer than the size at sentence boundaries', () => {
		expect(rows(text('One sentence here. Another sentence follows. A third one ends it.', 40))).toEqual([
			['One sentence here.', 0, 18],
			['Another sentence follows.', 19, 44],
			['A third one ends it.', 45, 65]
		]);
	});

	it('starts later chunks with overlap snapped to a word boundary', () => {
		expect(rows(text('One sentence here. Another sentence follows. A third one ends it.', 40, 12))).toEqual([
			['One sentence here.', 0, 18],
			['here. Another sentence follows.', 13, 44],
			['follows. A third one ends it.', 36, 65]
		]);
	});

	it('splits CJK text without spaces at sentence ends, with overlap from dictionary word boundaries', () => {
		expect(rows(text('日本語のテキストです。次の文はここにあります。三番目の文。', 12, 4))).toEqual([
			['日本語のテキストです。', 0, 11],
			['次の文はここにあります。', 11, 23],
			['ます。三番目の文。', 20, 29]
		]);
	});

	it('trims whitespace and moves the offsets with it', () => {
		expect(rows(text('  \n\n  Leading and trailing spaces.  \n\n', 100))).toEqual([['Leading and trailing spaces.', 6, 34]]);
	});

	it('returns no chunks for empty or whitespace-only text', () => {
		expect([text('', 10), text(' \n\t\u3000\r\n ', 10)]).toEqual([[], []]);
	});

	it('gives plain-text chunks an empty heading path, even for lines starting with #', () => {
		expect(text('# Not a heading in text\nbody', 100).map((c) => c.headingPath)).toEqual([[]]);
	});

	it('works with the default configuration', () => {
		const source = 'word '.repeat(400);
		const chunks = chunkDocument(source, 'text', parseChunkingConfig({}));
		expect(chunks.map((c) => c.text.length)).toEqual([799, 799, 589]);
		expect(chunks.map((c) => c.startOffset)).toEqual([0, 705, 1410]);
	});

	it('rejects an invalid configuration or an unknown format with CONFIG_INVALID', () => {
		const codes = [
			errorOf(() => chunkDocument('x', 'text', { chunkSizeChars: 0, chunkOverlapChars: 0 }))?.code,
			errorOf(() => chunkDocument('x', 'text', { chunkSizeChars: 10.5, chunkOverlapChars: 0 }))?.code,
			errorOf(() => chunkDocument('x', 'html' as 'text', { chunkSizeChars: 10, chunkOverlapChars: 0 }))?.code
		];
		expect(codes).toEqual(['CONFIG_INVALID', 'CONFIG_INVALID', 'CONFIG_INVALID']);
	});
});

describe('splitText', () => {
	it('keeps whitespace by default, so spans are exact slices', () => {
		expect(splitText('aaa bbb ccc ddd', { chunkSizeChars: 8, chunkOverlapChars: 4 })).toEqual([
			{ start: 0, end: 8, text: 'aaa bbb ' },
			{ start: 4, end: 12, text: 'bbb ccc ' },
			{ start: 8, end: 15, text: 'ccc ddd' }
		]);
	});

	it('uses the levels strongest first whatever order they are given in', () => {
		expect(splitText('aaa bbb\n\nccc ddd', { chunkSizeChars: 8, levels: ['word', 'paragraph'] }).map((s) => s.text)).toEqual([
			'aaa bbb\n',
			'\nccc ddd'
		]);
	});

	it('trims spans and drops whitespace-only ones when asked', () => {
		expect(splitText('  aaa  \n\n\n\n  bbb  ', { chunkSizeChars: 6, trimWhitespace: true })).toEqual([
			{ start: 2, end: 5, text: 'aaa' },
			{ start: 13, end: 16, text: 'bbb' }
		]);
	});

	it('returns no spans for empty text', () => {
		expect(splitText('', { chunkSizeChars: 5 })).toEqual([]);
	});

	it('rejects bad sizes, overlaps and level names with CONFIG_INVALID saying what it received', () => {
		const errors = [
			errorOf(() => splitText('x', { chunkSizeChars: 0 })),
			errorOf(() => splitText('x', { chunkSizeChars: 5, chunkOverlapChars: -1 })),
			errorOf(() => splitText('x', { chunkSizeChars: 5, levels: ['clause' as 'word'] }))
		];
		expect(errors.map((e) => e?.code)).toEqual(['CONFIG_INVALID', 'CONFIG_INVALID', 'CONFIG_INVALID']);
		expect(errors.map((e) => e?.message)).toEqual([
			'chunkSizeChars must be an integer ≥ 1; received 0',
			'chunkOverlapChars must be an integer with 0 ≤ overlap < chunkSizeChars (5); received -1',
			'Unknown split level: expected one of paragraph, line, sentence, word, grapheme; received "clause"'
		]);
	});
});
