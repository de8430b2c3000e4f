import { describe, expect, it } from 'vitest';
import { pageText, splitColumns, type TextRun } from '../../../src/lib/ingest/parsers/pdf-layout.ts';

const run = (text: string, x: number, y: number, width = text.length * 5, fontSize = 10): TextRun => ({ text, x, y, width, fontSize });

describe('pageText', () => {
	it('joins an end-of-line hyphenation but keeps intra-line hyphens', () => {
		expect(pageText([run('the retriev-', 72, 700), run('al step is state-of-the-art.', 72, 688)], 612)).toBe(
			'the retrieval step is state-of-the-art.'
		);
	});

	it('keeps a hyphen before an upper-case continuation (a compound, not a split word)', () => {
		expect(pageText([run('non-', 72, 700), run('English text', 72, 688)], 612)).toBe('non-\nEnglish text');
	});

	it('expands ligatures with NFKC', () => {
		expect(pageText([run('\uFB01le and \uFB02ow', 72, 700)], 612)).toBe('file and flow');
	});

	it('separates paragraphs at a large vertical gap and joins runs of a line with a space at a gap', () => {
		expect(pageText([run('First', 72, 700, 25), run('line', 105, 700), run('Second paragraph', 72, 660)], 612)).toBe(
			'First line\n\nSecond paragraph'
		);
	});

	it('reads a two-column page column by column, a full-width title first', () => {
		const runs = [run('A Title Across The Whole Page Width Here', 72, 740, 400)];
		for (let i = 0; i < 4; i++) {
			runs.push(run(`left ${i}`, 72, 700 - i * 12, 200), run(`right ${i}`, 340, 700 - i * 12, 200));
		}
		expect(pageText(runs, 612)).toBe(
			'A Title Across The Whole Page Width Here\n\nleft 0\nleft 1\nleft 2\nleft 3\n\nright 0\nright 1\nright 2\nright 3'
		);
	});

	it('does not split a one-column page with short lines into columns', () => {
		const runs = Array.from({ length: 8 }, (_, i) => run(`line ${i} with words across`, 72, 700 - i * 12, 450));
		expect(splitColumns(runs, 612)).toHaveLength(1);
	});

	it('gives empty text for a page without text runs', () => {
		expect(pageText([run('   ', 72, 700)], 612)).toBe('');
	});
});
