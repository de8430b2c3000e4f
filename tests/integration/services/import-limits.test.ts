import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createLibraryService, createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import type { ImportFileInput } from '../../../src/lib/services/library-api.ts';
import type { ChunkRecord, DocumentRecord } from '../../../src/lib/ingest/types.ts';

function file(relativePath: string, body: string): ImportFileInput {
	return { file: new Blob([body]), name: relativePath.split('/').pop()!, relativePath };
}

/** A JSON object with `keys` keys: the JSON parser makes one record (unit) per key. */
function manyKeys(keys: number): string {
	const parts: string[] = [];
	for (let i = 0; i < keys; i++) parts.push(`"key${i}":"value number ${i}"`);
	return `{${parts.join(',')}}`;
}

/** A fake monotonic clock, milliseconds; `tick` is added on every read. */
function fakeClock(tick = 0): { now: () => number; advance: (ms: number) => void } {
	let t = 0;
	return {
		now: () => {
			t += tick;
			return t;
		},
		advance: (ms) => {
			t += ms;
		}
	};
}

const LONG = Array.from({ length: 300 }, (_, i) => `Sentence number ${i} talks about zebras.`).join(' ');

describe('import limits', () => {
	it('fails a JSON file with too many keys with DOCUMENT_TOO_MANY_CHUNKS, and the next file is ready', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const ws = await lib.createWorkspace('W', { ingest: { maxChunksPerDocument: 1000 } });
		const report = await lib.importFiles(
			ws.id,
			[file('huge.json', manyKeys(50_000)), file('after.txt', 'the normal file after it')],
			'job'
		);
		const [huge, after] = report.items;
		expect(huge).toMatchObject({ outcome: 'failed', status: 'failed', error: { code: 'DOCUMENT_TOO_MANY_CHUNKS' } });
		expect(huge!.error!.message).toContain('huge.json');
		expect(huge!.error!.message).toContain('1000');
		expect(huge!.error!.message).toContain('50000');
		expect(after).toMatchObject({ outcome: 'added', status: 'ready' });
		const docs = await lib.listDocuments(ws.id);
		expect(docs.find((d) => d.name === 'huge.json')).toMatchObject({
			status: 'failed',
			chunkCount: 0,
			error: { code: 'DOCUMENT_TOO_MANY_CHUNKS' }
		});
		expect((await lib.search({ workspaceId: ws.id, query: 'value number', topK: 5 })).hits).toEqual([]);
		expect((await lib.search({ workspaceId: ws.id, query: 'normal', topK: 5 })).hits.map((h) => h.documentName)).toEqual(['after.txt']);
	});

	it('counts chunking against the per-file budget, not only the parse', async () => {
		// Every clock read costs 1 ms: chunking 300 small chunks outlasts a 100 ms budget.
		const clock = fakeClock(1);
		const lib = createLibraryService({ idbFactory: new IDBFactory(), clock: clock.now });
		const ws = await lib.createWorkspace('W', { chunking: { chunkSizeChars: 50, chunkOverlapChars: 0 }, ingest: { fileTimeoutMs: 100 } });
		const report = await lib.importFiles(ws.id, [file('slow.txt', LONG), file('next.txt', 'quick file')], 'job');
		expect(report.items[0]).toMatchObject({
			outcome: 'failed',
			status: 'failed',
			error: { code: 'FILE_IMPORT_TIMEOUT', details: { stage: 'chunking', fileTimeoutMs: 100 } }
		});
		expect(report.items[1]).toMatchObject({ outcome: 'added', status: 'ready' });
	});

	it('counts storing against the per-file budget: a slow store leaves nothing of the file stored', async () => {
		const clock = fakeClock();
		const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory(), clock: clock.now });
		const ws = await api.createWorkspace('W', { ingest: { fileTimeoutMs: 1000 } });
		const store = await internals.store();
		const save = store.documents.save.bind(store.documents);
		store.documents.save = async (input) => {
			const out = await save(input);
			if (input.document.name === 'slow.txt') clock.advance(5000);
			return out;
		};
		const report = await api.importFiles(ws.id, [file('slow.txt', 'zebras graze slowly'), file('next.txt', 'quick file')], 'job');
		expect(report.items[0]).toMatchObject({ outcome: 'failed', error: { code: 'FILE_IMPORT_TIMEOUT', details: { stage: 'storing' } } });
		expect(report.items[1]).toMatchObject({ outcome: 'added', status: 'ready' });
		const docs = await api.listDocuments(ws.id);
		expect(docs.map((d) => [d.name, d.status])).toEqual([
			['next.txt', 'ready'],
			['slow.txt', 'failed']
		]);
		expect(await store.chunks.listByDocument(docs[1]!.id)).toEqual([]);
		expect((await api.search({ workspaceId: ws.id, query: 'zebras', topK: 5 })).hits).toEqual([]);
	});

	it('counts indexing against the per-file budget: the index keeps no chunk of a file that ran out of time', async () => {
		const clock = fakeClock();
		const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory(), clock: clock.now });
		const ws = await api.createWorkspace('W', { ingest: { fileTimeoutMs: 1000 } });
		const index = await internals.workspaceIndex(ws.id);
		const add = index.addDocument.bind(index);
		index.addDocument = (doc: DocumentRecord, chunks: readonly ChunkRecord[], onChunk?: () => void) => {
			if (doc.name === 'slow.txt') clock.advance(5000);
			add(doc, chunks, onChunk);
		};
		const report = await api.importFiles(ws.id, [file('slow.txt', 'zebras graze slowly'), file('next.txt', 'quick file')], 'job');
		expect(report.items[0]).toMatchObject({ outcome: 'failed', error: { code: 'FILE_IMPORT_TIMEOUT', details: { stage: 'indexing' } } });
		expect(report.items[1]).toMatchObject({ outcome: 'added', status: 'ready' });
		expect((await api.search({ workspaceId: ws.id, query: 'zebras', topK: 5 })).hits).toEqual([]);
		expect((await api.openWorkspace(ws.id)).chunkCount).toBe(1);
		const slow = (await api.listDocuments(ws.id)).find((d) => d.name === 'slow.txt');
		expect(slow).toMatchObject({ status: 'failed', chunkCount: 0 });
	});
});
