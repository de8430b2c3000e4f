import { describe, expect, it } from 'vitest';
import type { EmbeddingRecord } from '../../../src/lib/storage/index.ts';
import { openTestStore, workspace } from './fixtures.ts';

function record(workspaceId: string, modelKey: string, chunkId: string, values: number[]): EmbeddingRecord {
	return {
		workspaceId,
		modelKey,
		chunkId,
		documentId: chunkId.split('#')[0]!,
		sourceKey: 'h|c',
		vector: Float32Array.from(values),
		dims: values.length,
		modelId: 'm',
		dtype: 'fp32',
		backend: 'cpu',
		createdAtMs: 1
	};
}

describe('embeddings store', () => {
	it('keeps vectors as Float32Array, listed per workspace and model key in chunk order', async () => {
		const { store } = await openTestStore();
		await store.embeddings.putMany([
			record('w1', 'a', 'd#1', [0, 1]),
			record('w1', 'a', 'd#0', [1, 0]),
			record('w1', 'b', 'd#0', [0.5, 0.5]),
			record('w2', 'a', 'e#0', [1, 1])
		]);
		const listed = await store.embeddings.listByModel('w1', 'a');
		expect(listed.map((r) => r.chunkId)).toEqual(['d#0', 'd#1']);
		expect(listed[0]!.vector).toBeInstanceOf(Float32Array);
		expect(Array.from(listed[0]!.vector)).toEqual([1, 0]);
		expect(await store.embeddings.summarize('w1')).toEqual([
			{ modelKey: 'a', count: 2 },
			{ modelKey: 'b', count: 1 }
		]);
	});

	it('deletes the vectors of other models without touching the kept one', async () => {
		const { store } = await openTestStore();
		await store.embeddings.putMany([record('w1', 'a', 'd#0', [1]), record('w1', 'b', 'd#0', [1]), record('w1', 'b', 'd#1', [1])]);
		expect(await store.embeddings.deleteOtherModels('w1', 'a')).toBe(2);
		expect(await store.embeddings.summarize('w1')).toEqual([{ modelKey: 'a', count: 1 }]);
	});

	it('deletes a workspace’s vectors with the workspace', async () => {
		const { store } = await openTestStore();
		await store.workspaces.put(workspace('w1'));
		await store.embeddings.putMany([record('w1', 'a', 'd#0', [1]), record('w2', 'a', 'd#0', [1])]);
		await store.workspaces.delete('w1');
		expect(await store.embeddings.summarize('w1')).toEqual([]);
		expect(await store.embeddings.summarize('w2')).toHaveLength(1);
	});
});
