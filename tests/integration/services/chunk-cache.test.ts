import { describe, expect, it } from 'vitest';
import type { ChunkRecord, DocumentRecord } from '../../../src/lib/ingest/types.ts';
import { ChunkCache, ChunkCacheWarmer, defaultChunkCacheChars, warmChunkCache } from '../../../src/lib/services/chunk-cache.ts';
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

	it('takes warmed chunks without evicting, stopping at the first one that does not fit', () => {
		const cache = new ChunkCache(10);
		const documents = docs(['d', 'h']);
		const all = [chunk('d', 0, 'aaaa'), chunk('d', 1, 'bbbb'), chunk('d', 2, 'cc'), chunk('x', 0, 'no document')];
		expect(cache.fill(all.slice(0, 2), documents)).toBe(true);
		expect(cache.fill([chunk('d', 1, 'bbbb'), chunk('x', 0, 'skipped'), chunk('d', 2, 'ccc')], documents)).toBe(false);
		expect([cache.size, cache.heldChars]).toEqual([2, 8]);
		expect(cache.fill([chunk('d', 2, 'cc')], documents)).toBe(true);
		expect([cache.size, cache.heldChars]).toEqual([3, 10]);
	});
});

describe('warmChunkCache', () => {
	const documents = docs(['a', 'h'], ['b', 'h'], ['c', 'h'], ['d', 'h'], ['e', 'h']);
	const chunksOf = (ids: readonly string[]) => ids.flatMap((id) => [chunk(id, 0, `${id}0..`), chunk(id, 1, `${id}1..`)]);

	it('reads every document in batches and serves the hits without another read', async () => {
		const cache = new ChunkCache();
		const batches: string[][] = [];
		const report = await warmChunkCache(cache, documents, async (ids) => (batches.push([...ids]), chunksOf(ids)), {
			batchDocuments: 2,
			pause: async () => undefined
		});
		expect(report).toEqual({ documents: 5, chunks: 10, outcome: 'complete' });
		expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
		const s = store([]);
		const hits = await cache.getMany([chunkId('e', 1), chunkId('a', 0)], documents, s.read);
		expect(hits.map((c) => c?.text)).toEqual(['e1..', 'a0..']);
		expect(s.reads).toEqual([]);
	});

	it('stops at the budget and when asked to, keeping what it read', async () => {
		const small = new ChunkCache(12); // three 4-character chunks
		const full = await warmChunkCache(small, documents, async (ids) => chunksOf(ids), { batchDocuments: 1, pause: async () => undefined });
		expect(full).toEqual({ documents: 2, chunks: 3, outcome: 'budget' });
		let batches = 0;
		const stopped = await warmChunkCache(new ChunkCache(), documents, async (ids) => (batches++, chunksOf(ids)), {
			batchDocuments: 1,
			pause: async () => undefined,
			shouldStop: () => batches === 2
		});
		expect(stopped).toEqual({ documents: 2, chunks: 4, outcome: 'stopped' });
	});

	it('lets a search in between batches: the pause runs after each batch', async () => {
		const order: string[] = [];
		await warmChunkCache(new ChunkCache(), documents, async (ids) => (order.push(`read ${ids.join('')}`), chunksOf(ids)), {
			batchDocuments: 3,
			pause: async () => void order.push('pause')
		});
		expect(order).toEqual(['read abc', 'pause', 'read de', 'pause']);
	});
});

describe('ChunkCacheWarmer', () => {
	const documents = docs(['a', 'h'], ['b', 'h']);
	const read = async (ids: readonly string[]) => ids.map((id) => chunk(id, 0, 'text'));

	it('warms a workspace once, reports it, and warms again after stop (index reloaded)', async () => {
		let reads = 0;
		const warmer = new ChunkCacheWarmer(new ChunkCache(), async (ids) => (reads++, read(ids)));
		expect(warmer.status('w').warm).toBe('idle');
		const pass = warmer.start('w', documents);
		expect(warmer.status('w').warm).toBe('running');
		await pass;
		await warmer.start('w', documents);
		expect(warmer.status('w')).toEqual({
			chunks: 2,
			chars: 8,
			maxChars: 32_000_000,
			warm: 'complete',
			warmedDocuments: 2,
			warmedChunks: 2
		});
		expect(reads).toBe(1);
		warmer.stop('w');
		expect(warmer.status('w').warm).toBe('idle');
		await warmer.start('w', documents);
		expect(reads).toBe(2);
	});

	it('stops the running pass of another workspace, and records a failed read as stopped', async () => {
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		const warmer = new ChunkCacheWarmer(new ChunkCache(), async (ids) => {
			if (ids.includes('a')) await gate;
			if (ids.includes('z')) throw new Error('IndexedDB gone');
			return read(ids);
		});
		const first = warmer.start('w1', docs(['a', 'h'], ['b', 'h']));
		await warmer.start('w2', docs(['z', 'h']));
		expect(warmer.status('w2').warm).toBe('stopped');
		expect(warmer.status('w1').warm).toBe('idle'); // stopped and forgotten: warmed again on next open
		release();
		await first;
	});
});

describe('defaultChunkCacheChars', () => {
	it('gives 6M characters per GiB of device memory within 4M to 48M, and 32M when unknown', () => {
		expect([0.25, 1, 4, 8, undefined, Number.NaN].map((g) => defaultChunkCacheChars(g))).toEqual([
			4_000_000, 6_000_000, 24_000_000, 48_000_000, 32_000_000, 32_000_000
		]);
	});
});
