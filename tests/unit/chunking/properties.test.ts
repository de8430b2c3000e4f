import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkDocument, splitText, type SplitLevel, type TextChunk } from '../../../src/lib/chunking/index.ts';
import { graphemes, graphemeStarts, isSingleCluster, uncoveredContent } from './invariants.ts';

/** Pieces that stress the splitter: clusters of several code points, CJK, whitespace kinds, markdown lines. */
const FRAGMENTS = [
	'word',
	'x',
	'Alpha',
	' ',
	'  ',
	'\t',
	'\n',
	'\n\n',
	'\r\n',
	'\u00a0',
	'\u3000',
	'. ',
	'! ',
	'? ',
	'Mr. ',
	',',
	'👩‍💻',
	'👨‍👩‍👧‍👦',
	'🇺🇸',
	'🇬🇧🇫🇷',
	'👍🏽',
	'📦',
	'𠀋',
	'日本語のテキスト。',
	'한국어 문장.',
	'ภาษาไทย',
	'e\u0301',
	'\u0301',
	' \u0301',
	'a\u0308\u0323\u0301\u0302',
	'क्षि',
	'\u200d',
	'\ufeff',
	'# Title\n',
	'## Sub section\n',
	'### Deep ###\n',
	'#no-heading\n',
	'```ts\n',
	'```\n',
	'~~~\n',
	'````\n',
	'- item\n',
	'1. first\n',
	'    indented\n',
	'> quote\n',
	'https://example.com/a_b-c?d=e',
	'\n# Heading\n',
	'\n## Heading two ##\n',
	'\n```js\n',
	'\n```\n',
	'\n~~~~\n',
	'\n   ```\n',
	'\n``` `bad`\n'
];

const fragment = fc.oneof(
	{ weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS) },
	{ weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
	{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
	{ weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 8, maxLength: 40 }) }
);
const sourceText = fc.array(fragment, { maxLength: 120, size: 'medium' }).map((parts) => parts.join(''));
const chunkingConfig = fc
	.integer({ min: 1, max: 64 })
	.chain((size) => fc.record({ chunkSizeChars: fc.constant(size), chunkOverlapChars: fc.integer({ min: 0, max: size - 1 }) }));
const format = fc.constantFrom('text' as const, 'markdown' as const);
const RUNS = { numRuns: Number(process.env.CHUNK_RUNS ?? 400) };

/** Every invariant chunkDocument promises, as a list of violations (empty when all hold). */
function violations(text: string, chunks: TextChunk[], size: number, overlap: number, plain: boolean): string[] {
	const starts = graphemeStarts(text);
	const out: string[] = [];
	chunks.forEach((c, i) => {
		const slice = text.slice(c.startOffset, c.endOffset);
		const single = isSingleCluster(starts, c.startOffset, c.endOffset);
		if (c.ordinal !== i) out.push(`ordinal ${c.ordinal} at ${i}`);
		if (!c.text.isWellFormed()) out.push(`ill-formed chunk ${i}`);
		if (c.text.length > size && !single) out.push(`chunk ${i} has ${c.text.length} > ${size}`);
		if (!starts.has(c.startOffset) || !starts.has(c.endOffset)) out.push(`chunk ${i} cuts a cluster`);
		if (plain ? c.text !== slice : !c.text.includes(slice)) out.push(`chunk ${i} text does not match its slice`);
		if (!/\S/.test(slice)) out.push(`chunk ${i} is whitespace only`);
		if (plain && c.headingPath.length > 0) out.push(`plain chunk ${i} has a heading path`);
		const previous = chunks[i - 1];
		if (previous && c.startOffset <= previous.startOffset) out.push(`chunk ${i} does not advance`);
		if (previous && previous.endOffset - c.startOffset > overlap) out.push(`chunk ${i} overlaps more than ${overlap}`);
	});
	const missing = uncoveredContent(text, chunks);
	if (missing.length > 0) out.push(`uncovered offsets ${missing.join(',')}`);
	return out;
}

describe('chunkDocument on random text and random valid configurations', () => {
	it('keeps every promised invariant (size, clusters, offsets, progress, overlap bound, coverage)', () => {
		fc.assert(
			fc.property(sourceText, chunkingConfig, format, (text, config, fmt) => {
				const chunks = chunkDocument(text, fmt, config);
				expect(violations(text, chunks, config.chunkSizeChars, config.chunkOverlapChars, fmt === 'text')).toEqual([]);
			}),
			RUNS
		);
	});

	it('trims chunks: their first and last clusters contain non-whitespace', () => {
		fc.assert(
			fc.property(sourceText, chunkingConfig, (text, config) => {
				for (const c of chunkDocument(text, 'text', config)) {
					const clusters = graphemes(c.text);
					expect([/\S/.test(clusters[0] ?? ''), /\S/.test(clusters.at(-1) ?? '')]).toEqual([true, true]);
				}
			}),
			RUNS
		);
	});

	it('returns [] exactly when the text is empty or whitespace only', () => {
		fc.assert(
			fc.property(sourceText, chunkingConfig, format, (text, config, fmt) => {
				expect(chunkDocument(text, fmt, config).length === 0).toBe(!/\S/.test(text));
			}),
			RUNS
		);
	});

	it('is deterministic: the same input gives the same chunks', () => {
		fc.assert(
			fc.property(sourceText, chunkingConfig, format, (text, config, fmt) => {
				expect(chunkDocument(text, fmt, config)).toEqual(chunkDocument(text, fmt, config));
			}),
			{ numRuns: 100 }
		);
	});
});

describe('splitText on random text', () => {
	const levels = fc.subarray<SplitLevel>(['paragraph', 'line', 'sentence', 'word', 'grapheme']);

	it('without overlap or trimming, produces contiguous well-formed spans that join back to the input', () => {
		fc.assert(
			fc.property(sourceText, fc.integer({ min: 1, max: 40 }), levels, (text, size, lv) => {
				const starts = graphemeStarts(text);
				const spans = splitText(text, { chunkSizeChars: size, levels: lv });
				expect(spans.map((s) => s.text).join('')).toBe(text);
				expect(spans.every((s, i) => s.start === (spans[i - 1]?.end ?? 0) && s.text === text.slice(s.start, s.end))).toBe(true);
				expect(spans.filter((s) => !s.text.isWellFormed() || !starts.has(s.start))).toEqual([]);
				expect(spans.filter((s) => s.text.length > size && !isSingleCluster(starts, s.start, s.end))).toEqual([]);
			}),
			RUNS
		);
	});

	it('with overlap, starts strictly increase and every span stays within the size', () => {
		fc.assert(
			fc.property(sourceText, chunkingConfig, levels, fc.boolean(), (text, config, lv, trim) => {
				const starts = graphemeStarts(text);
				const spans = splitText(text, { ...config, levels: lv, trimWhitespace: trim });
				expect(spans.every((s, i) => i === 0 || s.start > (spans[i - 1]?.start ?? Infinity))).toBe(true);
				expect(spans.filter((s) => s.text.length > config.chunkSizeChars && !isSingleCluster(starts, s.start, s.end))).toEqual([]);
				expect(
					uncoveredContent(
						text,
						spans.map((s) => ({ startOffset: s.start, endOffset: s.end }))
					)
				).toEqual([]);
			}),
			RUNS
		);
	});
});
