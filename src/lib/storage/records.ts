/**
 * Smaller repositories: persisted index state, settings, and workspace-owned records whose
 * shape other modules define (golden sets, eval runs).
 */
import { AssayError } from '../shared/errors.ts';
import type { Connection } from './connection.ts';
import type { IndexKind, IndexStateRecord, WorkspaceOwnedRecord } from './schema.ts';

/** Persisted search-index snapshots, one per `[workspaceId, kind]`. Obtain through `AssayStore.indexState`. */
export class IndexStateRepository {
	/** Wraps an open connection. */
	constructor(private readonly connection: Connection) {}

	/** The stored state for a workspace's index of `kind` (default `bm25`), or `undefined`. */
	get(workspaceId: string, kind: IndexKind = 'bm25'): Promise<IndexStateRecord | undefined> {
		return this.connection.read('indexState.get', ['indexState'], (tx) => tx.objectStore('indexState').get([workspaceId, kind]));
	}

	/**
	 * Insert or replace the state keyed by `[record.workspaceId, record.kind]`. The snapshot is
	 * stored by structured clone (typed arrays kept); a value that cannot be cloned throws
	 * `STORAGE_FAILED`, a full disk `STORAGE_QUOTA`, and the previous state stays.
	 */
	put(record: IndexStateRecord): Promise<void> {
		return this.connection.write('indexState.put', ['indexState'], async (tx) => {
			await tx.objectStore('indexState').put(record);
		});
	}

	/** Delete the state for `[workspaceId, kind]`; resolves `true` if one existed. Idempotent. */
	delete(workspaceId: string, kind: IndexKind = 'bm25'): Promise<boolean> {
		return this.connection.write('indexState.delete', ['indexState'], async (tx) => {
			const store = tx.objectStore('indexState');
			const existed = (await store.getKey([workspaceId, kind])) !== undefined;
			await store.delete([workspaceId, kind]);
			return existed;
		});
	}
}

/** Application settings: string keys, structured-clone values. Obtain through `AssayStore.settings`. */
export class SettingsRepository {
	/** Wraps an open connection. */
	constructor(private readonly connection: Connection) {}

	/** The value stored under `key`, or `undefined`. Values are unvalidated: parse them before use. */
	get(key: string): Promise<unknown> {
		return this.connection.read('settings.get', ['settings'], async (tx) => (await tx.objectStore('settings').get(key))?.value);
	}

	/** Store `value` (structured-clone data) under `key`, replacing any earlier value. */
	set(key: string, value: unknown): Promise<void> {
		return this.connection.write('settings.set', ['settings'], async (tx) => {
			await tx.objectStore('settings').put({ key, value });
		});
	}

	/** Remove `key`; resolves `true` if it existed. Idempotent. */
	delete(key: string): Promise<boolean> {
		return this.connection.write('settings.delete', ['settings'], async (tx) => {
			const store = tx.objectStore('settings');
			const existed = (await store.getKey(key)) !== undefined;
			await store.delete(key);
			return existed;
		});
	}
}

/** Stores holding {@link WorkspaceOwnedRecord}s. */
export type WorkspaceOwnedStore = 'goldenSets' | 'evalRuns' | 'answerRuns';

const RECORD_NAMES: Record<WorkspaceOwnedStore, string> = { goldenSets: 'golden set', evalRuns: 'eval run', answerRuns: 'answer run' };

/**
 * Workspace-owned records keyed by `id` with a `workspaceId` index (golden sets, eval runs).
 * Values are stored as given; their schema belongs to the evals module, which should validate
 * what it reads. Obtain through `AssayStore.goldenSets` / `AssayStore.evalRuns`.
 */
export class WorkspaceRecordsRepository<T extends WorkspaceOwnedRecord = WorkspaceOwnedRecord> {
	/** Wraps an open connection for one store. */
	constructor(
		private readonly connection: Connection,
		private readonly storeName: WorkspaceOwnedStore
	) {}

	/** Insert or replace a record (keyed by `id`); all its fields are stored (structured clone). */
	put<R extends T>(record: R): Promise<void> {
		return this.connection.write(`${this.storeName}.put`, [this.storeName], async (tx) => {
			await tx.objectStore(this.storeName).put(record);
		});
	}

	/** The record with this id, or `undefined`. */
	get(id: string): Promise<T | undefined> {
		return this.connection.read(
			`${this.storeName}.get`,
			[this.storeName],
			async (tx) => (await tx.objectStore(this.storeName).get(id)) as T | undefined
		);
	}

	/** All records of a workspace, sorted by id (UTF-16 code units); `[]` when none. */
	listByWorkspace(workspaceId: string): Promise<T[]> {
		return this.connection.read(`${this.storeName}.listByWorkspace`, [this.storeName], async (tx) => {
			const all = (await tx.objectStore(this.storeName).index('workspaceId').getAll(workspaceId)) as T[];
			return all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
		});
	}

	/** Delete a record. Throws `NOT_FOUND` (nothing changed) when no record has this id. */
	delete(id: string): Promise<void> {
		return this.connection.write(`${this.storeName}.delete`, [this.storeName], async (tx) => {
			const store = tx.objectStore(this.storeName);
			if ((await store.getKey(id)) === undefined) {
				throw new AssayError('NOT_FOUND', `No ${RECORD_NAMES[this.storeName]} with id "${id}" exists.`, { details: { id } });
			}
			await store.delete(id);
		});
	}
}
