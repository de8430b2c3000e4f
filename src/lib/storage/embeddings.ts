/**
 * Stored chunk embeddings (schema v3): `Float32Array`s kept by structured clone, keyed by
 * `[workspaceId, modelKey, chunkId]`.
 */
import type { Connection } from './connection.ts';
import type { EmbeddingRecord } from './schema.ts';

/** How many vectors a workspace holds for one model key. */
export interface EmbeddingModelSummary {
	readonly modelKey: string;
	readonly count: number;
}

/** Embedding records. Obtain through `AssayStore.embeddings`. */
export class EmbeddingsRepository {
	/** Wraps an open connection. */
	constructor(private readonly connection: Connection) {}

	/**
	 * Insert or replace records in ONE transaction: all are stored or none (a full disk rejects
	 * with `STORAGE_QUOTA` and keeps the previous state).
	 */
	putMany(records: readonly EmbeddingRecord[]): Promise<void> {
		return this.connection.write('embeddings.putMany', ['embeddings'], async (tx, batch) => {
			const store = tx.objectStore('embeddings');
			for (const record of records) batch.add(store.put(record));
		});
	}

	/** Every record of a workspace for one model key, in chunk-id order. */
	listByModel(workspaceId: string, modelKey: string): Promise<EmbeddingRecord[]> {
		return this.connection.read('embeddings.listByModel', ['embeddings'], (tx) =>
			tx.objectStore('embeddings').getAll(IDBKeyRange.bound([workspaceId, modelKey], [workspaceId, modelKey, []]))
		);
	}

	/** Delete a workspace's vectors of every model key except `keep`; resolves how many were deleted. */
	deleteOtherModels(workspaceId: string, keep: string): Promise<number> {
		return this.connection.write('embeddings.deleteOtherModels', ['embeddings'], async (tx, batch) => {
			const store = tx.objectStore('embeddings');
			const keys = await store.index('workspaceId').getAllKeys(workspaceId);
			const stale = keys.filter((k) => k[1] !== keep);
			for (const key of stale) batch.add(store.delete(key));
			return stale.length;
		});
	}

	/** Vector counts per model key for a workspace, sorted by key. */
	summarize(workspaceId: string): Promise<EmbeddingModelSummary[]> {
		return this.connection.read('embeddings.summarize', ['embeddings'], async (tx) => {
			const counts = new Map<string, number>();
			for (const key of await tx.objectStore('embeddings').index('workspaceId').getAllKeys(workspaceId))
				counts.set(key[1], (counts.get(key[1]) ?? 0) + 1);
			return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([modelKey, count]) => ({ modelKey, count }));
		});
	}
}
