import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../../src/lib/services/eval-service.ts';
import type { ImportFileInput } from '../../../src/lib/services/library-api.ts';
import { inProcessBus, inProcessLocks } from '../../../src/lib/services/tab-sync.ts';
import { openAssayDb } from '../../../src/lib/storage/index.ts';

function file(relativePath: string, body: string): ImportFileInput {
	return { file: new Blob([body]), name: relativePath.split('/').pop()!, relativePath };
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett', 'kilo', 'lima'];
const filesOf = (prefix: string, words: readonly string[]) => words.map((w) => file(`${prefix}/${w}.txt`, `${prefix} notes about ${w}`));

/** Two "tabs": two library services on one database, sharing locks and a broadcast bus as tabs share Web Locks and BroadcastChannel. */
function twoTabs(options: { bus?: boolean; snapshotEveryDocuments?: number } = {}) {
	const idbFactory = new IDBFactory();
	const locks = inProcessLocks();
	const hub = inProcessBus();
	const tab = () => {
		const { api, internals } = createLibraryServiceWithInternals({
			idbFactory,
			locks,
			...(options.bus === false ? {} : { bus: hub.connect() }),
			...(options.snapshotEveryDocuments ? { snapshotEveryDocuments: options.snapshotEveryDocuments } : {})
		});
		return { api, internals, svc: combineApis(api, createEvalService(api, internals)) };
	};
	return { a: tab(), b: tab(), idbFactory };
}

async function foundPaths(api: ReturnType<typeof twoTabs>['a']['api'], workspaceId: string, query: string): Promise<string[]> {
	return (await api.search({ workspaceId, query, topK: 100 })).hits.map((h) => h.relativePath).sort();
}

describe('two tabs importing into one workspace', () => {
	it('both tabs find every document after importing different files at the same time', async () => {
		const { a, b } = twoTabs({ snapshotEveryDocuments: 3 });
		const ws = await a.api.createWorkspace('Shared');
		await Promise.all([a.api.openWorkspace(ws.id), b.api.openWorkspace(ws.id)]);
		await Promise.all([
			a.api.importFiles(ws.id, filesOf('a', WORDS.slice(0, 6)), 'job-a'),
			b.api.importFiles(ws.id, filesOf('b', WORDS.slice(6)), 'job-b')
		]);
		const all = [...filesOf('a', WORDS.slice(0, 6)), ...filesOf('b', WORDS.slice(6))].map((f) => f.relativePath).sort();
		expect(await foundPaths(a.api, ws.id, 'notes')).toEqual(all);
		expect(await foundPaths(b.api, ws.id, 'notes')).toEqual(all);
		expect((await a.api.openWorkspace(ws.id)).documentCount).toBe(12);
		expect((await b.api.openWorkspace(ws.id)).documentCount).toBe(12);
	});

	it('the snapshot stored afterwards covers the documents of both tabs', async () => {
		const { a, b, idbFactory } = twoTabs({ snapshotEveryDocuments: 3 });
		const ws = await a.api.createWorkspace('Shared');
		await Promise.all([a.api.openWorkspace(ws.id), b.api.openWorkspace(ws.id)]);
		await Promise.all([
			a.api.importFiles(ws.id, filesOf('a', WORDS.slice(0, 6)), 'job-a'),
			b.api.importFiles(ws.id, filesOf('b', WORDS.slice(6)), 'job-b')
		]);
		const store = await openAssayDb({ idbFactory });
		const stored = (await store.documents.listByWorkspace(ws.id)).map((d) => d.id).sort();
		const snapshot = await store.indexState.get(ws.id);
		expect(Object.keys(snapshot!.documentHashes).sort()).toEqual(stored);
		expect(stored).toHaveLength(12);
	});

	it('a tab whose index was loaded before the other tab imported searches the new documents without a reload (no broadcast needed)', async () => {
		const { a, b } = twoTabs({ bus: false });
		const ws = await a.api.createWorkspace('Shared');
		await a.api.importFiles(ws.id, filesOf('a', ['alpha']), 'job-a');
		await b.api.importFiles(ws.id, filesOf('b', ['bravo']), 'job-b');
		expect(await foundPaths(a.api, ws.id, 'bravo')).toEqual(['b/bravo.txt']);
		// And a removal in one tab is seen by the other.
		const bravo = (await a.api.listDocuments(ws.id)).find((d) => d.relativePath === 'b/bravo.txt')!;
		await a.api.removeDocument(bravo.id);
		expect(await foundPaths(b.api, ws.id, 'notes')).toEqual(['a/alpha.txt']);
	});

	it('an evaluation in one tab after the other tab stored documents uses all of them', async () => {
		const { a, b } = twoTabs();
		const ws = await a.api.createWorkspace('Shared');
		await a.api.importFiles(ws.id, filesOf('a', ['alpha']), 'job-a');
		await b.api.importFiles(ws.id, filesOf('b', ['bravo']), 'job-b');
		const golden = await a.svc.importGoldenSet(ws.id, 'g', {
			format: 'jsonl',
			text: '{"id":"q1","query":"bravo","relevant":["b/bravo.txt"]}\n'
		});
		expect(golden.errors).toEqual([]);
		const config = await a.api.workspaceConfig(ws.id);
		const report = await a.svc.runEval({
			workspaceId: ws.id,
			goldenSetId: golden.goldenSet.id,
			jobId: 'eval',
			config: { label: 'workspace', chunking: config.chunking, bm25: config.bm25 },
			appVersion: '0.0.0-test',
			environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null }
		});
		expect(report.perQuery[0]?.metrics['recall@10']).toBe(1);
	});

	it('a broadcast from the other tab brings an idle tab’s index up to date before it is asked', async () => {
		const { a, b } = twoTabs();
		const ws = await a.api.createWorkspace('Shared');
		await a.api.openWorkspace(ws.id);
		await b.api.importFiles(ws.id, filesOf('b', ['bravo', 'charlie']), 'job-b');
		const index = await a.internals.loadedIndex(ws.id);
		for (let i = 0; i < 50 && index.documents.size < 2; i++) await new Promise((r) => setTimeout(r, 5));
		expect([...index.documents.values()].map((d) => d.relativePath).sort()).toEqual(['b/bravo.txt', 'b/charlie.txt']);
	});
});

