/**
 * Opening the database (with migrations and multi-tab handling) and running transactions with
 * uniform error mapping. Repositories use {@link Connection.read} / {@link Connection.write}.
 */
import { wrap } from 'idb';
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { AssayError } from '../shared/errors.ts';
import { toStorageError } from './errors.ts';
import { MIGRATIONS, runMigrations } from './migrations.ts';
import type { Migration, UpgradeTransaction } from './migrations.ts';
import { DEFAULT_DB_NAME } from './schema.ts';
import type { AssaySchema, StoreName } from './schema.ts';

/** Options for opening Assay's database. */
export interface OpenAssayDbOptions {
	/** Database name; default `assay`. */
	readonly name?: string;
	/** The IndexedDB factory; default `globalThis.indexedDB`. Tests pass a fresh fake-indexeddb `IDBFactory`. */
	readonly idbFactory?: IDBFactory;
	/**
	 * Called once when another tab (or worker) opens a newer schema version or deletes the
	 * database. This connection is already closed when it runs; every later operation throws
	 * `STORAGE_VERSION_CHANGE`. The app should ask the user to reload.
	 */
	readonly onVersionChange?: (error: AssayError) => void;
	/**
	 * Called (possibly more than once) while this open waits for older connections in other tabs
	 * that do not close. The open stays pending and completes when they close. The argument has
	 * code `STORAGE_BLOCKED`.
	 */
	readonly onBlocked?: (error: AssayError) => void;
	/** Migration steps; default {@link MIGRATIONS}. The opened version is their count. For tests. */
	readonly migrations?: readonly Migration[];
}

/** Lifecycle of a connection: usable, closed by us, closed for a newer version, or closed by the browser. */
export type ConnectionState = 'open' | 'closed' | 'version-changed' | 'terminated';

/** Collects the requests a transaction body fires without awaiting one by one. */
export class RequestBatch {
	private readonly pending: Promise<unknown>[] = [];

	/** Track `request` (its rejection is handled here, so an aborted batch never goes unhandled); returns it. */
	add<T>(request: Promise<T>): Promise<T> {
		request.catch(() => undefined);
		this.pending.push(request);
		return request;
	}

	/** Wait for every tracked request; rejects with the first failure. */
	async settle(): Promise<void> {
		await Promise.all(this.pending);
	}
}

/** A transaction over `Stores` in `Mode`, as handed to a {@link Connection} body. */
export type StoreTransaction<Stores extends readonly StoreName[], Mode extends IDBTransactionMode> = IDBPTransaction<
	AssaySchema,
	Stores,
	Mode
>;

/** An open database connection. Created by {@link openConnection}. */
export class Connection {
	private stateValue: ConnectionState = 'open';

	/** Wraps an opened database; prefer {@link openConnection}. */
	constructor(private readonly db: IDBPDatabase<AssaySchema>) {}

	/** Current lifecycle state. */
	get state(): ConnectionState {
		return this.stateValue;
	}

	/** The schema version the database is open at. */
	get version(): number {
		return this.db.version;
	}

	/** Close the connection (idempotent). Later operations throw `STORAGE_FAILED`. */
	close(): void {
		if (this.stateValue === 'open') this.stateValue = 'closed';
		this.db.close();
	}

	/** Internal: another connection asked for a version change; close and report. */
	markVersionChanged(): void {
		this.stateValue = 'version-changed';
		this.db.close();
	}

	/** Internal: the browser closed the connection (storage cleared, disk error). */
	markTerminated(): void {
		if (this.stateValue === 'open') this.stateValue = 'terminated';
	}

	/**
	 * Run `body` in one read-only transaction over `stores` and wait for it to finish.
	 * `body` must await only IndexedDB requests. Errors are mapped by {@link toStorageError}.
	 */
	read<const Stores extends readonly StoreName[], R>(
		operation: string,
		stores: Stores,
		body: (tx: StoreTransaction<Stores, 'readonly'>, batch: RequestBatch) => Promise<R>
	): Promise<R> {
		return this.run(operation, stores, 'readonly', body);
	}

	/**
	 * Run `body` in one read-write transaction over `stores`; resolves after the transaction
	 * commits (`tx.done`). If `body` throws or any request fails, the transaction is aborted so
	 * nothing it wrote persists, and the error is rethrown mapped by {@link toStorageError}
	 * (`STORAGE_QUOTA` for quota failures, `STORAGE_FAILED` otherwise; AssayErrors unchanged).
	 * `body` must await only IndexedDB requests.
	 */
	write<const Stores extends readonly StoreName[], R>(
		operation: string,
		stores: Stores,
		body: (tx: StoreTransaction<Stores, 'readwrite'>, batch: RequestBatch) => Promise<R>
	): Promise<R> {
		return this.run(operation, stores, 'readwrite', body);
	}

