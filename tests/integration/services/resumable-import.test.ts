import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createNodeParserRegistry } from '../../../src/lib/adapters/parsers.ts';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import type { ImportFileInput } from '../../../src/lib/services/library-api.ts';
import type { ParseService } from '../../../src/lib/ingest/parsers/types.ts';
import { openAssayDb } from '../../../src/lib/storage/index.ts';
import { waitUntil } from '../../support/wait.ts';

function file(relativePath: string, body: string): ImportFileInput {
	return { file: new Blob([body]), name: relativePath.split('/').pop()!, relativePath };
}

const FILES = [file('a.txt', 'alpha apples'), file('b.txt', 'bravo bananas'), file('c.txt', 'charlie cherries')];

/** Parses normally, but never finishes the file named `hangOn`: the tab "dies" there. */
function hangingParser(hangOn: string): ParseService {
	const real = createNodeParserRegistry();
	return { parse: (input, timeoutMs) => (input.name === hangOn ? new Promise(() => undefined) : real.parse(input, timeoutMs)) };
}

/** Waits (bounded, failing loudly) until the tab's background import reaches `check`. */
function waitFor(check: () => Promise<boolean>): Promise<void> {
	return waitUntil(check, 'the background import to reach the awaited state');
}

describe('resumable import', () => {
	it('stores the picked files before processing and lists the interrupted job', async () => {
		const factory = new IDBFactory();
		const first = createLibraryService({ idbFactory: factory, parser: hangingParser('b.txt') });
		const ws = await first.createWorkspace('W');
		void first.importFiles(ws.id, FILES, 'job-1');
		await waitFor(async () => (await first.listDocuments(ws.id)).length === 1);

		const reopened = createLibraryService({ idbFactory: factory });
		await waitFor(async () => (await reopened.pendingImports(ws.id))[0]?.done === 1);
		expect(await reopened.pendingImports(ws.id)).toEqual([expect.objectContaining({ jobId: 'job-1', total: 3, staged: 3, done: 1 })]);
	});

	it('resumes without picking again, keeps finished files and stores nothing twice', async () => {
		const factory = new IDBFactory();
		const first = createLibraryService({ idbFactory: factory, parser: hangingParser('b.txt') });
		const ws = await first.createWorkspace('W');
		void first.importFiles(ws.id, FILES, 'job-1');
		await waitFor(async () => (await first.listDocuments(ws.id)).length === 1);

		const reopened = createLibraryService({ idbFactory: factory });
		const report = await reopened.resumeImport(ws.id, 'job-1');
		expect(report.items.map((i) => [i.name, i.outcome])).toEqual([
			['a.txt', 'added'],
			['b.txt', 'added'],
			['c.txt', 'added']
		]);
		expect((await reopened.listDocuments(ws.id)).map((d) => d.name)).toEqual(['a.txt', 'b.txt', 'c.txt']);
		expect(await reopened.pendingImports(ws.id)).toEqual([]);
		const hits = (await reopened.search({ workspaceId: ws.id, query: 'alpha bravo charlie', topK: 10 })).hits;
		expect(hits.map((h) => h.documentName).sort()).toEqual(['a.txt', 'b.txt', 'c.txt']);
	});

	it('treats a file saved just before the crash, but not yet marked done, as unchanged', async () => {
		const factory = new IDBFactory();
		const lib = createLibraryService({ idbFactory: factory });
		const ws = await lib.createWorkspace('W');
		await lib.importFiles(ws.id, [FILES[0]!], 'done-job');
		const store = await openAssayDb({ idbFactory: factory });
		await store.pendingFiles.put({
			jobId: 'job-2',
			ordinal: 0,
			total: 1,
			workspaceId: ws.id,
			name: 'a.txt',
			relativePath: 'a.txt',
			sizeBytes: 12,
			bytes: new TextEncoder().encode('alpha apples'),
			createdAtMs: 1
		});
		const report = await lib.resumeImport(ws.id, 'job-2');
		expect(report.items.map((i) => i.outcome)).toEqual(['unchanged']);
		const docs = await lib.listDocuments(ws.id);
		expect(docs).toHaveLength(1);
		expect((await store.chunks.listByDocument(docs[0]!.id)).length).toBe(docs[0]!.chunkCount);
		store.close();
	});
});

describe('re-decoding a document with an uncertain encoding', () => {
	it('keeps the raw bytes and replaces the text with the encoding the user picks', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const ws = await lib.createWorkspace('W');
		const bytes = new Uint8Array([0x93, 0x4e, 0x61, 0xef, 0x76, 0x65, 0x94, 0x20, 0x63, 0x61, 0x66, 0xe9]); // “Naïve” café in windows-1252
		const report = await lib.importFiles(ws.id, [{ file: new Blob([bytes]), name: 'w.txt', relativePath: 'w.txt' }], 'j');
		expect(report.items[0]!.status).toBe('ready-with-warnings');
		const doc = (await lib.listDocuments(ws.id))[0]!;
		expect(doc.encodingCandidates!.map((c) => c.encoding)).toContain('windows-1252');
		const item = await lib.redecodeDocument(doc.id, 'windows-1252');
		expect(item).toMatchObject({ outcome: 'replaced', status: 'ready' });
		const after = await lib.listDocuments(ws.id);
		expect(after.map((d) => [d.encoding, d.status, d.encodingCandidates])).toEqual([['windows-1252', 'ready', undefined]]);
		expect((await lib.documentView(after[0]!.id)).text).toBe('“Naïve” café');
	});

	it('refuses an encoding that cannot decode the bytes and leaves the document as it was', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const ws = await lib.createWorkspace('W');
		const bytes = new Uint8Array([0x93, 0x4e, 0x61, 0xef, 0x76, 0x65, 0x94, 0x20, 0x63, 0x61, 0x66, 0xe9]);
		await lib.importFiles(ws.id, [{ file: new Blob([bytes]), name: 'w.txt', relativePath: 'w.txt' }], 'j');
		const doc = (await lib.listDocuments(ws.id))[0]!;
		expect(await lib.redecodeDocument(doc.id, 'utf-8')).toMatchObject({ outcome: 'failed', error: { code: 'FILE_ENCODING' } });
		expect(await lib.listDocuments(ws.id)).toEqual([doc]);
	});
});

describe('a file that throws unexpectedly', () => {
	it('fails alone with its reason and the job finishes (no pending job left to block reopening)', async () => {
		const real = createNodeParserRegistry();
		const parser: ParseService = {
			parse: (input, t) => (input.name === 'b.txt' ? Promise.reject(new TypeError('parser bug')) : real.parse(input, t))
		};
		const lib = createLibraryService({ idbFactory: new IDBFactory(), parser });
		const ws = await lib.createWorkspace('W');
		const report = await lib.importFiles(ws.id, FILES, 'job');
		expect(report.items.map((i) => [i.name, i.outcome])).toEqual([
			['a.txt', 'added'],
			['b.txt', 'failed'],
			['c.txt', 'added']
		]);
		expect(report.items[1]!.error!.message).toContain('parser bug');
		expect(await lib.pendingImports(ws.id)).toEqual([]);
	});
});
