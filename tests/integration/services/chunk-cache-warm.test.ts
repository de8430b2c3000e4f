import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import type { LibraryApi } from '../../../src/lib/services/library-api.ts';

const file = (name: string, text: string) => ({ file: new Blob([text]), name, relativePath: name });

/** Waits for the background warm-up to end: a bounded number of turns, failing loudly. */
async function warmed(lib: LibraryApi, workspaceId: string) {
	for (let turn = 0; turn < 1000; turn++) {
		const status = await lib.chunkCacheStatus(workspaceId);
		if (status.warm !== 'running' && status.warm !== 'idle') return status;
		await new Promise((resolve) => setTimeout(resolve, 0));
	}
	throw new Error('the chunk cache warm-up did not finish within 1,000 turns');
}

async function workspace(warmChunkCache: boolean) {
	const { api: lib, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory(), warmChunkCache });
	const ws = await lib.createWorkspace('Warm');
	await lib.importFiles(
		ws.id,
		[file('a.md', '# Alpha\n\nThe heron waits by the river.'), file('b.md', '# Beta\n\nThe kestrel hovers over the field.')],
		'job'
	);
	const store = await internals.store();
	const reads: string[][] = [];
	const getMany = store.chunks.getMany.bind(store.chunks);
	store.chunks.getMany = (ids) => (reads.push([...ids]), getMany(ids));
	return { lib, workspaceId: ws.id, reads };
}

describe('the search chunk cache warm-up', () => {
	it('reads an opened workspace’s chunks in the background, so a search reads no chunk from IndexedDB', async () => {
		const { lib, workspaceId, reads } = await workspace(true);
		await lib.openWorkspace(workspaceId);
		expect(await warmed(lib, workspaceId)).toMatchObject({ warm: 'complete', warmedDocuments: 2, warmedChunks: 2, chunks: 2 });
		const res = await lib.search({ workspaceId, query: 'heron river', topK: 5 });
		expect(res.hits.map((h) => h.text)).toEqual(['# Alpha\n\nThe heron waits by the river.']);
		expect(reads).toEqual([]);
	});

	it('serves the new text after a document changes, and warms nothing without the option', async () => {
		const { lib, workspaceId, reads } = await workspace(true);
		await lib.openWorkspace(workspaceId);
		await warmed(lib, workspaceId);
		await lib.importFiles(workspaceId, [file('a.md', '# Alpha\n\nThe heron flew off the river.')], 'job2');
		const res = await lib.search({ workspaceId, query: 'heron', topK: 5 });
		expect(res.hits.map((h) => h.text)).toEqual(['# Alpha\n\nThe heron flew off the river.']);
		expect(reads).toHaveLength(1);

		const cold = await workspace(false);
		await cold.lib.openWorkspace(cold.workspaceId);
		expect(await cold.lib.chunkCacheStatus(cold.workspaceId)).toMatchObject({ warm: 'idle', chunks: 0 });
	});
});
