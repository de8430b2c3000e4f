/**
 * Cached responses of systems under test and judges (schema v5): one record per cache key, so a
 * re-run of an evaluation in the app asks nothing it already asked. Keys are SHA-256 hex of
 * canonical JSON of everything that determines the response (the evals core computes them);
 * values are plain JSON data. The store is global (not owned by a workspace): the same request
 * gives the same reply whichever workspace sent it.
 */
import type { Connection } from './connection.ts';

/** The `responseCache` store. Obtain through `AssayStore.responseCache`. */
export class ResponseCacheRepository {
	/** Wraps an open connection. */
	constructor(private readonly connection: Connection) {}

	/** The value stored under `key`, or `undefined`. Values are unvalidated: parse them before use. */
	get(key: string): Promise<unknown> {
		return this.connection.read(
			'responseCache.get',
			['responseCache'],
			async (tx) => (await tx.objectStore('responseCache').get(key))?.value
		);
	}

	/** The values stored under `keys`, in order (`undefined` for a missing key), read in one transaction. Unvalidated. */
	getMany(keys: readonly string[]): Promise<unknown[]> {
		return this.connection.read('responseCache.getMany', ['responseCache'], async (tx, batch) => {
			const store = tx.objectStore('responseCache');
			const records = await Promise.all(keys.map((key) => batch.add(store.get(key))));
			return records.map((r) => r?.value);
		});
	}

	/**
	 * Store each `[key, value]` pair in ONE transaction (all or none), replacing earlier values;
	 * `storedAtMs` is epoch ms. A full disk rejects with `STORAGE_QUOTA` and nothing is written.
	 */
	putMany(entries: readonly (readonly [string, unknown])[], storedAtMs: number): Promise<void> {
		return this.connection.write('responseCache.putMany', ['responseCache'], async (tx, batch) => {
			const store = tx.objectStore('responseCache');
			for (const [key, value] of entries) batch.add(store.put({ key, value, storedAtMs }));
		});
	}

	/**
	 * Store `value` (structured-clone data) under `key`, replacing an earlier value; `storedAtMs`
	 * is epoch ms. A full disk rejects with `STORAGE_QUOTA` and nothing is written.
	 */
	put(key: string, value: unknown, storedAtMs: number): Promise<void> {
		return this.connection.write('responseCache.put', ['responseCache'], async (tx) => {
			await tx.objectStore('responseCache').put({ key, value, storedAtMs });
		});
	}

	/** How many responses are cached. */
	count(): Promise<number> {
		return this.connection.read('responseCache.count', ['responseCache'], (tx) => tx.objectStore('responseCache').count());
	}

	/** Delete every cached response; resolves with how many there were. */
	clear(): Promise<number> {
		return this.connection.write('responseCache.clear', ['responseCache'], async (tx) => {
			const store = tx.objectStore('responseCache');
			const n = await store.count();
			await store.clear();
			return n;
		});
	}
}
