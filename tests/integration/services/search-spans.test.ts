import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { loadVoyInNode } from '../../../src/lib/adapters/voy-node.ts';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import type { ImportFileInput, LibraryApi, SearchResponse } from '../../../src/lib/services/library-api.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';
import type { SpanRecord } from '../../../src/lib/tracing/types.ts';
import { MODELS_DIR } from '../embedding/fixture-models.ts';

const embedder = new TransformersEmbedder();
afterAll(async () => {
	await embedder.dispose();
});

const MODELS = {
	models: { source: { kind: 'local' as const, path: MODELS_DIR }, device: 'wasm' as const },
	embedding: { modelId: 'static-embed', dtype: 'fp32' as const, batchSize: 2 }
};

function file(relativePath: string, body: string): ImportFileInput {
	return { file: new Blob([body]), name: relativePath, relativePath };
}

const DOCS = [
	file('deploy.txt', 'deploy failed with error code ZX4471 on the server'),
	file('rollback.txt', 'a failed deploy is rolled back by the server team'),
	file('pets.txt', 'the puppy barked at the kennel and wagged its tail'),
	file('cooking.txt', 'bake the bread in a hot oven with flour butter and salt')
];

async function workspace(): Promise<{ lib: LibraryApi; workspaceId: string }> {
	const lib = createLibraryService({ idbFactory: new IDBFactory(), embedder, voyLoader: loadVoyInNode });
	const ws = await lib.createWorkspace('Spans', MODELS);
	await lib.importFiles(ws.id, DOCS, 'import');
	await lib.embedWorkspace(ws.id, 'embed');
	return { lib, workspaceId: ws.id };
}

async function searchRoot(lib: LibraryApi, response: SearchResponse): Promise<{ root: SpanRecord; spans: SpanRecord[] }> {
	const spans = await lib.traceSpans(response.traceId);
	const root = spans.find((s) => s.parentSpanId === null);
	if (!root) throw new Error('the search trace has no root span');
	return { root, spans };
}

const documentsOf = (root: SpanRecord) => JSON.parse(root.attributes['gen_ai.retrieval.documents'] as string) as Record<string, unknown>[];

describe('search spans recorded by the library worker', () => {
	it('store the query and the top hits with ranks, stage scores, titles and texts when content is captured', async () => {
		const { lib, workspaceId } = await workspace();
		const response = await lib.search({ workspaceId, query: 'failed deploy server', topK: 2, mode: 'hybrid' });
		expect(response.hits.map((h) => h.relativePath)).toEqual(['deploy.txt', 'rollback.txt']);
		const { root } = await searchRoot(lib, response);
		expect(root.name).toBe('search');
		expect(root.attributes['gen_ai.retrieval.query.text']).toBe('failed deploy server');
		expect(root.attributes['assay.content.captured']).toBeUndefined();
		const docs = documentsOf(root);
		expect(docs).toEqual(
			response.hits.map((h) => ({
				id: h.chunkId,
				document: h.documentId,
				title: h.documentName,
				rank: h.rank,
				score: h.score,
				scores: { bm25: h.explain!.lexical!.score, vector: h.explain!.dense!.score, fused: h.explain!.fused!.score },
				text: h.text
			}))
		);
		expect(docs.map((d) => [d.rank, d.text])).toEqual([
			[1, 'deploy failed with error code ZX4471 on the server'],
			[2, 'a failed deploy is rolled back by the server team']
		]);
		// The fused score is RRF over the two stages: 1/(k + rank) each (k = 60 by default).
		expect(docs[0]!.scores).toMatchObject({
			fused: 1 / (60 + response.hits[0]!.explain!.lexical!.rank) + 1 / (60 + response.hits[0]!.explain!.dense!.rank)
		});
	});

	it('store ids, ranks and scores only, marked not captured, when the workspace turned capture off', async () => {
		const { lib, workspaceId } = await workspace();
		await lib.setContentCapture(workspaceId, false);
		const response = await lib.search({ workspaceId, query: 'failed deploy server', topK: 2, mode: 'hybrid' });
		const { root, spans } = await searchRoot(lib, response);
		expect(root.attributes['gen_ai.retrieval.query.text']).toBeUndefined();
		expect(root.attributes['assay.content.captured']).toBe(false);
		expect(documentsOf(root)).toEqual(
			response.hits.map((h) => ({
				id: h.chunkId,
				document: h.documentId,
				rank: h.rank,
				score: h.score,
				scores: { bm25: h.explain!.lexical!.score, vector: h.explain!.dense!.score, fused: h.explain!.fused!.score }
			}))
		);
		expect(JSON.stringify(spans)).not.toContain('ZX4471');
		expect(spans.map((s) => [s.name, s.attributes['assay.content.captured']]).sort()).toEqual([
			['embed.query', false],
			['search', false],
			['vector.search', false]
		]);

		// Imports follow the choice too; turning it back on captures the next search again.
		const report = await lib.importFiles(workspaceId, [file('more.txt', 'another deploy note')], 'import-2');
		expect(report.counts.added).toBe(1);
		const importRoot = (await lib.allSpans()).find((s) => s.name === 'import' && s.attributes['assay.import.files'] === 1);
		expect(importRoot?.attributes['assay.content.captured']).toBe(false);
		await lib.setContentCapture(workspaceId, true);
		const again = await searchRoot(lib, await lib.search({ workspaceId, query: 'ZX4471', topK: 1 }));
		expect(again.root.attributes['gen_ai.retrieval.query.text']).toBe('ZX4471');
		expect(documentsOf(again.root)).toMatchObject([
			{ rank: 1, title: 'deploy.txt', text: 'deploy failed with error code ZX4471 on the server', scores: { bm25: expect.any(Number) } }
		]);
	});

	it('keep another workspace capturing when one turns capture off, and refuse a malformed choice', async () => {
		const { lib, workspaceId } = await workspace();
		const other = await lib.createWorkspace('Other');
		await lib.importFiles(other.id, [file('notes.txt', 'deploy notes for the server')], 'import-other');
		await lib.setContentCapture(workspaceId, false);
		const { root } = await searchRoot(lib, await lib.search({ workspaceId: other.id, query: 'deploy', topK: 3 }));
		expect(root.attributes['gen_ai.retrieval.query.text']).toBe('deploy');
		expect(documentsOf(root)).toMatchObject([
			{ rank: 1, title: 'notes.txt', text: 'deploy notes for the server', scores: { bm25: expect.any(Number) } }
		]);
		await expect(lib.setContentCapture(workspaceId, 'no' as unknown as boolean)).rejects.toThrow(AssayError);
	});
});
