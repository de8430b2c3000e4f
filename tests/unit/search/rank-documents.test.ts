import { describe, expect, it } from 'vitest';
import { rankDocumentsByBestChunk } from '../../../src/lib/search/index.ts';

describe('rankDocumentsByBestChunk', () => {
	const owner = new Map([
		['a#0', 'a'],
		['a#1', 'a'],
		['b#0', 'b'],
		['c#0', 'c'],
		['c#1', 'c']
	]);

	it('scores each document by its best chunk and orders by score', () => {
		const hits = [
			{ id: 'a#0', score: 1 },
			{ id: 'b#0', score: 2.5 },
			{ id: 'a#1', score: 3 },
			{ id: 'c#1', score: 0.5 }
		];
		expect(rankDocumentsByBestChunk(hits, owner)).toEqual([
			{ id: 'a', score: 3, bestChunkId: 'a#1' },
			{ id: 'b', score: 2.5, bestChunkId: 'b#0' },
			{ id: 'c', score: 0.5, bestChunkId: 'c#1' }
		]);
	});

	it('breaks document ties by id descending and chunk ties by chunk id descending, whatever the input order', () => {
		const hits = [
			{ id: 'c#0', score: 2 },
			{ id: 'a#0', score: 2 },
			{ id: 'c#1', score: 2 },
			{ id: 'b#0', score: 2 }
		];
		const expected = [
			{ id: 'c', score: 2, bestChunkId: 'c#1' },
			{ id: 'b', score: 2, bestChunkId: 'b#0' },
			{ id: 'a', score: 2, bestChunkId: 'a#0' }
		];
		expect(rankDocumentsByBestChunk(hits, owner)).toEqual(expected);
		expect(rankDocumentsByBestChunk([...hits].reverse(), (id) => owner.get(id))).toEqual(expected);
	});

	it('throws NOT_FOUND for a chunk without a document', () => {
		expect(() => rankDocumentsByBestChunk([{ id: 'z#0', score: 1 }], owner)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
	});
});
