import { describe, expect, it } from 'vitest';
import { SPAN_CONTENT_MAX_CHARS } from '../../../src/lib/agents/spans.ts';
import { cutContent, retrievedChunksAttribute, type RetrievedChunkEntry } from '../../../src/lib/tracing/content.ts';

function entry(rank: number, text: string): RetrievedChunkEntry {
	return {
		id: `d${rank}#0`,
		document: `d${rank}`,
		title: rank === 2 ? null : `doc ${rank}`,
		rank,
		score: 1 / rank,
		scores: { bm25: 10 - rank },
		text
	};
}

describe('retrieved chunks of a search span', () => {
	it('cuts text to the given length with an ellipsis, and to nothing below one character', () => {
		expect(cutContent('abcdef', 4)).toBe('abc…');
		expect(cutContent('abcd', 4)).toBe('abcd');
		expect(cutContent('abcd', 0)).toBe('');
		expect(cutContent('x'.repeat(SPAN_CONTENT_MAX_CHARS + 5))).toHaveLength(SPAN_CONTENT_MAX_CHARS);
	});

	it('keeps at most topK documents in rank order, with ids, scores and texts, titles when known', () => {
		const json = retrievedChunksAttribute([entry(1, 'one'), entry(2, 'two'), entry(3, 'three')], 2);
		expect(JSON.parse(json)).toEqual([
			{ id: 'd1#0', document: 'd1', title: 'doc 1', rank: 1, score: 1, scores: { bm25: 9 }, text: 'one' },
			{ id: 'd2#0', document: 'd2', rank: 2, score: 0.5, scores: { bm25: 8 }, text: 'two' }
		]);
	});

	it('shares the text budget in rank order: a text is cut to what is left, later documents keep only ids and scores', () => {
		const docs = JSON.parse(retrievedChunksAttribute([entry(1, 'aaaaaa'), entry(2, 'bbbbbb'), entry(3, 'cccccc')], 3, 10)) as {
			text?: string;
			rank: number;
		}[];
		expect(docs.map((d) => [d.rank, d.text])).toEqual([
			[1, 'aaaaaa'],
			[2, 'bbb…'],
			[3, undefined]
		]);
	});
});
