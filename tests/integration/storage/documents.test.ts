import { afterEach, describe, expect, it, vi } from 'vitest';
import { chunksOf, document, openTestStore } from './fixtures.ts';
import type { ChunkRecord } from '../../../src/lib/ingest/types.ts';
import type { AssayStore } from '../../../src/lib/storage/index.ts';

let store: AssayStore | undefined;
afterEach(() => {
	vi.restoreAllMocks();
	store?.close();
	store = undefined;
});

async function open(): Promise<AssayStore> {
	store = (await openTestStore()).store;
	return store;
}

describe('documents', () => {
	it('saveDocument writes the document, its text and its chunks together', async () => {
		const s = await open();
		const doc = document('d1');
		const result = await s.documents.save({ document: doc, text: 'hello world', chunks: chunksOf(doc, 3) });

		expect(result.removedChunkIds).toEqual([]);
		expect(await s.documents.get('d1')).toEqual(doc);
		expect(await s.documents.text('d1')).toBe('hello world');
		expect((await s.chunks.listByDocument('d1')).map((c) => c.id)).toEqual(['d1#0', 'd1#1', 'd1#2']);
		expect(await s.chunks.countByWorkspace('ws1')).toBe(3);
	});

	it('replacing a document removes the old document, text and chunks in the same write', async () => {
		const s = await open();
		const old = document('old', { relativePath: 'a.md' });
		await s.documents.save({ document: old, text: 'old text', chunks: chunksOf(old, 4) });
		const next = document('new', { relativePath: 'a.md', contentHash: 'hash-2' });

		const result = await s.documents.save({ document: next, text: 'new text', chunks: chunksOf(next, 2), replaceDocumentId: 'old' });

		expect([...result.removedChunkIds].sort()).toEqual(['old#0', 'old#1', 'old#2', 'old#3']);
		expect(await s.documents.get('old')).toBeUndefined();
		expect(await s.documents.text('old')).toBeUndefined();
		expect(await s.chunks.listByDocument('old')).toEqual([]);
		expect((await s.chunks.listByWorkspace('ws1')).map((c) => c.id)).toEqual(['new#0', 'new#1']);
		expect((await s.documents.findByPath('ws1', 'a.md'))?.id).toBe('new');
	});

	it('saving a document again under the same id drops chunks the new version no longer has', async () => {
		const s = await open();
		const doc = document('d1');
		await s.documents.save({ document: doc, text: 'long', chunks: chunksOf(doc, 5) });
		await s.documents.save({ document: doc, text: 'short', chunks: chunksOf(doc, 2) });

		expect((await s.chunks.listByDocument('d1')).map((c) => c.ordinal)).toEqual([0, 1]);
		expect(await s.documents.text('d1')).toBe('short');
	});

	it('a chunk that cannot be cloned fails the save with STORAGE_FAILED and leaves earlier data intact', async () => {
		const s = await open();
		const old = document('old');
		await s.documents.save({ document: old, text: 'old text', chunks: chunksOf(old, 2) });
		const next = document('new');
		const bad = { ...chunksOf(next, 2)[1]!, headingPath: [() => 'not cloneable'] } as unknown as ChunkRecord;

		const failure = s.documents.save({ document: next, text: 'new text', chunks: [chunksOf(next, 1)[0]!, bad], replaceDocumentId: 'old' });

		await expect(failure).rejects.toMatchObject({ name: 'AssayError', code: 'STORAGE_FAILED' });
		expect(await s.documents.get('new')).toBeUndefined();
		expect(await s.documents.text('new')).toBeUndefined();
		expect(await s.chunks.listByDocument('new')).toEqual([]);
		expect(await s.documents.get('old')).toEqual(old);
		expect(await s.documents.text('old')).toBe('old text');
		expect(await s.chunks.listByDocument('old')).toHaveLength(2);
	});

	it('a transaction aborted half-way through a save leaves nothing written', async () => {
		const s = await open();
		const put = IDBObjectStore.prototype.put;
		let calls = 0;
		vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
			const request = put.call(this, value, key);
			if (++calls === 4) this.transaction.abort();
			return request;
		});
		const doc = document('d1');

		await expect(s.documents.save({ document: doc, text: 'text', chunks: chunksOf(doc, 5) })).rejects.toMatchObject({
			code: 'STORAGE_FAILED'
		});
		vi.restoreAllMocks();

		expect(await s.documents.get('d1')).toBeUndefined();
		expect(await s.documents.text('d1')).toBeUndefined();
		expect(await s.chunks.countByWorkspace('ws1')).toBe(0);
	});

	it('chunks of another document are rejected before anything is written', async () => {
		const s = await open();
		const doc = document('d1');
		const foreign = chunksOf(document('d2'), 1);

		await expect(s.documents.save({ document: doc, text: 't', chunks: foreign })).rejects.toMatchObject({ code: 'INTERNAL' });
		expect(await s.documents.get('d1')).toBeUndefined();
	});

	it('deleteDocument removes the document, its text and its chunks and returns the chunk ids', async () => {
		const s = await open();
		const keep = document('keep');
		const gone = document('gone');
		await s.documents.save({ document: keep, text: 'k', chunks: chunksOf(keep, 2) });
		await s.documents.save({ document: gone, text: 'g', chunks: chunksOf(gone, 3) });

		const result = await s.documents.delete('gone');

		expect([...result.removedChunkIds].sort()).toEqual(['gone#0', 'gone#1', 'gone#2']);
		expect(await s.documents.get('gone')).toBeUndefined();
		expect(await s.documents.text('gone')).toBeUndefined();
		expect(await s.chunks.listByDocument('gone')).toEqual([]);
		expect(await s.chunks.countByWorkspace('ws1')).toBe(2);
		expect(await s.documents.get('keep')).toEqual(keep);
	});

	it('deleting an unknown document throws NOT_FOUND', async () => {
		const s = await open();
		await expect(s.documents.delete('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});

	it('findByHash and findByPath look documents up within one workspace only', async () => {
		const s = await open();
		const a = document('a', { workspaceId: 'ws1', contentHash: 'h1', relativePath: 'x/a.md' });
		const b = document('b', { workspaceId: 'ws2', contentHash: 'h1', relativePath: 'x/a.md' });
		await s.documents.save({ document: a, text: 'a', chunks: [] });
		await s.documents.save({ document: b, text: 'b', chunks: [] });

		expect((await s.documents.findByHash('ws1', 'h1')).map((d) => d.id)).toEqual(['a']);
		expect((await s.documents.findByHash('ws2', 'h1')).map((d) => d.id)).toEqual(['b']);
		expect(await s.documents.findByHash('ws1', 'other')).toEqual([]);
		expect((await s.documents.findByPath('ws2', 'x/a.md'))?.id).toBe('b');
		expect(await s.documents.findByPath('ws1', 'missing.md')).toBeUndefined();
	});

	it('saveFailed stores a failed document without text and replaces the earlier one at that path', async () => {
		const s = await open();
		const old = document('old', { relativePath: 'a.md' });
		await s.documents.save({ document: old, text: 'old', chunks: chunksOf(old, 2) });
		const failed = document('failed', {
			relativePath: 'a.md',
			status: 'failed',
			chunkCount: 0,
			error: { name: 'AssayError', code: 'FILE_BINARY', message: 'binary' }
		});

		const result = await s.documents.saveFailed(failed, 'old');

		expect([...result.removedChunkIds].sort()).toEqual(['old#0', 'old#1']);
		expect(await s.documents.findByPath('ws1', 'a.md')).toEqual(failed);
		expect(await s.documents.text('failed')).toBeUndefined();
		expect(await s.documents.get('old')).toBeUndefined();
		await expect(s.documents.saveFailed(document('r'))).rejects.toMatchObject({ code: 'INTERNAL' });
	});

	it('listByWorkspace returns only that workspace’s documents sorted by path', async () => {
		const s = await open();
		await s.documents.save({ document: document('b', { relativePath: 'b.md' }), text: '', chunks: [] });
		await s.documents.save({ document: document('a', { relativePath: 'a.md' }), text: '', chunks: [] });
		await s.documents.save({ document: document('c', { workspaceId: 'ws2' }), text: '', chunks: [] });

		expect((await s.documents.listByWorkspace('ws1')).map((d) => d.relativePath)).toEqual(['a.md', 'b.md']);
	});
});

describe('chunks', () => {
	it('listByDocument orders chunks by ordinal, not by id', async () => {
		const s = await open();
		const doc = document('d');
		await s.documents.save({ document: doc, text: 't', chunks: chunksOf(doc, 12).reverse() });

		expect((await s.chunks.listByDocument('d')).map((c) => c.ordinal)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
	});

	it('getMany returns chunks in the order asked, with undefined for unknown ids', async () => {
		const s = await open();
		const doc = document('d');
		await s.documents.save({ document: doc, text: 't', chunks: chunksOf(doc, 3) });

		const got = await s.chunks.getMany(['d#2', 'missing', 'd#0']);

		expect(got.map((c) => c?.id)).toEqual(['d#2', undefined, 'd#0']);
	});

	it('listByWorkspace groups by document and orders by ordinal', async () => {
		const s = await open();
		const b = document('b');
		const a = document('a');
		await s.documents.save({ document: b, text: 't', chunks: chunksOf(b, 2) });
		await s.documents.save({ document: a, text: 't', chunks: chunksOf(a, 11) });

		const ids = (await s.chunks.listByWorkspace('ws1')).map((c) => c.id);
		expect(ids.slice(9)).toEqual(['a#9', 'a#10', 'b#0', 'b#1']);
		expect(await s.chunks.countByWorkspace('ws2')).toBe(0);
	});
});

describe('document generation', () => {
	it('rises by one with every document write of the workspace, in the same transaction', async () => {
		const s = await open();
		expect(await s.documents.generation('ws1')).toBe(0);
		const doc = document('d1');
		expect((await s.documents.save({ document: doc, text: 'hello', chunks: chunksOf(doc, 1) })).generation).toBe(1);
		expect((await s.documents.saveFailed({ ...document('d2'), status: 'failed' })).generation).toBe(2);
		expect((await s.documents.delete('d1')).generation).toBe(3);
		expect(await s.documents.generation('ws1')).toBe(3);
		expect(await s.documents.generation('other')).toBe(0);
	});

	it('does not move when the write is rolled back', async () => {
		const s = await open();
		const doc = document('d1');
		await s.documents.save({ document: doc, text: 'hello', chunks: chunksOf(doc, 1) });
		await expect(
			s.documents.save({
				document: document('d2'),
				text: 'x',
				chunks: [{ ...chunksOf(document('d2'), 1)[0]!, text: (() => undefined) as unknown as string }]
			})
		).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
		expect(await s.documents.generation('ws1')).toBe(1);
	});
});
