import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import type { ImportFileInput, LibraryApi } from '../../../src/lib/services/library-api.ts';
import { openAssayDb } from '../../../src/lib/storage/index.ts';
import { MODELS_DIR } from '../embedding/fixture-models.ts';
import { waitUntil } from '../../support/wait.ts';

const embedder = new TransformersEmbedder();
afterAll(() => embedder.dispose());

const config = (vectorIndex: 'hnsw' | 'exact') => ({
	models: { source: { kind: 'local' as const, path: MODELS_DIR }, device: 'wasm' as const },
	embedding: { modelId: 'static-embed', dtype: 'fp32' as const, batchSize: 8, vectorIndex },
	rerank: { enabled: false }
});

const file = (relativePath: string, body: string): ImportFileInput => ({ file: new Blob([body]), name: relativePath, relativePath });
const TOPICS = ['puppy barked kennel tail', 'bread oven flour butter', 'stock prices investors bank', 'deploy server error code'];
// Each document mixes its topic with a growing share of the next one, so no two vectors are equal.
const DOCS = Array.from({ length: 24 }, (_, i) =>
	file(`d${i}.txt`, `${TOPICS[i % 4]} ${`${TOPICS[(i + 1) % 4]!.split(' ')[1]} `.repeat(1 + Math.floor(i / 4))}`)
);

async function linkedStatus(lib: LibraryApi, workspaceId: string) {
	let status = await lib.semanticStatus(workspaceId);
	await waitUntil(async () => {
		status = await lib.semanticStatus(workspaceId);
		return status.graph !== null && status.graph.pending === 0 && !status.graph.linking && status.graph.recallAt10 !== null;
	}, 'the HNSW graph to be linked and measured');
	return status;
}

describe('the HNSW vector index in the library service', () => {
	it('links the graph in the background, measures its recall, stores it, and a reload restores it without relinking', async () => {
		const factory = new IDBFactory();
		const lib = createLibraryService({ idbFactory: factory, embedder });
		const ws = await lib.createWorkspace('Graph', config('hnsw'));
		await lib.importFiles(ws.id, DOCS, 'import');
		await lib.embedWorkspace(ws.id, 'embed');
		const status = await linkedStatus(lib, ws.id);
		expect(status).toMatchObject({ indexKind: 'hnsw', vectorCount: 24 });
		expect(status.graph).toMatchObject({ linked: 24, pending: 0, recallAt10: 1, sampleQueries: 50, restored: false });
		const before = await lib.search({ workspaceId: ws.id, query: 'oven bread', topK: 5, mode: 'dense' });

		const store = await openAssayDb({ idbFactory: factory });
		const stored = await store.indexState.get(ws.id, 'hnsw');
		store.close();
		expect(stored?.snapshot).toMatchObject({ version: 1, ids: expect.arrayContaining([expect.stringContaining('#')]) });

		const reopened = createLibraryService({ idbFactory: factory, embedder });
		const again = await linkedStatus(reopened, ws.id);
		expect(again.graph).toMatchObject({ linked: 24, pending: 0, restored: true, recallAt10: 1 });
		const after = await reopened.search({ workspaceId: ws.id, query: 'oven bread', topK: 5, mode: 'dense' });
		expect(after.hits.map((h) => [h.chunkId, h.score])).toEqual(before.hits.map((h) => [h.chunkId, h.score]));
	});

	it('returns the same dense hits and similarities as the exact scan', async () => {
		const results: unknown[] = [];
		for (const kind of ['hnsw', 'exact'] as const) {
			const lib = createLibraryService({ idbFactory: new IDBFactory(), embedder });
			const ws = await lib.createWorkspace(kind, config(kind));
			await lib.importFiles(ws.id, DOCS, 'import');
			await lib.embedWorkspace(ws.id, 'embed');
			if (kind === 'hnsw') await linkedStatus(lib, ws.id);
			const response = await lib.search({ workspaceId: ws.id, query: 'investors bank', topK: 6, mode: 'dense' });
			const scores = response.hits.map((h) => h.score);
			expect(new Set(scores).size).toBe(scores.length); // no ties, whose order would follow chunk ids
			results.push(response.hits.map((h) => [h.relativePath, h.score]));
		}
		expect(results[0]).toEqual(results[1]);
	});
});