	private async run<const Stores extends readonly StoreName[], Mode extends IDBTransactionMode, R>(
		operation: string,
		stores: Stores,
		mode: Mode,
		body: (tx: StoreTransaction<Stores, Mode>, batch: RequestBatch) => Promise<R>
	): Promise<R> {
		this.assertUsable(operation);
		let tx: StoreTransaction<Stores, Mode>;
		try {
			tx = this.db.transaction(stores, mode);
		} catch (error) {
			throw toStorageError(error, operation);
		}
		const done = tx.done;
		done.catch(() => undefined);
		try {
			const batch = new RequestBatch();
			const result = await body(tx, batch);
			await batch.settle();
			await done;
			return result;
		} catch (error) {
			try {
				tx.abort();
			} catch {
				// Already committed or aborted.
			}
			await done.catch(() => undefined);
			throw toStorageError(error, operation, transactionError(tx));
		}
	}

	private assertUsable(operation: string): void {
		const details = { operation };
		if (this.stateValue === 'version-changed') {
			throw new AssayError('STORAGE_VERSION_CHANGE', 'Assay was updated in another tab — reload this tab to continue.', { details });
		}
		if (this.stateValue === 'closed') {
			throw new AssayError('STORAGE_FAILED', `Storage operation "${operation}" failed: the database connection is closed.`, { details });
		}
		if (this.stateValue === 'terminated') {
			throw new AssayError(
				'STORAGE_FAILED',
				`Storage operation "${operation}" failed: the browser closed the database (storage cleared?). Reload the tab.`,
				{
					details
				}
			);
		}
	}
}

function transactionError(tx: { readonly error: DOMException | null }): DOMException | null {
	try {
		return tx.error;
	} catch {
		return null;
	}
}

/**
 * Open (creating or upgrading as needed) Assay's database at version `migrations.length`.
 * Errors: `STORAGE_FAILED` when IndexedDB is unavailable, the open fails, or a migration
 * throws (the upgrade is rolled back); `STORAGE_VERSION_CHANGE` when the stored database is
 * newer than this build (`VersionError`: another tab runs a newer Assay). While other tabs
 * block an upgrade, `onBlocked` is called and the promise stays pending.
 */
export async function openConnection(options: OpenAssayDbOptions = {}): Promise<Connection> {
	const factory = options.idbFactory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
	if (!factory)
		throw new AssayError(
			'STORAGE_FAILED',
			'IndexedDB is not available in this environment (expected globalThis.indexedDB or an idbFactory option).'
		);
	const name = options.name ?? DEFAULT_DB_NAME;
	const migrations = options.migrations ?? MIGRATIONS;
	const version = migrations.length;

	let upgradeError: unknown;
	const raw = await new Promise<IDBDatabase>((resolve, reject) => {
		let request: IDBOpenDBRequest;
		try {
			request = factory.open(name, version);
		} catch (error) {
			reject(error);
			return;
		}
		request.addEventListener('upgradeneeded', (event) => {
			const tx = request.transaction;
			if (!tx) return;
			const upgradeTx = wrap(tx) as unknown as UpgradeTransaction;
			// The open request reports the outcome; keep idb's `done` promise from going unhandled.
			upgradeTx.done.catch(() => undefined);
			try {
				const db = wrap(request.result) as unknown as IDBPDatabase<AssaySchema>;
				runMigrations(migrations, db, event.oldVersion, event.newVersion ?? version, upgradeTx);
			} catch (error) {
				upgradeError = error;
				tx.abort();
			}
		});
		request.addEventListener('blocked', (event) => {
			options.onBlocked?.(
				new AssayError(
					'STORAGE_BLOCKED',
					'Assay is open in another tab with an older version; close that tab (or reload it) to continue.',
					{
						details: { currentVersion: event.oldVersion, requestedVersion: event.newVersion ?? version }
					}
				)
			);
		});
		request.addEventListener('success', () => resolve(request.result));
		request.addEventListener('error', () => reject(request.error));
	}).catch((error: unknown) => {
		throw openError(error, upgradeError, name, version);
	});

	const connection = new Connection(wrap(raw) as unknown as IDBPDatabase<AssaySchema>);
	raw.addEventListener('versionchange', (event) => {
		connection.markVersionChanged();
		options.onVersionChange?.(
			new AssayError('STORAGE_VERSION_CHANGE', 'Assay was updated in another tab — reload this tab to continue.', {
				details: { currentVersion: event.oldVersion, newVersion: event.newVersion }
			})
		);
	});
	raw.addEventListener('close', () => connection.markTerminated());
	return connection;
}

function openError(error: unknown, upgradeError: unknown, name: string, version: number): AssayError {
	const details = { database: name, version };
	if (upgradeError !== undefined) {
		const reason = upgradeError instanceof Error ? upgradeError.message : String(upgradeError);
		return new AssayError(
			'STORAGE_FAILED',
			`Upgrading database "${name}" to schema version ${version} failed and was rolled back: ${reason}`,
			{
				cause: upgradeError,
				details
			}
		);
	}
	if (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'VersionError') {
		return new AssayError(
			'STORAGE_VERSION_CHANGE',
			`Database "${name}" was written by a newer version of Assay than this tab (schema ${version}) — reload to get the newer app.`,
			{ cause: error, details }
		);
	}
	return toStorageError(error, `open ${name} v${version}`);
}
