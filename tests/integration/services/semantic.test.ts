import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { TransformersReranker } from '../../../src/lib/adapters/transformers-reranker.ts';
import { loadVoyInNode } from '../../../src/lib/adapters/voy-node.ts';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import type { ImportFileInput, LibraryApi } from '../../../src/lib/services/library-api.ts';
import { MODELS_DIR } from '../embedding/fixture-models.ts';
import { waitUntil } from '../../support/wait.ts';

const embedder = new TransformersEmbedder();
const reranker = new TransformersReranker();
afterAll(async () => {
	await embedder.dispose();
	await reranker.dispose();
});

const MODELS = {
	models: { source: { kind: 'local' as const, path: MODELS_DIR }, device: 'wasm' as const },
	embedding: { modelId: 'static-embed', dtype: 'fp32' as const, batchSize: 2 },
	rerank: { enabled: true, modelId: 'static-reranker', dtype: 'fp32' as const }
};

function file(relativePath: string, body: string): ImportFileInput {
	return { file: new Blob([body]), name: relativePath, relativePath };
}

const DOCS = [
	file('pets.txt', 'the puppy barked at the kennel and wagged its tail'),
	file('cooking.txt', 'bake the bread in a hot oven with flour butter and salt'),
	file('finance.txt', 'stock prices fell and investors lost money at the bank'),
	file('deploy.txt', 'deploy failed with error code ZX4471 on the server')
];

/** The status once the background load has finished. */
async function settledStatus(lib: LibraryApi, workspaceId: string) {
	let status = await lib.semanticStatus(workspaceId);
	await waitUntil(async () => (status = await lib.semanticStatus(workspaceId)).state !== 'loading', 'the background vector load to settle');
	return status;
}

function service(factory: IDBFactory): LibraryApi {
	return createLibraryService({ idbFactory: factory, embedder, reranker, voyLoader: loadVoyInNode });
}

async function embeddedWorkspace() {
	const factory = new IDBFactory();
	const lib = service(factory);
	const ws = await lib.createWorkspace('Semantic', MODELS);
	await lib.importFiles(ws.id, DOCS, 'import');
	await lib.embedWorkspace(ws.id, 'embed');
	return { factory, lib, ws };
}

