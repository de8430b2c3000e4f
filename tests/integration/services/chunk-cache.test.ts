import { describe, expect, it } from 'vitest';
import type { ChunkRecord, DocumentRecord } from '../../../src/lib/ingest/types.ts';
import { ChunkCache } from '../../../src/lib/services/chunk-cache.ts';
import { chunkId } from '../../../src/lib/shared/identity.ts';

const chunk = (doc: string, ordinal: number, text: string): ChunkRecord => ({
	id: chunkId(doc, ordinal),
	workspaceId: 'w',
	documentId: doc,
	ordinal,
	text,
	startOffset: 0,
	endOffset: text.length,
	headingPath: []
});
const docs = (...entries: [string, string][]) =>
	new Map(entries.map(([id, hash]) => [id, { id, contentHash: hash, chunkingConfigHash: 'c' } as unknown as DocumentRecord]));

function store(chunks: ChunkRecord[]) {
	const byId = new Map(chunks.map((c) => [c.id, c]));
	const reads: string[][] = [];
	return { reads, read: async (ids: readonly string[]) => (reads.push([...ids]), ids.map((id) => byId.get(id))) };
}

describe('ChunkCache', () => {
	it('reads each chunk from the store once, then answers from memory in the order asked', async () => {
		const s = store([chunk('d1', 0, 'alpha'), chunk('d1', 1, 'beta'), chunk('d2', 0, 'gamma')]);
		const cache = new ChunkCache();
		const documents = docs(['d1', 'h1'], ['d2', 'h2']);
		await cache.getMany([chunkId('d1', 0), chunkId('d2', 0)], documents, s.read);
		const again = await cache.getMany([chunkId('d2', 0), chunkId('d1', 1), chunkId('d1', 0)], documents, s.read);
		expect(again.map((c) => c?.text)).toEqual(['gamma', 'beta', 'alpha']);
		expect(s.reads).toEqual([[chunkId('d1', 0), chunkId('d2', 0)], [chunkId('d1', 1)]]);
	});

	it('reads again when the document changed, and never serves a removed document', async () => {
		const s = store([chunk('d1', 0, 'new text')]);
		const cache = new ChunkCache();
		await cache.getMany([chunkId('d1', 0)], docs(['d1', 'old']), async () => [chunk('d1', 0, 'old text')]);
		expect((await cache.getMany([chunkId('d1', 0)], docs(['d1', 'new']), s.read))[0]?.text).toBe('new text');
		expect(s.reads).toHaveLength(1);
		await cache.getMany([chunkId('d1', 0)], docs(), s.read);
		expect(s.reads).toHaveLength(2);
		expect(cache.size).toBe(0);
	});

	it('holds at most its budget of text, dropping the least recently used first', async () => {
		const chunks = [chunk('d', 0, 'aaaa'), chunk('d', 1, 'bbbb'), chunk('d', 2, 'cccc')];
		const s = store(chunks);
		const cache = new ChunkCache(8);
		const documents = docs(['d', 'h']);
		await cache.getMany([chunks[0]!.id, chunks[1]!.id], documents, s.read);
		await cache.getMany([chunks[0]!.id], documents, s.read); // 0 is now the most recent
		await cache.getMany([chunks[2]!.id], documents, s.read); // evicts 1
		expect(cache.size).toBe(2);
		await cache.getMany([chunks[0]!.id, chunks[1]!.id], documents, s.read);
		expect(s.reads.at(-1)).toEqual([chunks[1]!.id]);
	});
});
