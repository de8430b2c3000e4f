import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliBuiltinTools, datasetWorkspace, folderWorkspace } from '../../../src/cli/workspace-tools.ts';
import { loadBeirDataset } from '../../../src/cli/beir-files.ts';
import { defaultAppConfig } from '../../../src/lib/config/schema.ts';
import { runBm25 } from '../../../src/lib/evals/index.ts';
import { createAnalyzer } from '../../../src/lib/search/index.ts';

const CRANFIELD = 'tests/fixtures/datasets/cranfield';
const work = mkdtempSync(join(tmpdir(), 'assay-wstools-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ctx = { signal: new AbortController().signal };

describe('the CLI workspace over a BEIR dataset', () => {
	it('search_documents returns the same top-10 document ids as assay bm25 with its defaults, for 8 Cranfield queries', async () => {
		const { tools, workspace } = await cliBuiltinTools({ dataset: CRANFIELD });
		expect(workspace.description).toBe('dataset cranfield (1400 documents)');
		const dataset = loadBeirDataset(CRANFIELD);
		const queries = dataset.queries.filter((q) => dataset.qrels!.has(q.id)).slice(0, 8);
		const d = defaultAppConfig().bm25;
		const reference = await runBm25(dataset.corpus, queries, {
			params: { k1: d.k1, b: d.b },
			analyzer: createAnalyzer(d.analyzer),
			depth: 1000
		});
		const search = tools.find((t) => t.definition.name === 'search_documents')!;
		for (const [i, q] of queries.entries()) {
			const result = await search.run({ query: q.text, top_k: 10 }, ctx);
			const ids = (result.structured as { hits: { id: string }[] }).hits.map((h) => h.id);
			expect(ids).toEqual(reference.lists[i]!.hits.slice(0, 10).map((h) => h.id));
			expect(ids).toHaveLength(10);
		}
	});

	it('reads a document and its one chunk by the BEIR _id, and lists documents in corpus order', async () => {
		const { port } = datasetWorkspace(CRANFIELD);
		const doc = await port.readDocument('51');
		expect(doc?.title).toMatch(/\S/);
		expect(doc?.chunkCount).toBe(1);
		const chunk = await port.readChunk('51#0');
		expect(chunk).toMatchObject({ documentRef: '51', ordinal: 0, startOffset: 0, endOffset: doc!.text.length, text: doc!.text });
		expect(await port.readChunk('51#1')).toBeNull();
		expect(await port.readDocument('no-such-id')).toBeNull();
		const list = await port.listDocuments();
		expect(list).toHaveLength(1400);
		expect(list[0]!.documentRef).toBe('1');
	});

	it('restricts a search to the named documents', async () => {
		const { port } = datasetWorkspace(CRANFIELD);
		const all = await port.search({ query: 'boundary layer', topK: 10 });
		const wanted = [all[7]!.documentRef, all[9]!.documentRef];
		const hits = await port.search({ query: 'boundary layer', topK: 10, documentRefs: wanted });
		expect(hits.map((h) => h.documentRef)).toEqual(wanted);
	});
});

describe('the CLI workspace over a folder', () => {
	it('chunks the files as assay ingest does, searches chunks and reads the document text', async () => {
		const dir = join(work, 'notes');
		mkdirSync(join(dir, 'sub'), { recursive: true });
		writeFileSync(join(dir, 'leave.md'), '# Leave\n\nEmployees get 26 days of annual leave.\n');
		writeFileSync(join(dir, 'sub', 'overtime.txt'), 'Overtime must be approved by the team lead.');
		writeFileSync(join(dir, 'data.bin'), new Uint8Array([0, 1, 2, 3, 0, 0, 0]));
		const ws = await folderWorkspace(dir);
		expect(ws.description).toBe('folder notes (2 documents, 2 chunks)');
		expect(ws.files!.map((f) => [f.path, f.status])).toEqual([
			['notes/data.bin', 'unsupported'],
			['notes/leave.md', 'ready'],
			['notes/sub/overtime.txt', 'ready']
		]);
		const hits = await ws.port.search({ query: 'annual leave', topK: 5 });
		expect(hits.map((h) => [h.documentRef, h.chunkId, h.title])).toEqual([['notes/leave.md', 'notes/leave.md#0', 'leave.md']]);
		expect((await ws.port.readDocument('notes/leave.md'))?.text).toBe('# Leave\n\nEmployees get 26 days of annual leave.\n');
		expect((await ws.port.readChunk('notes/sub/overtime.txt#0'))?.text).toBe('Overtime must be approved by the team lead.');
		expect((await ws.port.listDocuments()).map((d) => d.documentRef)).toEqual(['notes/leave.md', 'notes/sub/overtime.txt']);
	});
});
