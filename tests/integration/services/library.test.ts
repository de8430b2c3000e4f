import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import type { ImportFileInput, LibraryApi } from '../../../src/lib/services/library-api.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';
import { openAssayDb } from '../../../src/lib/storage/index.ts';

function file(relativePath: string, body: string | Uint8Array): ImportFileInput {
	const name = relativePath.split('/').pop()!;
	return { file: new Blob([body as BlobPart]), name, relativePath };
}

function service(factory: IDBFactory, snapshotEveryDocuments?: number): LibraryApi {
	return createLibraryService({ idbFactory: factory, ...(snapshotEveryDocuments ? { snapshotEveryDocuments } : {}) });
}

const HANDBOOK =
	'# Handbook\n\n## Leave\n\nEmployees get 26 days of annual leave.\n\n## Overtime\n\nOvertime must be approved by the team lead.';

describe('LibraryService', () => {
	it('imports files, reports each outcome, and finds the chunk with its heading path and highlights', async () => {
		const lib = service(new IDBFactory());
		const ws = await lib.createWorkspace('Test');
		const report = await lib.importFiles(
			ws.id,
			[file('docs/handbook.md', HANDBOOK), file('docs/empty.txt', ''), file('docs/data.bin', 'x')],
			'job1'
		);
		expect(report.counts).toMatchObject({ added: 1, failed: 1, unsupported: 1 });
		const response = await lib.search({ workspaceId: ws.id, query: 'approved overtime', topK: 5 });
		expect(response.hits).toHaveLength(1);
		const hit = response.hits[0]!;
		expect(hit.relativePath).toBe('docs/handbook.md');
		expect(hit.headingPath).toEqual(['Handbook', 'Overtime']);
		expect(hit.highlights.map(([s, e]) => hit.text.slice(s, e))).toEqual(['Overtime', 'Overtime', 'approved']);
		const view = await lib.documentView(hit.documentId);
		expect(view.text.slice(hit.startOffset, hit.endOffset)).toBe(hit.text);
	});

	it('reports progress after every file', async () => {
		const lib = service(new IDBFactory());
		const ws = await lib.createWorkspace('Test');
		const seen: number[] = [];
		await lib.importFiles(ws.id, [file('a.txt', 'alpha'), file('b.txt', 'beta')], 'job', (p) => seen.push(p.done));
		expect(seen).toEqual([1, 2]);
	});

	it('imports files handed over in slices first, in order, then the files of the importFiles call', async () => {
		const lib = service(new IDBFactory());
		const ws = await lib.createWorkspace('Test');
		expect(await lib.handOverImportFiles('job', [file('a.txt', 'alpha'), file('b.txt', 'beta')])).toBe(2);
		expect(await lib.handOverImportFiles('job', [file('c.txt', 'gamma')])).toBe(3);
		const report = await lib.importFiles(ws.id, [file('d.txt', 'delta')], 'job');
		expect(report.items.map((i) => i.relativePath)).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
		expect(report.counts.added).toBe(4);
		// The hand-over is used once: a later job with the same id imports only its own files.
		const again = await lib.importFiles(ws.id, [file('e.txt', 'epsilon')], 'job');
		expect(again.items.map((i) => i.relativePath)).toEqual(['e.txt']);
	});

	it('reports every file of a job cancelled during the hand-over as cancelled, handed over or not', async () => {
		const lib = service(new IDBFactory());
		const ws = await lib.createWorkspace('Test');
		await lib.handOverImportFiles('job', [file('a.txt', 'alpha')]);
		await lib.cancelImport('job');
		await lib.handOverImportFiles('job', [file('b.txt', 'beta')]);
		const report = await lib.importFiles(ws.id, [file('c.txt', 'gamma')], 'job');
		expect(report.cancelled).toBe(true);
		expect(report.items.map((i) => [i.relativePath, i.outcome])).toEqual([
			['a.txt', 'cancelled'],
			['b.txt', 'cancelled'],
			['c.txt', 'cancelled']
		]);
		await expect(lib.handOverImportFiles('', [])).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
	});

	it('detects duplicate content and leaves an unchanged re-import alone', async () => {
		const lib = service(new IDBFactory());
		const ws = await lib.createWorkspace('Test');
		await lib.importFiles(ws.id, [file('a.txt', 'same words')], 'j1');
		const report = await lib.importFiles(ws.id, [file('b.txt', 'same words'), file('a.txt', 'same words')], 'j2');
		expect(report.items.map((i) => [i.relativePath, i.outcome, i.duplicateOf])).toEqual([
			['b.txt', 'duplicate', 'a.txt'],
			['a.txt', 'unchanged', undefined]
		]);
		expect(await lib.listDocuments(ws.id)).toHaveLength(1);
	});

	it('replaces the chunks of a changed file imported again at the same path', async () => {
		const lib = service(new IDBFactory());
		const ws = await lib.createWorkspace('Test');
		await lib.importFiles(ws.id, [file('notes.txt', 'the old kite')], 'j1');
		const report = await lib.importFiles(ws.id, [file('notes.txt', 'the new glider')], 'j2');
		expect(report.items[0]!.outcome).toBe('replaced');
		expect((await lib.search({ workspaceId: ws.id, query: 'kite', topK: 5 })).hits).toHaveLength(0);
		expect((await lib.search({ workspaceId: ws.id, query: 'glider', topK: 5 })).hits).toHaveLength(1);
		expect(await lib.listDocuments(ws.id)).toHaveLength(1);
	});

	it('removes a document with its chunks from the index', async () => {
		const lib = service(new IDBFactory());
		const ws = await lib.createWorkspace('Test');
		const report = await lib.importFiles(ws.id, [file('a.txt', 'red kite'), file('b.txt', 'blue kite')], 'j');
		await lib.removeDocument(report.items[0]!.documentId!);
		const hits = (await lib.search({ workspaceId: ws.id, query: 'kite', topK: 5 })).hits;
		expect(hits.map((h) => h.relativePath)).toEqual(['b.txt']);
	});

	it('reopens a workspace from the stored snapshot without re-tokenizing and gives the same results', async () => {
		const factory = new IDBFactory();
		const first = service(factory);
		const ws = await first.createWorkspace('Test');
		await first.importFiles(ws.id, [file('a.md', HANDBOOK), file('b.txt', 'annual leave is planned in January')], 'j');
		const before = await first.search({ workspaceId: ws.id, query: 'annual leave', topK: 5 });
		const second = service(factory);
		const status = await second.openWorkspace(ws.id);
		expect(status).toMatchObject({ source: 'snapshot', reconciledDocuments: 0, documentCount: 2 });
		const after = await second.search({ workspaceId: ws.id, query: 'annual leave', topK: 5 });
		expect(after.hits.map((h) => [h.chunkId, h.score])).toEqual(before.hits.map((h) => [h.chunkId, h.score]));
	});

	it('reconciles documents stored after the last snapshot, as after a tab closed mid-import', async () => {
		const factory = new IDBFactory();
		const first = service(factory);
		const ws = await first.createWorkspace('Test');
		await first.importFiles(ws.id, [file('a.txt', 'alpha kite'), file('b.txt', 'beta kite')], 'j1');
		const store = await openAssayDb({ idbFactory: factory });
		const stale = await store.indexState.get(ws.id);
		await first.importFiles(ws.id, [file('c.txt', 'gamma kite')], 'j2');
		// The tab "closed" before the snapshot after c.txt was written: put the older one back.
		await store.indexState.put(stale!);
		store.close();
		const second = service(factory);
		const status = await second.openWorkspace(ws.id);
		expect(status).toMatchObject({ source: 'snapshot', reconciledDocuments: 1, documentCount: 3 });
		const hits = (await second.search({ workspaceId: ws.id, query: 'kite', topK: 10 })).hits;
		expect(hits.map((h) => h.relativePath).sort()).toEqual(['a.txt', 'b.txt', 'c.txt']);
	});

	it('rebuilds the index when the analyzer changes and keeps search working', async () => {
		const lib = service(new IDBFactory());
		const ws = await lib.createWorkspace('Test');
		await lib.importFiles(ws.id, [file('a.txt', 'running dogs')], 'j');
		expect((await lib.search({ workspaceId: ws.id, query: 'run', topK: 5 })).hits).toHaveLength(1);
		const status = await lib.updateWorkspaceConfig(ws.id, { bm25: { analyzer: 'segmenter' } });
		expect(status.source).toBe('rebuilt');
		expect((await lib.search({ workspaceId: ws.id, query: 'run', topK: 5 })).hits).toHaveLength(0);
		expect((await lib.search({ workspaceId: ws.id, query: 'running', topK: 5 })).hits).toHaveLength(1);
	});

	it('re-chunks stored documents when the chunk size changes', async () => {
		const lib = service(new IDBFactory());
		const ws = await lib.createWorkspace('Test');
		await lib.importFiles(ws.id, [file('a.md', HANDBOOK)], 'j');
		const before = (await lib.listDocuments(ws.id))[0]!.chunkCount;
		await lib.updateWorkspaceConfig(ws.id, { chunking: { chunkSizeChars: 40, chunkOverlapChars: 0 } });
		const after = (await lib.listDocuments(ws.id))[0]!.chunkCount;
		expect(after).toBeGreaterThan(before);
		const hits = (await lib.search({ workspaceId: ws.id, query: 'team lead', topK: 5 })).hits;
		expect(hits[0]!.text.length).toBeLessThanOrEqual(40);
	});

	it('rejects an invalid configuration with CONFIG_INVALID and keeps the old one', async () => {
		const lib = service(new IDBFactory());
		const ws = await lib.createWorkspace('Test');
		await expect(lib.updateWorkspaceConfig(ws.id, { chunking: { chunkSizeChars: 10, chunkOverlapChars: 10 } })).rejects.toMatchObject({
			code: 'CONFIG_INVALID'
		});
		expect((await lib.workspaceConfig(ws.id)).chunking).toEqual({ chunkSizeChars: 800, chunkOverlapChars: 96 });
	});

	it('stops a cancelled import before the next file and reports the rest as cancelled', async () => {
		const lib = service(new IDBFactory());
		const ws = await lib.createWorkspace('Test');
		const report = await lib.importFiles(ws.id, [file('a.txt', 'one'), file('b.txt', 'two'), file('c.txt', 'three')], 'job', (p) => {
			if (p.done === 1) void lib.cancelImport('job');
		});
		expect(report.cancelled).toBe(true);
		expect(report.items.map((i) => i.outcome)).toEqual(['added', 'cancelled', 'cancelled']);
	});

	it('records import, chunking, indexing and search spans', async () => {
		const lib = service(new IDBFactory());
		const ws = await lib.createWorkspace('Test');
		await lib.importFiles(ws.id, [file('a.txt', 'alpha')], 'job');
		await lib.search({ workspaceId: ws.id, query: 'alpha', topK: 5 });
		const names = new Set((await lib.recentSpans(50)).map((s) => s.name));
		for (const name of ['import', 'import.file', 'chunking', 'indexing', 'search', 'index.load']) expect(names).toContain(name);
	});

	it('throws NOT_FOUND as an AssayError for an unknown document', async () => {
		const lib = service(new IDBFactory());
		await expect(lib.removeDocument('doc_missing')).rejects.toBeInstanceOf(AssayError);
	});
});