describe('two tabs sharing a workspace context', () => {
	it('a configuration or access list changed in one tab is used by the other tab’s next search, not its cached copy', async () => {
		const { a, b } = twoTabs();
		const ws = await a.api.createWorkspace('Shared');
		await a.api.importFiles(ws.id, filesOf('docs', WORDS.slice(0, 3)), 'job');
		// Tab b reads (and caches) the configuration and the access lists with its first search.
		expect(await foundPaths(b.api, ws.id, 'alpha')).toEqual(['docs/alpha.txt']);
		expect((await b.api.workspaceConfig(ws.id)).retrieval.rrfK).toBe(60);

		const config = await a.api.workspaceConfig(ws.id);
		await a.api.updateWorkspaceConfig(ws.id, { ...config, retrieval: { ...config.retrieval, rrfK: 20 } });
		const doc = (await a.api.listDocuments(ws.id)).find((d) => d.relativePath === 'docs/alpha.txt')!;
		await a.api.setDocumentAccess(ws.id, doc.id, { users: ['ann'], groups: [] });
		await new Promise((r) => setTimeout(r, 0));

		expect((await b.api.workspaceConfig(ws.id)).retrieval.rrfK).toBe(20);
		const asBob = await b.api.search({ workspaceId: ws.id, query: 'alpha', topK: 10, runAs: { user: 'bob', groups: [] } });
		expect(asBob.hits).toHaveLength(0);
		const asAnn = await b.api.search({ workspaceId: ws.id, query: 'alpha', topK: 10, runAs: { user: 'ann', groups: [] } });
		expect(asAnn.hits.map((h) => h.relativePath)).toEqual(['docs/alpha.txt']);
	});
});

describe('a tab with a bus between announcements', () => {
	it('skips the stored-generation read for 1 s after the last one, and after that sees documents whose announcement it missed', async () => {
		const idbFactory = new IDBFactory();
		const locks = inProcessLocks();
		const hub = inProcessBus();
		let nowMs = 0;
		const a = createLibraryServiceWithInternals({ idbFactory, locks, bus: hub.connect(), clock: () => nowMs }).api;
		// Tab b announces nothing (as if its message were lost).
		const b = createLibraryServiceWithInternals({ idbFactory, locks }).api;
		const ws = await a.createWorkspace('Shared');
		await a.importFiles(ws.id, filesOf('a', ['alpha']), 'job-a');
		expect(await foundPaths(a, ws.id, 'notes')).toEqual(['a/alpha.txt']);
		await b.importFiles(ws.id, filesOf('b', ['bravo']), 'job-b');
		nowMs = 999;
		expect(await foundPaths(a, ws.id, 'notes')).toEqual(['a/alpha.txt']);
		nowMs = 1000;
		expect(await foundPaths(a, ws.id, 'notes')).toEqual(['a/alpha.txt', 'b/bravo.txt']);
	});
});
