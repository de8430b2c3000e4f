import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import type { ImportFileInput } from '../../../src/lib/services/library-api.ts';
import { flow, makeDocx, makePdf, makeZipBomb } from '../../support/ingest-fixtures.ts';

function file(relativePath: string, body: string | Uint8Array): ImportFileInput {
	return { file: new Blob([body as BlobPart]), name: relativePath.split('/').pop()!, relativePath };
}

async function mixedFolder(): Promise<ImportFileInput[]> {
	return [
		file(
			'f/report.pdf',
			await makePdf([
				flow(72, 700, ['The quarterly turbine inspection found no cracks.']),
				flow(72, 700, ['Page two mentions the gearbox.'])
			])
		),
		file('f/scan.pdf', await makePdf([[]])),
		file('f/handbook.docx', await makeDocx([{ h1: 'Handbook' }, { p: 'Visitors park on level B2.' }])),
		file(
			'f/page.html',
			'<html><head><title>FAQ</title><script>secretScript()</script></head><body><p>Bicycles go in the courtyard rack.</p></body></html>'
		),
		file('f/parts.csv', 'sku,name\nA-1,copper flange\nA-2,brass valve\n'),
		file('f/events.jsonl', '{"event":"glacier melt"}\n{broken\n'),
		file('f/util.py', 'def levenshtein(a, b):\n    return 0\n'),
		file('f/sjis.txt', new Uint8Array(readFileSync('tests/fixtures/cases/enc-01-legacy-encodings/input-shift_jis.txt'))),
		file('f/bomb.docx', await makeZipBomb(10_000_000)),
		file('f/archive.xyz', 'whatever')
	];
}

describe('importing a folder of mixed formats', () => {
	it('gives every file its status, and only the broken ones fail', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const ws = await lib.createWorkspace('Mixed', { ingest: { maxInflatedBytes: 1_000_000 } });
		const report = await lib.importFiles(ws.id, await mixedFolder(), 'job');
		const status = Object.fromEntries(report.items.map((i) => [i.name, i.status ?? i.outcome]));
		expect(status).toEqual({
			'report.pdf': 'ready',
			'scan.pdf': 'needs-ocr',
			'handbook.docx': 'ready',
			'page.html': 'ready',
			'parts.csv': 'ready',
			'events.jsonl': 'ready-with-warnings',
			'util.py': 'ready',
			'sjis.txt': 'ready',
			'bomb.docx': 'failed',
			'archive.xyz': 'unsupported'
		});
		expect(report.items.find((i) => i.name === 'bomb.docx')!.error!.code).toBe('FILE_ZIP_LIMIT');
		expect(report.statusCounts).toEqual({ ready: 6, 'ready-with-warnings': 1, 'needs-ocr': 1, failed: 1, unsupported: 1 });
	});

	it('finds a search hit in each readable format, with the PDF page for citations', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const ws = await lib.createWorkspace('Mixed', { ingest: { maxInflatedBytes: 1_000_000 } });
		await lib.importFiles(ws.id, await mixedFolder(), 'job');
		const top = async (query: string) => (await lib.search({ workspaceId: ws.id, query, topK: 1 })).hits[0];
		expect(await top('gearbox')).toMatchObject({ documentName: 'report.pdf', pageStart: 2, pageEnd: 2 });
		expect((await top('B2 visitors'))!.documentName).toBe('handbook.docx');
		expect((await top('bicycles courtyard'))!.documentName).toBe('page.html');
		expect(await top('brass valve')).toMatchObject({ documentName: 'parts.csv', text: expect.stringMatching(/^sku \| name\n/) });
		expect(await top('glacier')).toMatchObject({ documentName: 'events.jsonl', headingPath: ['line 1'] });
		expect(await top('levenshtein')).toMatchObject({ documentName: 'util.py', headingPath: ['levenshtein'] });
		expect((await top('検索インデックス'))!.documentName).toBe('sjis.txt');
		expect(await top('secretScript')).toBeUndefined();
	});

	it('records the detected encoding, language and page count on the documents', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const ws = await lib.createWorkspace('Mixed', { ingest: { maxInflatedBytes: 1_000_000 } });
		await lib.importFiles(ws.id, await mixedFolder(), 'job');
		const docs = Object.fromEntries((await lib.listDocuments(ws.id)).map((d) => [d.name, d]));
		expect(docs['sjis.txt']!.encoding).toBe('shift_jis');
		expect(docs['util.py']!.language).toBe('python');
		expect(docs['report.pdf']!.pageCount).toBe(2);
		expect(docs['scan.pdf']!.chunkCount).toBe(0);
	});

	it('re-chunks a table with its structure when the chunk size changes', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const ws = await lib.createWorkspace('T');
		const rows = Array.from({ length: 30 }, (_, i) => `R-${i},item number ${i}`).join('\n');
		await lib.importFiles(ws.id, [file('t.csv', `sku,name\n${rows}\n`)], 'job');
		await lib.updateWorkspaceConfig(ws.id, { chunking: { chunkSizeChars: 120, chunkOverlapChars: 0 } });
		const hits = (await lib.search({ workspaceId: ws.id, query: 'R-29', topK: 1 })).hits;
		expect(hits[0]!.text.startsWith('sku | name\n')).toBe(true);
		expect(hits[0]!.text.length).toBeLessThanOrEqual(120);
	});
});
