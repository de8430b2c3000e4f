import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';

const file = (name: string, text: string) => ({ file: new Blob([text]), name, relativePath: name });

async function opened() {
	const { api: lib, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory() });
	const ws = await lib.createWorkspace('List');
	await lib.importFiles(ws.id, [file('a.md', '# A\n\nalpha'), file('empty.txt', '')], 'job');
	const store = await internals.store();
	const reads: string[] = [];
	const list = store.documents.listByWorkspace.bind(store.documents);
	store.documents.listByWorkspace = (id) => (reads.push(id), list(id));
	return { lib, workspaceId: ws.id, reads, expected: await list(ws.id) };
}

describe('listing documents right after opening a workspace', () => {
	it('answers the first list from the documents the index load read, every status included', async () => {
		const { lib, workspaceId, reads, expected } = await opened();
		// The import loaded the index already; a BM25 change reloads it from the store.
		reads.length = 0;
		await lib.updateWorkspaceConfig(workspaceId, { bm25: { k1: 1.3 } });
		await lib.openWorkspace(workspaceId);
		expect(reads).toEqual([workspaceId]); // the index load
		const listed = await lib.listDocuments(workspaceId);
		expect(listed.map((d) => [d.relativePath, d.status])).toEqual(expected.map((d) => [d.relativePath, d.status]));
		expect(listed.map((d) => d.status).sort()).toEqual(['failed', 'ready']);
		expect(reads).toEqual([workspaceId]);
		await lib.listDocuments(workspaceId); // taken once: later lists read the store
		expect(reads).toEqual([workspaceId, workspaceId]);
	});

	it('reads the store when a document was written after the load', async () => {
		const { lib, workspaceId, reads } = await opened();
		await lib.updateWorkspaceConfig(workspaceId, { bm25: { k1: 1.3 } });
		await lib.openWorkspace(workspaceId);
		await lib.importFiles(workspaceId, [file('b.md', '# B\n\nbeta')], 'job2');
		reads.length = 0;
		const listed = await lib.listDocuments(workspaceId);
		expect(listed.map((d) => d.relativePath).sort()).toEqual(['a.md', 'b.md', 'empty.txt']);
		expect(reads).toEqual([workspaceId]);
	});

	it('never waits for an index that is still loading', async () => {
		const idbFactory = new IDBFactory();
		const first = createLibraryServiceWithInternals({ idbFactory }).api;
		const ws = await first.createWorkspace('Slow');
		await first.importFiles(ws.id, [file('a.md', '# A\n\nalpha')], 'job');
		// A new visit: a fresh service whose index load hangs on reading the stored postings.
		const { api: lib, internals } = createLibraryServiceWithInternals({ idbFactory });
		const store = await internals.store();
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const get = store.indexState.get.bind(store.indexState);
		store.indexState.get = async (...args) => (await gate, get(...args));
		const opening = lib.openWorkspace(ws.id);
		expect((await lib.listDocuments(ws.id)).map((d) => d.relativePath)).toEqual(['a.md']);
		release();
		await opening;
	});
});
