import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../../src/lib/chunking/index.ts';
import { EstimateTokenizer } from '../../../src/lib/generation/tokenizer.ts';
import { ExpandConfigSchema, averageTokens, expandChunk, expandHits, type ExpandConfig } from '../../../src/lib/search/retrieval/index.ts';

// Five chunks at size 40: 0 [0,36) Guide; 1 [38,74) 2 [75,100) 3 [102,127) Guide/Install; 4 [129,168) Guide/Usage.
const text =
	'# Guide\n\nIntro line about the guide.\n\n## Install\n\nRun the installer first. Then restart the machine.\n\nCheck the log afterwards.\n\n## Usage\n\nOpen the app and pick a file.';
const source = { text, chunks: chunkDocument(text, 'markdown', { mode: 'recursive', chunkSizeChars: 40, chunkOverlapChars: 0 }) };
const tokens = (t: string) => new EstimateTokenizer().countTokens(t);
const config = (input: Partial<ExpandConfig>): ExpandConfig => ExpandConfigSchema.parse(input);
const spanOf = (s: { startOffset: number; endOffset: number; kind: string; tokens: number }) => [
	s.startOffset,
	s.endOffset,
	s.kind,
	s.tokens
];

describe('parent-document expansion', () => {
	it('defaults to no expansion with a 512-token budget and a window of one chunk', () => {
		expect(ExpandConfigSchema.parse({})).toEqual({ mode: 'none', maxTokens: 512, windowChunks: 1 });
	});

	it('returns the hit chunk itself when the mode is none', () => {
		expect(spanOf(expandChunk(source, 2, config({}), tokens))).toEqual([75, 100, 'chunk', 9]);
	});

	it('returns the whole parent section when it fits the budget', () => {
		const span = expandChunk(source, 2, config({ mode: 'parent-section' }), tokens);
		expect(spanOf(span)).toEqual([38, 127, 'parent-section', 30]);
		expect(span.text).toBe(text.slice(38, 127));
		expect([span.firstOrdinal, span.lastOrdinal]).toEqual([1, 3]);
	});

	it('falls back to neighbours inside the section when the section is over budget', () => {
		expect(spanOf(expandChunk(source, 2, config({ mode: 'parent-section', maxTokens: 20 }), tokens))).toEqual([75, 127, 'neighbours', 18]);
	});

	it('grows a neighbour window across sections, after-side first, within the window', () => {
		expect(spanOf(expandChunk(source, 3, config({ mode: 'neighbours', windowChunks: 1 }), tokens))).toEqual([75, 168, 'neighbours', 31]);
		expect(spanOf(expandChunk(source, 0, config({ mode: 'neighbours', windowChunks: 2 }), tokens))).toEqual([0, 100, 'neighbours', 34]);
	});

	it('keeps the hit chunk alone when no neighbour fits the budget', () => {
		expect(spanOf(expandChunk(source, 2, config({ mode: 'neighbours', maxTokens: 5 }), tokens))).toEqual([75, 100, 'chunk', 9]);
	});

	it('collapses several chunks of one parent to one span at the best rank', async () => {
		const hits = ['d#3', 'd#4', 'd#1', 'd#0'].map((id) => ({ id }));
		const locate = (id: string) => ({ documentId: id.split('#')[0]!, ordinal: Number(id.split('#')[1]) });
		const spans = await expandHits(hits, config({ mode: 'parent-section' }), locate, () => source, tokens);
		expect(spans.map((s) => [s.documentId, s.startOffset, s.endOffset, s.hitIds])).toEqual([
			['d', 38, 127, ['d#3', 'd#1']],
			['d', 129, 168, ['d#4']],
			['d', 0, 36, ['d#0']]
		]);
		expect(averageTokens(spans)).toBeCloseTo((30 + 13 + 12) / 3, 10);
	});

	it('stops at the span limit and drops hits it cannot place', async () => {
		const locate = (id: string) => (id === 'lost' ? null : { documentId: 'd', ordinal: Number(id) });
		const spans = await expandHits(
			[{ id: 'lost' }, { id: '4' }, { id: '0' }],
			config({ mode: 'parent-section' }),
			locate,
			() => source,
			tokens,
			1
		);
		expect(spans.map((s) => [s.startOffset, s.endOffset])).toEqual([[129, 168]]);
	});
});
