import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import type { ImportFileInput } from '../../../src/lib/services/library-api.ts';
import { openAssayDb } from '../../../src/lib/storage/index.ts';

function file(relativePath: string, body: string): ImportFileInput {
	return { file: new Blob([body]), name: relativePath.split('/').pop()!, relativePath };
}

const FILES = ['a', 'b', 'c', 'd', 'e'].map((n) => file(`${n}.txt`, `file ${n} about ${n}${n}${n} things`));

const realPut = IDBObjectStore.prototype.put;

/**
 * A disk that fills up: after `documents` document writes, every put into a store other than
 * `settings` and `spans` (small records) throws the browser's `QuotaExceededError`.
 * `atStaging`: the disk is full for `pendingFiles` from the start instead.
 */
function fillDiskAfter(documents: number, atStaging = false): void {
	let documentPuts = 0;
	let full = false;
	IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
		if (this.name === 'documents' && ++documentPuts > documents) full = true;
		if ((full || (atStaging && this.name === 'pendingFiles')) && this.name !== 'settings' && this.name !== 'spans') {
			throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
		}
		return realPut.apply(this, args);
	} as IDBObjectStore['put'];
}

afterEach(() => {
	IDBObjectStore.prototype.put = realPut;
});

describe('import on a full disk', () => {
	it('ends the job at STORAGE_QUOTA: every remaining file is skipped and the job says it stopped and why', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const ws = await lib.createWorkspace('W');
		fillDiskAfter(2);
		const progress: string[] = [];
		const report = await lib.importFiles(ws.id, FILES, 'job', (p) =>
			progress.push(`${p.done}/${p.total} ${p.item.name} ${p.item.outcome}`)
		);
		expect(report.items.map((i) => [i.name, i.outcome, i.error?.code])).toEqual([
			['a.txt', 'added', undefined],
			['b.txt', 'added', undefined],
			['c.txt', 'skipped', 'STORAGE_QUOTA'],
			['d.txt', 'skipped', 'STORAGE_QUOTA'],
			['e.txt', 'skipped', 'STORAGE_QUOTA']
		]);
		expect(report.stopped).toMatchObject({ code: 'STORAGE_QUOTA' });
		expect(report.counts).toMatchObject({ added: 2, skipped: 3 });
		expect(progress).toEqual(['1/5 a.txt added', '2/5 b.txt added', '3/5 c.txt skipped', '4/5 d.txt skipped', '5/5 e.txt skipped']);
		// The documents stored before the disk filled are searchable.
		expect((await lib.search({ workspaceId: ws.id, query: 'aaa bbb', topK: 5 })).hits.map((h) => h.documentName).sort()).toEqual([
			'a.txt',
			'b.txt'
		]);
	});

	it('after a reload reports the job as stopped (not resumed) with the staged bytes it holds, until the user retries', async () => {
		const factory = new IDBFactory();
		const lib = createLibraryService({ idbFactory: factory });
		const ws = await lib.createWorkspace('W');
		fillDiskAfter(2);
		await lib.importFiles(ws.id, FILES, 'job');
		IDBObjectStore.prototype.put = realPut;

		const reloaded = createLibraryService({ idbFactory: factory });
		const [job] = await reloaded.pendingImports(ws.id);
		const stagedBytes = FILES.slice(2).reduce((n, f) => n + f.file.size, 0);
		expect(job).toMatchObject({ jobId: 'job', total: 5, done: 2, stagedBytes, stopped: { code: 'STORAGE_QUOTA' } });
		expect((await reloaded.listDocuments(ws.id)).map((d) => d.name)).toEqual(['a.txt', 'b.txt']);

		// Space was freed: the retry imports the rest and the job is gone.
		const retry = await reloaded.resumeImport(ws.id, 'job');
		expect(retry.stopped).toBeUndefined();
		expect(retry.items.map((i) => [i.name, i.outcome])).toEqual([
			['a.txt', 'added'],
			['b.txt', 'added'],
			['c.txt', 'added'],
			['d.txt', 'added'],
			['e.txt', 'added']
		]);
		expect(await reloaded.pendingImports(ws.id)).toEqual([]);
	});

	it('a retry on a still-full disk stops again and stays stopped', async () => {
		const factory = new IDBFactory();
		const lib = createLibraryService({ idbFactory: factory });
		const ws = await lib.createWorkspace('W');
		fillDiskAfter(2);
		await lib.importFiles(ws.id, FILES, 'job');
		const again = await lib.resumeImport(ws.id, 'job');
		expect(again.stopped).toMatchObject({ code: 'STORAGE_QUOTA' });
		expect(again.items.map((i) => i.outcome)).toEqual(['added', 'added', 'skipped', 'skipped', 'skipped']);
		expect(await lib.pendingImports(ws.id)).toEqual([
			expect.objectContaining({ stopped: expect.objectContaining({ code: 'STORAGE_QUOTA' }) })
		]);
	});

	it('discarding a stopped job deletes its staged bytes and keeps the documents already imported', async () => {
		const factory = new IDBFactory();
		const lib = createLibraryService({ idbFactory: factory });
		const ws = await lib.createWorkspace('W');
		fillDiskAfter(2);
		await lib.importFiles(ws.id, FILES, 'job');
		await lib.discardImport(ws.id, 'job');
		expect(await lib.pendingImports(ws.id)).toEqual([]);
		const store = await openAssayDb({ idbFactory: factory });
		expect(await store.pendingFiles.listJob('job')).toEqual([]);
		expect(await store.pendingFiles.get('job', 3)).toBeUndefined();
		expect((await lib.listDocuments(ws.id)).map((d) => d.name)).toEqual(['a.txt', 'b.txt']);
	});

	it('a disk full while staging gives every picked file its status instead of throwing', async () => {
		const factory = new IDBFactory();
		const lib = createLibraryService({ idbFactory: factory });
		const ws = await lib.createWorkspace('W');
		fillDiskAfter(Infinity, true);
		const report = await lib.importFiles(ws.id, FILES, 'job');
		expect(report.stopped).toMatchObject({ code: 'STORAGE_QUOTA' });
		expect(report.items.map((i) => [i.name, i.outcome, i.error?.code])).toEqual(FILES.map((f) => [f.name, 'skipped', 'STORAGE_QUOTA']));
		expect(await lib.pendingImports(ws.id)).toEqual([]);
	});
});
