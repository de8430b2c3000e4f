/**
 * The Ask page's answer cache (schema v6): one record per exact key, indexed by workspace (deleted
 * with it). Records are the cache module's `AnswerCacheEntry` data; storage keeps them as given.
 */
import type { Connection } from './connection.ts';
import type { AnswerCacheRecord } from './schema.ts';

/** The `answerCache` store. Obtain through `AssayStore.answerCache`. */
export class AnswerCacheRepository {
	/** Wraps an open connection. */
	constructor(private readonly connection: Connection) {}

	/** Every entry of the workspace (unvalidated: parse before use). */
	listByWorkspace(workspaceId: string): Promise<AnswerCacheRecord[]> {
		return this.connection.read('answerCache.list', ['answerCache'], (tx) =>
			tx.objectStore('answerCache').index('workspaceId').getAll(workspaceId)
		);
	}

	/** Store `entry`, replacing one with the same key. A full disk rejects with `STORAGE_QUOTA`. */
	put(entry: AnswerCacheRecord): Promise<void> {
		return this.connection.write('answerCache.put', ['answerCache'], async (tx) => {
			await tx.objectStore('answerCache').put(entry);
		});
	}

	/** Delete these keys in one transaction; resolves with how many existed. */
	delete(keys: readonly string[]): Promise<number> {
		return this.connection.write('answerCache.delete', ['answerCache'], async (tx) => {
			const store = tx.objectStore('answerCache');
			let n = 0;
			for (const key of keys) {
				if ((await store.getKey(key)) === undefined) continue;
				await store.delete(key);
				n++;
			}
			return n;
		});
	}

	/** Delete every entry of the workspace; resolves with how many there were. */
	clearWorkspace(workspaceId: string): Promise<number> {
		return this.connection.write('answerCache.clearWorkspace', ['answerCache'], async (tx) => {
			const store = tx.objectStore('answerCache');
			const keys = await store.index('workspaceId').getAllKeys(workspaceId);
			for (const key of keys) await store.delete(key);
			return keys.length;
		});
	}
}
