import { describe, expect, it } from 'vitest';
import { freshFactory, openTestStore, workspace } from './fixtures.ts';
import { MIGRATIONS, SCHEMA_VERSION, openAssayDb, runMigrations } from '../../../src/lib/storage/index.ts';
import type { Migration } from '../../../src/lib/storage/index.ts';
import type { AssayError } from '../../../src/lib/shared/errors.ts';
import { waitUntil } from '../../support/wait.ts';

/** Open a raw connection at `version` (no upgrade work) and wait for it. */
function rawOpen(factory: IDBFactory, name: string, version: number): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const request = factory.open(name, version);
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
}

describe('migrations', () => {
	it('the runner applies each step exactly once, in order, from version 0', () => {
		const calls: number[] = [];
		const steps: Migration[] = [() => calls.push(0), () => calls.push(1), () => calls.push(2)];
		const db = {} as Parameters<Migration>[0];
		const tx = {} as Parameters<Migration>[1];

		runMigrations(steps, db, 0, 3, tx);
		expect(calls).toEqual([0, 1, 2]);

		calls.length = 0;
		runMigrations(steps, db, 1, 3, tx);
		expect(calls).toEqual([1, 2]);
	});

	it('the runner refuses a target version it has no step for, before running any', () => {
		const calls: number[] = [];
		expect(() => runMigrations([() => calls.push(0)], {} as never, 0, 2, {} as never)).toThrow(/No migration from schema version 1/);
		expect(calls).toEqual([]);
	});

	it('opening a new database creates every store and index of the current schema', async () => {
		const { store, factory } = await openTestStore({ name: 'fresh' });
		expect(store.version).toBe(SCHEMA_VERSION);
		store.close();

		const db = await rawOpen(factory, 'fresh', SCHEMA_VERSION);
		const tx = db.transaction([...db.objectStoreNames], 'readonly');
		expect([...db.objectStoreNames].sort()).toEqual(
			[
				'answerCache',
				'answerRuns',
				'answers',
				'chunks',
				'documentTexts',
				'documents',
				'embeddings',
				'evalRuns',
				'goldenSets',
				'indexState',
				'pendingFiles',
				'responseCache',
				'settings',
				'spans',
				'workspaces'
			].sort()
		);
		expect([...tx.objectStore('documents').indexNames].sort()).toEqual([
			'workspaceId',
			'workspaceId_contentHash',
			'workspaceId_relativePath'
		]);
		expect([...tx.objectStore('chunks').indexNames].sort()).toEqual(['documentId', 'workspaceId']);
		expect([...tx.objectStore('spans').indexNames].sort()).toEqual(['name', 'startTimeMs', 'traceId']);
		expect(tx.objectStore('indexState').keyPath).toEqual(['workspaceId', 'kind']);
		expect([...tx.objectStore('pendingFiles').indexNames].sort()).toEqual(['jobId', 'workspaceId']);
		expect(tx.objectStore('answers').keyPath).toEqual(['runId', 'caseId']);
		expect([...tx.objectStore('answers').indexNames]).toEqual(['runId']);
		expect(tx.objectStore('responseCache').keyPath).toBe('key');
		expect(tx.objectStore('answerCache').keyPath).toBe('key');
		expect([...tx.objectStore('answerCache').indexNames]).toEqual(['workspaceId']);
		db.close();
	});

	it('reopening runs only the steps added since, and keeps the data', async () => {
		const factory = freshFactory();
		const first = await openAssayDb({ idbFactory: factory, migrations: MIGRATIONS.slice(0, 1) });
		await first.workspaces.put(workspace('w1'));
		first.close();

		const ran: string[] = [];
		const v2: Migration = (_db, tx) => {
			ran.push('v2');
			void tx.objectStore('settings').put({ key: 'migratedTo', value: 2 });
		};
		const second = await openAssayDb({ idbFactory: factory, migrations: [() => ran.push('v1'), v2] });

		expect(ran).toEqual(['v2']);
		expect(second.version).toBe(2);
		expect(await second.workspaces.get('w1')).toEqual(workspace('w1'));
		expect(await second.settings.get('migratedTo')).toBe(2);
		second.close();
	});

	it('a migration that throws rolls the upgrade back and rejects with STORAGE_FAILED', async () => {
		const factory = freshFactory();
		const broken: Migration = () => {
			throw new Error('bad step');
		};

		await expect(openAssayDb({ idbFactory: factory, migrations: [...MIGRATIONS, broken] })).rejects.toMatchObject({
			code: 'STORAGE_FAILED',
			message: expect.stringContaining('bad step')
		});
		const store = await openAssayDb({ idbFactory: factory });
		expect(store.version).toBe(SCHEMA_VERSION);
		store.close();
	});

	it('opening a database written by a newer version rejects with STORAGE_VERSION_CHANGE', async () => {
		const factory = freshFactory();
		(await rawOpen(factory, 'assay', SCHEMA_VERSION + 1)).close();

		await expect(openAssayDb({ idbFactory: factory })).rejects.toMatchObject({ code: 'STORAGE_VERSION_CHANGE' });
	});
});

describe('other tabs', () => {
	it('a second connection opening a higher version makes this one close and call onVersionChange', async () => {
		const factory = freshFactory();
		const notices: AssayError[] = [];
		const store = await openAssayDb({ idbFactory: factory, onVersionChange: (e) => notices.push(e) });

		const newer = await rawOpen(factory, 'assay', SCHEMA_VERSION + 1);

		expect(notices.map((e) => e.code)).toEqual(['STORAGE_VERSION_CHANGE']);
		expect(notices[0]?.message).toMatch(/updated in another tab/);
		expect(store.state).toBe('version-changed');
		await expect(store.workspaces.list()).rejects.toMatchObject({ code: 'STORAGE_VERSION_CHANGE' });
		expect(newer.version).toBe(SCHEMA_VERSION + 1);
		newer.close();
	});

	it('onBlocked fires while an old connection does not close, and the open completes once it does', async () => {
		const factory = freshFactory();
		const old = await rawOpen(factory, 'assay', SCHEMA_VERSION);
		const blocked: AssayError[] = [];
		let opened = false;

		const pending = openAssayDb({
			idbFactory: factory,
			migrations: [...MIGRATIONS, () => undefined],
			onBlocked: (e) => blocked.push(e)
		}).then((s) => {
			opened = true;
			return s;
		});
		await waitUntil(() => blocked.length > 0, 'the blocked upgrade to be reported');

		expect(blocked.map((e) => e.code)).toEqual(['STORAGE_BLOCKED']);
		expect(blocked[0]?.details).toEqual({ currentVersion: SCHEMA_VERSION, requestedVersion: SCHEMA_VERSION + 1 });
		expect(opened).toBe(false);

		old.close();
		const store = await pending;
		expect(store.version).toBe(SCHEMA_VERSION + 1);
		store.close();
	});

	it('operations after close reject with STORAGE_FAILED', async () => {
		const { store } = await openTestStore();
		store.close();

		expect(store.state).toBe('closed');
		await expect(store.workspaces.list()).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
	});
});
