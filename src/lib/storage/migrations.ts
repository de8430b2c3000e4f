/**
 * Versioned schema migrations. `MIGRATIONS[v]` upgrades a database from version `v` to
 * `v + 1`, so the current schema version is `MIGRATIONS.length`. To change the schema, append
 * a step; never edit a released one.
 */
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { AssaySchema } from './schema.ts';

/** The upgrade transaction handed to a migration step (mode `versionchange`, all stores). */
export type UpgradeTransaction = IDBPTransaction<AssaySchema, StoreNames<AssaySchema>[], 'versionchange'>;

/**
 * One migration step. Runs synchronously inside the upgrade transaction: it may create or
 * delete stores and indexes and queue requests on `tx`, but must not await anything that is
 * not an IndexedDB request (the transaction would commit early). Throwing aborts the upgrade.
 */
export type Migration = (db: IDBPDatabase<AssaySchema>, tx: UpgradeTransaction) => void;

/** v0 → v1: the initial schema (see {@link AssaySchema}). */
const createV1: Migration = (db) => {
	db.createObjectStore('workspaces', { keyPath: 'id' });

	const documents = db.createObjectStore('documents', { keyPath: 'id' });
	documents.createIndex('workspaceId', 'workspaceId');
	documents.createIndex('workspaceId_contentHash', ['workspaceId', 'contentHash']);
	documents.createIndex('workspaceId_relativePath', ['workspaceId', 'relativePath']);

	db.createObjectStore('documentTexts', { keyPath: 'documentId' });

	const chunks = db.createObjectStore('chunks', { keyPath: 'id' });
	chunks.createIndex('documentId', 'documentId');
	chunks.createIndex('workspaceId', 'workspaceId');

	const indexState = db.createObjectStore('indexState', { keyPath: ['workspaceId', 'kind'] });
	indexState.createIndex('workspaceId', 'workspaceId');

	const goldenSets = db.createObjectStore('goldenSets', { keyPath: 'id' });
	goldenSets.createIndex('workspaceId', 'workspaceId');

	const evalRuns = db.createObjectStore('evalRuns', { keyPath: 'id' });
	evalRuns.createIndex('workspaceId', 'workspaceId');

	const spans = db.createObjectStore('spans', { keyPath: 'spanId' });
	spans.createIndex('traceId', 'traceId');
	spans.createIndex('startTimeMs', 'startTimeMs');
	spans.createIndex('name', 'name');

	db.createObjectStore('settings', { keyPath: 'key' });
};

/** v1 → v2: `pendingFiles`, the picked files of an import staged before processing (resumable import). */
const addPendingFilesV2: Migration = (db) => {
	const pending = db.createObjectStore('pendingFiles', { keyPath: ['jobId', 'ordinal'] });
	pending.createIndex('jobId', 'jobId');
	pending.createIndex('workspaceId', 'workspaceId');
};

/** v2 → v3: stored embeddings (typed arrays), keyed by workspace, model key and chunk. */
const addEmbeddingsV3: Migration = (db) => {
	const embeddings = db.createObjectStore('embeddings', { keyPath: ['workspaceId', 'modelKey', 'chunkId'] });
	embeddings.createIndex('workspaceId', 'workspaceId');
	embeddings.createIndex('workspaceId_modelKey', ['workspaceId', 'modelKey']);
};

/** v3 → v4: answer runs (workspace-owned, like eval runs) and their answers, keyed by `[runId, caseId]`. */
const addAnswersV4: Migration = (db) => {
	const runs = db.createObjectStore('answerRuns', { keyPath: 'id' });
	runs.createIndex('workspaceId', 'workspaceId');
	const answers = db.createObjectStore('answers', { keyPath: ['runId', 'caseId'] });
	answers.createIndex('runId', 'runId');
};

/** v4 → v5: `responseCache`, cached replies of systems under test and judges, keyed by their cache key. */
const addResponseCacheV5: Migration = (db) => {
	db.createObjectStore('responseCache', { keyPath: 'key' });
};

/** v5 → v6: `answerCache`, the Ask page's cached answers (exact key), by workspace. */
const addAnswerCacheV6: Migration = (db) => {
	const cache = db.createObjectStore('answerCache', { keyPath: 'key' });
	cache.createIndex('workspaceId', 'workspaceId');
};

/** All migration steps in order; index `v` upgrades version `v` to `v + 1`. */
export const MIGRATIONS: readonly Migration[] = [
	createV1,
	addPendingFilesV2,
	addEmbeddingsV3,
	addAnswersV4,
	addResponseCacheV5,
	addAnswerCacheV6
];

/** The schema version this build opens: `MIGRATIONS.length`. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Apply `migrations[oldVersion]` … `migrations[newVersion - 1]` in order, each exactly once.
 * Called from the `upgradeneeded` handler. Throws (before running anything) when a step is
 * missing, e.g. `newVersion` greater than `migrations.length`; a throwing step propagates.
 */
export function runMigrations(
	migrations: readonly Migration[],
	db: IDBPDatabase<AssaySchema>,
	oldVersion: number,
	newVersion: number,
	tx: UpgradeTransaction
): void {
	const steps: Migration[] = [];
	for (let version = oldVersion; version < newVersion; version++) {
		const step = migrations[version];
		if (!step) throw new Error(`No migration from schema version ${version} to ${version + 1}; ${migrations.length} steps exist.`);
		steps.push(step);
	}
	for (const step of steps) step(db, tx);
}
