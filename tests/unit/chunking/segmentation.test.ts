import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitText } from '../../../src/lib/chunking/index.ts';
import { graphemes } from './invariants.ts';

/**
 * The splitter segments long texts in windows (whole-text `Intl.Segmenter` is quadratic in V8).
 * These tests use texts longer than the windows and compare with whole-text segmentation.
 */

const segmentStarts = (text: string, granularity: 'word' | 'sentence') =>
	new Set(Array.from(new Intl.Segmenter('en', { granularity }).segment(text), (s) => s.index));

const clusters = (text: string) => splitText(text, { chunkSizeChars: 1, levels: ['grapheme'] }).map((s) => s.text);

describe('grapheme clusters of texts longer than one segmentation window', () => {
	const piece = fc.constantFrom(
		'a',
		' ',
		'\n',
		'\r\n',
		'e\u0301',
		'\u0301',
		'👩‍💻',
		'👍🏽',
		'🇺',
		'🇸',
		'🇫🇷',
		'𠀋',
		'क्षि',
		'한',
		'\u1100\u1161\u11a8',
		'\u200d',
		'\u0600',
		'1'
	);
	const longText = fc.array(piece, { minLength: 300, maxLength: 900 }).map((p) => p.join(''));

	it('are exactly the clusters whole-text segmentation finds, wherever the windows fall', () => {
		fc.assert(
			fc.property(longText, (text) => {
				expect(clusters(text)).toEqual(graphemes(text));
			}),
			{ numRuns: 40 }
		);
	});

	it('keep a run of 601 regional indicators paired from its start', () => {
		const text = 'x' + '🇺🇸'.repeat(300) + '🇺' + 'y';
		expect(clusters(text)).toEqual(['x', ...Array<string>(300).fill('🇺🇸'), '🇺', 'y']);
	});

	it('keep one cluster of 2,000 combining marks whole, alone in its chunk', () => {
		const giant = 'a' + '\u0301'.repeat(2000);
		const spans = splitText(`ab ${giant} cd`, { chunkSizeChars: 10 });
		expect(spans.map((s) => s.text)).toEqual(['ab ', giant, ' cd']);
	});
});

describe('word and sentence boundaries of long texts', () => {
	const words = ['alpha', 'beta', 'gamma', "don't", 'U.S.', '3.14', 'e-mail', '日本語', 'über', 'naïve', '👍🏽'];
	const wordText = Array.from({ length: 3000 }, (_, i) => words[(i * 7) % words.length]).join(' ');

	it('split only at whole-text word boundaries when every word fits', () => {
		const boundaries = segmentStarts(wordText, 'word');
		const spans = splitText(wordText, { chunkSizeChars: 24, levels: ['word'] });
		expect(wordText.length).toBeGreaterThan(10_000);
		expect(spans.filter((s) => !boundaries.has(s.start)).map((s) => s.start)).toEqual([]);
	});

	it('split only at whole-text sentence boundaries when every sentence fits', () => {
		const sentences = [
			'Dr. Smith arrived at 10 a.m. on Monday. ',
			'Was it late? ',
			'No! ',
			'"Quoted." Then more text follows here. ',
			'日本語の文です。'
		];
		const text = Array.from({ length: 600 }, (_, i) => sentences[(i * 3) % sentences.length]).join('');
		const boundaries = segmentStarts(text, 'sentence');
		const spans = splitText(text, { chunkSizeChars: 200, levels: ['sentence'] });
		expect(text.length).toBeGreaterThan(10_000);
		expect(spans.filter((s) => !boundaries.has(s.start)).map((s) => s.start)).toEqual([]);
	});
});