describe('semantic search in the library service', () => {
	it('embeds every chunk in batches with progress, on the exact scan of the auto index, recording the backend', async () => {
		const factory = new IDBFactory();
		const lib = service(factory);
		const ws = await lib.createWorkspace('Semantic', MODELS);
		await lib.importFiles(ws.id, DOCS, 'import');
		expect(await settledStatus(lib, ws.id)).toMatchObject({ state: 'none', pendingChunks: 4 });
		const seen: number[] = [];
		const report = await lib.embedWorkspace(ws.id, 'embed', (p) => seen.push(p.done));
		expect(report).toMatchObject({ embedded: 4, backend: 'cpu' });
		expect(seen).toEqual([0, 2, 4]);
		expect(await lib.semanticStatus(ws.id)).toMatchObject({
			state: 'ready',
			indexKind: 'exact',
			dims: 48,
			vectorCount: 4,
			pendingChunks: 0,
			backends: ['cpu']
		});
	});

	it('finds the on-topic chunk that shares no word with the query in dense mode', async () => {
		const { lib, ws } = await embeddedWorkspace();
		const response = await lib.search({ workspaceId: ws.id, query: 'dog', topK: 2, mode: 'dense' });
		expect(response.hits[0]?.relativePath).toBe('pets.txt');
		expect(response.hits[0]?.explain).toMatchObject({ lexical: null, dense: { rank: 1 }, finalRank: 1 });
		expect(response.embeddingBackend).toBe('cpu');
	});

	it('keeps the identifier match first in hybrid + rerank and explains every stage', async () => {
		const { lib, ws } = await embeddedWorkspace();
		const response = await lib.search({ workspaceId: ws.id, query: 'recipe dinner', topK: 2, mode: 'hybrid-rerank' });
		expect(response.hits[0]?.relativePath).toBe('cooking.txt');
		expect(response.hits[0]?.explain?.rerank?.score).toBeGreaterThan(0.5);
		expect(response.stages?.fused?.length).toBeGreaterThan(0);
		const code = await lib.search({ workspaceId: ws.id, query: 'ZX4471', topK: 2, mode: 'hybrid' });
		expect(code.hits[0]?.relativePath).toBe('deploy.txt');
		expect(code.hits[0]?.explain).toMatchObject({ lexical: { rank: 1 }, fused: { rank: 1 } });
	});

	it('fuses with the workspace fusion configuration, and with the one a search names instead', async () => {
		const lib = service(new IDBFactory());
		const ws = await lib.createWorkspace('Fusion', {
			...MODELS,
			retrieval: { fusion: { method: 'combsum', weights: { lexical: 0, dense: 1 } } }
		});
		await lib.importFiles(ws.id, DOCS, 'import');
		await lib.embedWorkspace(ws.id, 'embed');
		const ids = (l: readonly { id: string }[] | null | undefined) => (l ?? []).map((h) => h.id);
		const denseOnly = await lib.search({ workspaceId: ws.id, query: 'bread oven error code ZX4471', topK: 4, mode: 'hybrid' });
		expect(ids(denseOnly.stages?.lexical).length).toBeGreaterThan(0);
		expect(ids(denseOnly.stages?.fused)).toEqual(ids(denseOnly.stages?.dense));
		const lexicalOnly = await lib.search({
			workspaceId: ws.id,
			query: 'bread oven error code ZX4471',
			topK: 4,
			mode: 'hybrid',
			fusion: { method: 'weighted-rrf', weights: { lexical: 1, dense: 0 } }
		});
		expect(ids(lexicalOnly.stages?.fused)).toEqual(ids(lexicalOnly.stages?.lexical));
	});

	it('tells the caller when a hybrid + rerank search reaches the cross-encoder, and only then', async () => {
		const { lib, ws } = await embeddedWorkspace();
		const stages: string[] = [];
		await lib.search({ workspaceId: ws.id, query: 'recipe dinner', topK: 2, mode: 'hybrid' }, (s) => stages.push(s));
		expect(stages).toEqual([]);
		await lib.search({ workspaceId: ws.id, query: 'recipe dinner', topK: 2, mode: 'hybrid-rerank' }, (s) => stages.push(s));
		expect(stages).toEqual(['reranking']);
	});

	it('counts the chunks of a re-imported (changed) document as pending and embeds only them', async () => {
		const { lib, ws } = await embeddedWorkspace();
		await lib.importFiles(ws.id, [file('pets.txt', 'the kitten purrs and sleeps with whiskers')], 'again');
		expect(await settledStatus(lib, ws.id)).toMatchObject({ vectorCount: 3, pendingChunks: 1 });
		expect(await lib.embedWorkspace(ws.id, 'changed')).toMatchObject({ embedded: 1 });
		const response = await lib.search({ workspaceId: ws.id, query: 'cat', topK: 1, mode: 'dense' });
		expect(response.hits[0]?.text).toContain('kitten');
	});

	it('refuses hybrid + rerank while the reranker is switched off', async () => {
		const { lib, ws } = await embeddedWorkspace();
		await lib.updateWorkspaceConfig(ws.id, { ...MODELS, rerank: { ...MODELS.rerank, enabled: false } });
		await expect(lib.search({ workspaceId: ws.id, query: 'dog', topK: 1, mode: 'hybrid-rerank' })).rejects.toMatchObject({
			code: 'SEARCH_MODE_UNAVAILABLE',
			message: expect.stringContaining('switched off')
		});
	});

	it('reopens with the stored vectors, without re-embedding', async () => {
		const { factory, ws } = await embeddedWorkspace();
		const reopened = service(factory);
		expect(await reopened.semanticStatus(ws.id)).toMatchObject({ state: 'loading' });
		const response = await reopened.search({ workspaceId: ws.id, query: 'dog', topK: 1, mode: 'dense' });
		expect(response.hits[0]?.relativePath).toBe('pets.txt');
		expect(await reopened.semanticStatus(ws.id)).toMatchObject({ state: 'ready', vectorCount: 4, pendingChunks: 0 });
	});

	it('re-embeds instead of mixing vectors when the workspace changes its embedding model', async () => {
		const { lib, ws } = await embeddedWorkspace();
		await lib.updateWorkspaceConfig(ws.id, { ...MODELS, embedding: { ...MODELS.embedding, modelId: 'tiny-bert-embed' } });
		await lib.semanticStatus(ws.id);
		await expect(lib.search({ workspaceId: ws.id, query: 'dog', topK: 1, mode: 'dense' })).rejects.toMatchObject({
			code: 'SEARCH_MODE_UNAVAILABLE'
		});
		const report = await lib.embedWorkspace(ws.id, 'again');
		expect(report).toMatchObject({ embedded: 4, deletedOtherModels: 4 });
		expect(await lib.semanticStatus(ws.id)).toMatchObject({ dims: 64, vectorCount: 4 });
	});

	it('resumes a cancelled embedding job where it stopped', async () => {
		const factory = new IDBFactory();
		const lib = service(factory);
		const ws = await lib.createWorkspace('Semantic', MODELS);
		await lib.importFiles(ws.id, DOCS, 'import');
		await expect(lib.embedWorkspace(ws.id, 'job', (p) => p.done === 2 && void lib.cancelEmbedding('job'))).rejects.toMatchObject({
			code: 'EMBEDDING_CANCELLED'
		});
		expect(await lib.semanticStatus(ws.id)).toMatchObject({ vectorCount: 2, pendingChunks: 2 });
		expect(await lib.embedWorkspace(ws.id, 'job2')).toMatchObject({ embedded: 2 });
	});

	it('never returns a document the query’s user may not see, in any mode', async () => {
		const { lib, ws } = await embeddedWorkspace();
		const pets = (await lib.listDocuments(ws.id)).find((d) => d.relativePath === 'pets.txt')!;
		await lib.setDocumentAccess(ws.id, pets.id, { users: ['alice'], groups: [] });
		for (const mode of ['lexical', 'dense', 'hybrid', 'hybrid-rerank'] as const) {
			const response = await lib.search({ workspaceId: ws.id, query: 'dog puppy', topK: 4, mode, runAs: { user: 'bob', groups: [] } });
			const everything = [
				...response.hits.map((h) => h.chunkId),
				...Object.values(response.stages ?? {}).flatMap((s) => (s ?? []).map((h: { id: string }) => h.id))
			];
			expect(everything.some((id) => id.startsWith(pets.id))).toBe(false);
		}
		expect(await lib.documentAccess(ws.id)).toEqual({ [pets.id]: { users: ['alice'], groups: [] } });
		const asAlice = await lib.search({
			workspaceId: ws.id,
			query: 'dog puppy',
			topK: 1,
			mode: 'hybrid',
			runAs: { user: 'alice', groups: [] }
		});
		expect(asAlice.hits[0]?.documentId).toBe(pets.id);
	});

	it('forgets a deleted workspace’s access lists', async () => {
		const { lib, ws } = await embeddedWorkspace();
		const [doc] = await lib.listDocuments(ws.id);
		await lib.setDocumentAccess(ws.id, doc!.id, { users: [], groups: ['hr'] });
		await lib.deleteWorkspace(ws.id);
		expect(await lib.documentAccess(ws.id)).toEqual({});
	});
});
