import { describe, expect, it } from 'vitest';
import { chunkDocument, type TextChunk } from '../../../src/lib/chunking/index.ts';

/**
 * Scale: a megabyte must chunk in roughly linear time. (Whole-text `Intl.Segmenter` is
 * quadratic in V8 and would take minutes here.) These tests assert output facts, not timings.
 */

const MEGABYTE = 1_000_000;

/** A deterministic ~1 MB markdown document: sections, paragraphs, lists, emoji, CJK, code fences. */
function megabyteOfMarkdown(): string {
	const sentences = [
		'The quick brown fox jumps over the lazy dog. ',
		'Retrieval quality depends on chunk boundaries! ',
		'Is this sentence long enough to matter? ',
		'日本語の文もここに入ります。',
		'Emoji like 👩‍💻 and 🇫🇷 stay whole. ',
		'Combining marks: e\u0301 and a\u0308. '
	];
	const parts: string[] = [];
	let length = 0;
	for (let i = 0; length < MEGABYTE; i++) {
		let part = `${'#'.repeat((i % 3) + 1)} Section ${i}\n\n`;
		for (let p = 0; p < 4; p++)
			part += Array.from({ length: 3 + ((i + p) % 25) }, (_, k) => sentences[(i + p + k) % sentences.length]).join('') + '\n\n';
		part += '- item one\n- item two\n\n';
		if (i % 5 === 0) part += '```ts\n' + 'const value = compute(1, 2, 3);\n'.repeat(10 + (i % 60)) + '```\n\n';
		parts.push(part);
		length += part.length;
	}
	return parts.join('');
}

/** Checks that need one pass: sizes, strictly increasing starts, coverage of every non-whitespace code unit. */
function summary(text: string, chunks: TextChunk[], size: number) {
	const covered = new Uint8Array(text.length);
	let tooLong = 0;
	let notAdvancing = 0;
	chunks.forEach((c, i) => {
		covered.fill(1, c.startOffset, c.endOffset);
		if (c.text.length > size) tooLong++;
		if (i > 0 && c.startOffset <= (chunks[i - 1]?.startOffset ?? -1)) notAdvancing++;
	});
	let uncovered = 0;
	for (let i = 0; i < text.length; i++) if (covered[i] === 0 && /\S/.test(text[i] ?? '')) uncovered++;
	return { tooLong, notAdvancing, uncovered };
}

describe('chunking a megabyte', () => {
	const config = { chunkSizeChars: 800, chunkOverlapChars: 96 };

	it('finishes for markdown with every chunk within size, advancing, and nothing lost', () => {
		const text = megabyteOfMarkdown();
		const chunks = chunkDocument(text, 'markdown', config);
		expect(text.length).toBeGreaterThanOrEqual(MEGABYTE);
		expect(summary(text, chunks, 800)).toEqual({ tooLong: 0, notAdvancing: 0, uncovered: 0 });
		expect(chunks.length).toBeGreaterThan(MEGABYTE / 800);
	});

	it('finishes for the same text chunked as plain text', () => {
		const text = megabyteOfMarkdown();
		expect(summary(text, chunkDocument(text, 'text', config), 800)).toEqual({ tooLong: 0, notAdvancing: 0, uncovered: 0 });
	});

	it('finishes for one megabyte-long token with no boundary but graphemes', () => {
		const text = 'x'.repeat(MEGABYTE);
		const chunks = chunkDocument(text, 'text', config);
		expect(chunks.length).toBe(Math.ceil((MEGABYTE - 800) / 704) + 1);
		expect(summary(text, chunks, 800)).toEqual({ tooLong: 0, notAdvancing: 0, uncovered: 0 });
	});

	it('finishes for a megabyte of emoji sequences on one line', () => {
		const text = '👩‍💻🇫🇷👍🏽'.repeat(Math.ceil(MEGABYTE / 13));
		const chunks = chunkDocument(text, 'text', config);
		expect(summary(text, chunks, 800)).toEqual({ tooLong: 0, notAdvancing: 0, uncovered: 0 });
		expect(chunks.every((c) => c.text.isWellFormed())).toBe(true);
	});
});
