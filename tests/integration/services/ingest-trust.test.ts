import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import { importReportJson } from '../../../src/lib/services/import-report.ts';
import { isReadableAsText } from '../../../src/lib/ingest/types.ts';
import type { ImportFileInput } from '../../../src/lib/services/library-api.ts';

const file = (relativePath: string, body: string | Uint8Array): ImportFileInput => ({
	file: new Blob([body as BlobPart]),
	name: relativePath.split('/').pop()!,
	relativePath
});

describe('hidden text in the import report (sec-02)', () => {
	it('makes the page ready-with-warnings and lists the hidden spans with excerpts in the exported report', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const ws = await lib.createWorkspace('W');
		const report = await lib.importFiles(
			ws.id,
			[file('policy.html', new Uint8Array(readFileSync('tests/fixtures/cases/sec-02-prompt-injection/input.html')))],
			'j'
		);
		expect(report.items[0]!.status).toBe('ready-with-warnings');
		const json = JSON.parse(importReportJson(report)) as { files: { warnings: { kind: string; count: number; excerpts: string[] }[] }[] };
		expect(json.files[0]!.warnings).toEqual([
			expect.objectContaining({
				kind: 'hidden-text-dropped',
				count: 2,
				excerpts: [expect.stringContaining('SYSTEM NOTE TO THE ASSISTANT'), expect.stringContaining('refunds@example.invalid')]
			})
		]);
		expect(
			(await lib.search({ workspaceId: ws.id, query: 'ORCHID-7731 refunds approved without receipt', topK: 5 })).hits
				.map((h) => h.text)
				.join(' ')
		).not.toMatch(/ORCHID|refunds@/);
	});
});

describe('files of unknown type and gzip files', () => {
	it('offers an extensionless text file "Read as text", which makes it a searchable plain-text document', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const ws = await lib.createWorkspace('W');
		const report = await lib.importFiles(
			ws.id,
			[file('notes/README', 'Zebra crossings are painted yearly.\n'), file('notes/blob.dat', new Uint8Array([0, 1, 2, 0, 0xff, 0, 3]))],
			'j'
		);
		expect(report.items.map((i) => i.status)).toEqual(['unsupported', 'unsupported']);
		const [readme, blob] = await lib
			.listDocuments(ws.id)
			.then((d) => [d.find((x) => x.name === 'README')!, d.find((x) => x.name === 'blob.dat')!]);
		expect([isReadableAsText(readme!), isReadableAsText(blob!)]).toEqual([true, false]);
		const item = await lib.readAsText(readme!.id);
		expect(item).toMatchObject({ outcome: 'replaced', status: 'ready', chunkCount: 1 });
		const docs = await lib.listDocuments(ws.id);
		expect(docs.find((d) => d.name === 'README')).toMatchObject({ status: 'ready', mediaType: 'text/plain', encoding: 'utf-8' });
		expect((await lib.search({ workspaceId: ws.id, query: 'zebra', topK: 1 })).hits[0]).toMatchObject({ documentName: 'README' });
		await expect(lib.readAsText(blob!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});

	it('imports notes.md.gz as Markdown and fails a damaged .gz alone', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const ws = await lib.createWorkspace('W');
		const gz = gzipSync(new TextEncoder().encode('# Notes\n\nThe heron nests by the weir.\n'));
		const report = await lib.importFiles(ws.id, [file('notes.md.gz', gz), file('broken.txt.gz', gz.subarray(0, gz.length - 3))], 'j');
		expect(report.items.map((i) => [i.name, i.status, i.error?.code])).toEqual([
			['notes.md.gz', 'ready', undefined],
			['broken.txt.gz', 'failed', 'FILE_GZIP_INVALID']
		]);
		expect((await lib.search({ workspaceId: ws.id, query: 'heron', topK: 1 })).hits[0]).toMatchObject({
			documentName: 'notes.md.gz',
			headingPath: ['Notes']
		});
	});
});
