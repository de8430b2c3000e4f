import { afterEach, describe, expect, it } from 'vitest';
import { chunksOf, document, openTestStore, workspace } from './fixtures.ts';
import type { AssayStore, IndexStateRecord } from '../../../src/lib/storage/index.ts';

let store: AssayStore | undefined;
afterEach(() => {
	store?.close();
	store = undefined;
});

async function open(): Promise<AssayStore> {
	store = (await openTestStore()).store;
	return store;
}

function indexState(workspaceId: string): IndexStateRecord {
	return {
		workspaceId,
		kind: 'bm25',
		analyzerFingerprint: 'en-porter',
		params: { k1: 1.2, b: 0.75 },
		snapshot: {},
		documentHashes: {},
		updatedAtMs: 1
	};
}

describe('workspaces', () => {
	it('put, get and list round-trip workspaces oldest first', async () => {
		const s = await open();
		await s.workspaces.put(workspace('w2', 20));
		await s.workspaces.put(workspace('w1', 10));

		expect(await s.workspaces.get('w1')).toEqual(workspace('w1', 10));
		expect((await s.workspaces.list()).map((w) => w.id)).toEqual(['w1', 'w2']);
		expect(await s.workspaces.get('nope')).toBeUndefined();
	});

	it('deleting a workspace removes its documents, texts, chunks, index state, golden sets and eval runs, and nothing else', async () => {
		const s = await open();
		for (const id of ['ws1', 'ws2']) {
			await s.workspaces.put(workspace(id));
			const doc = document(`${id}-doc`, { workspaceId: id });
			await s.documents.save({ document: doc, text: 'text', chunks: chunksOf(doc, 3) });
			await s.indexState.put(indexState(id));
			await s.goldenSets.put({ id: `${id}-gs`, workspaceId: id, items: [] });
			await s.evalRuns.put({ id: `${id}-run`, workspaceId: id, metrics: {} });
		}
		await s.settings.set('theme', 'dark');

		const removed = await s.workspaces.delete('ws1');

		expect(removed).toEqual({ documents: 1, chunks: 3, indexStates: 1, goldenSets: 1, evalRuns: 1 });
		expect(await s.workspaces.get('ws1')).toBeUndefined();
		expect(await s.documents.listByWorkspace('ws1')).toEqual([]);
		expect(await s.documents.text('ws1-doc')).toBeUndefined();
		expect(await s.chunks.countByWorkspace('ws1')).toBe(0);
		expect(await s.indexState.get('ws1')).toBeUndefined();
		expect(await s.goldenSets.listByWorkspace('ws1')).toEqual([]);
		expect(await s.evalRuns.listByWorkspace('ws1')).toEqual([]);

		expect(await s.workspaces.get('ws2')).toBeDefined();
		expect(await s.documents.text('ws2-doc')).toBe('text');
		expect(await s.chunks.countByWorkspace('ws2')).toBe(3);
		expect(await s.indexState.get('ws2')).toBeDefined();
		expect(await s.goldenSets.get('ws2-gs')).toEqual({ id: 'ws2-gs', workspaceId: 'ws2', items: [] });
		expect(await s.evalRuns.get('ws2-run')).toBeDefined();
		expect(await s.settings.get('theme')).toBe('dark');
	});

	it('deleting an unknown workspace throws NOT_FOUND', async () => {
		const s = await open();
		await expect(s.workspaces.delete('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});
});

describe('index state, settings, golden sets and eval runs', () => {
	it('index state with typed arrays survives a round-trip', async () => {
		const s = await open();
		const record: IndexStateRecord = {
			workspaceId: 'ws1',
			kind: 'bm25',
			analyzerFingerprint: 'en-porter-v1',
			params: { k1: 0.9, b: 0.4 },
			snapshot: {
				postings: new Uint32Array([1, 2, 3, 4_000_000_000]),
				lengths: new Float32Array([0.5, 1.25, -3]),
				terms: new Map([['retrieval', 0]])
			},
			documentHashes: { d1: 'h1', d2: 'h2' },
			updatedAtMs: 1_700_000_000_123
		};
		await s.indexState.put(record);

		const loaded = await s.indexState.get('ws1', 'bm25');
		const snapshot = loaded?.snapshot as { postings: unknown; lengths: unknown; terms: unknown };

		expect(loaded).toEqual(record);
		expect(snapshot.postings).toBeInstanceOf(Uint32Array);
		expect(Array.from(snapshot.postings as Uint32Array)).toEqual([1, 2, 3, 4_000_000_000]);
		expect(snapshot.lengths).toBeInstanceOf(Float32Array);
		expect(snapshot.terms).toBeInstanceOf(Map);
	});

	it('deleting index state reports whether it existed', async () => {
		const s = await open();
		await s.indexState.put(indexState('ws1'));

		expect(await s.indexState.delete('ws1')).toBe(true);
		expect(await s.indexState.delete('ws1')).toBe(false);
		expect(await s.indexState.get('ws1')).toBeUndefined();
	});

	it('an index snapshot that cannot be cloned keeps the previous state', async () => {
		const s = await open();
		await s.indexState.put(indexState('ws1'));

		await expect(s.indexState.put({ ...indexState('ws1'), snapshot: { f: () => 1 }, updatedAtMs: 2 })).rejects.toMatchObject({
			code: 'STORAGE_FAILED'
		});
		expect((await s.indexState.get('ws1'))?.updatedAtMs).toBe(1);
	});

	it('settings store any structured-clone value by key', async () => {
		const s = await open();
		await s.settings.set('recent', { ids: [1, 2], at: new Date(5) });

		expect(await s.settings.get('recent')).toEqual({ ids: [1, 2], at: new Date(5) });
		expect(await s.settings.get('missing')).toBeUndefined();
		expect(await s.settings.delete('recent')).toBe(true);
		expect(await s.settings.get('recent')).toBeUndefined();
	});

	it('golden sets are listed per workspace by id and deleting an unknown one throws NOT_FOUND', async () => {
		const s = await open();
		await s.goldenSets.put({ id: 'g2', workspaceId: 'ws1' });
		await s.goldenSets.put({ id: 'g1', workspaceId: 'ws1' });
		await s.goldenSets.put({ id: 'g3', workspaceId: 'ws2' });

		expect((await s.goldenSets.listByWorkspace('ws1')).map((g) => g.id)).toEqual(['g1', 'g2']);
		await s.goldenSets.delete('g1');
		expect(await s.goldenSets.get('g1')).toBeUndefined();
		await expect(s.goldenSets.delete('g1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
		await expect(s.evalRuns.delete('r1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});
});
