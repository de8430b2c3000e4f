/**
 * `AssayStore`: the repositories over one open database connection.
 */
import { ChunksRepository } from './chunks.ts';
import { openConnection } from './connection.ts';
import type { Connection, ConnectionState, OpenAssayDbOptions } from './connection.ts';
import { DocumentsRepository } from './documents.ts';
import { EmbeddingsRepository } from './embeddings.ts';
import { IndexStateRepository, SettingsRepository, WorkspaceRecordsRepository } from './records.ts';
import { SpansRepository } from './spans.ts';
import { PendingFilesRepository } from './pending-files.ts';
import { WorkspacesRepository } from './workspaces.ts';
import { AnswersRepository } from './answers.ts';
import { ResponseCacheRepository } from './response-cache.ts';
import { AnswerCacheRepository } from './answer-cache.ts';

/**
 * All of Assay's persistent data, grouped by repository. Every method runs in its own
 * IndexedDB transaction and rejects with an `AssayError`: `STORAGE_QUOTA` (storage full; the
 * write was rolled back), `STORAGE_VERSION_CHANGE` (another tab upgraded the database; reload),
 * `STORAGE_FAILED` (anything else, original error as `cause`), or `NOT_FOUND` where stated.
 * Reads of a missing record resolve `undefined` rather than throwing.
 */
export class AssayStore {
	/** Workspaces; `delete` cascades to everything the workspace owns. */
	readonly workspaces: WorkspacesRepository;
	/** Documents with their texts; atomic `save` / `saveFailed` / `delete`. */
	readonly documents: DocumentsRepository;
	/** Chunk queries. */
	readonly chunks: ChunksRepository;
	/** Persisted search-index snapshots. */
	readonly indexState: IndexStateRepository;
	/** Golden sets (shape defined by the evals module). */
	readonly goldenSets: WorkspaceRecordsRepository;
	/** Eval runs (shape defined by the evals module). */
	readonly evalRuns: WorkspaceRecordsRepository;
	/** Trace spans. */
	readonly spans: SpansRepository;
	/** Application settings. */
	readonly settings: SettingsRepository;
	/** Files of imports staged before processing (resumable import). */
	readonly pendingFiles: PendingFilesRepository;
	/** Chunk embeddings (schema v3). */
	readonly embeddings: EmbeddingsRepository;
	/** Answer runs (schema v4; shape defined by the evals module). */
	readonly answerRuns: WorkspaceRecordsRepository;
	/** Answers of answer runs (schema v4). */
	readonly answers: AnswersRepository;
	/** Cached replies of systems under test and judges (schema v5). */
	readonly responseCache: ResponseCacheRepository;
	/** The Ask page's cached answers (schema v6). */
	readonly answerCache: AnswerCacheRepository;

	/** Build the repositories over an open connection; prefer {@link openAssayDb}. */
	constructor(private readonly connection: Connection) {
		this.workspaces = new WorkspacesRepository(connection);
		this.documents = new DocumentsRepository(connection);
		this.chunks = new ChunksRepository(connection);
		this.indexState = new IndexStateRepository(connection);
		this.goldenSets = new WorkspaceRecordsRepository(connection, 'goldenSets');
		this.evalRuns = new WorkspaceRecordsRepository(connection, 'evalRuns');
		this.spans = new SpansRepository(connection);
		this.settings = new SettingsRepository(connection);
		this.pendingFiles = new PendingFilesRepository(connection);
		this.embeddings = new EmbeddingsRepository(connection);
		this.answerRuns = new WorkspaceRecordsRepository(connection, 'answerRuns');
		this.answers = new AnswersRepository(connection);
		this.responseCache = new ResponseCacheRepository(connection);
		this.answerCache = new AnswerCacheRepository(connection);
	}

	/** `open`, `closed` (by {@link close}), `version-changed` (another tab upgraded) or `terminated` (by the browser). */
	get state(): ConnectionState {
		return this.connection.state;
	}

	/** The schema version the database is open at. */
	get version(): number {
		return this.connection.version;
	}

	/** Close the connection (idempotent); later calls reject with `STORAGE_FAILED`. */
	close(): void {
		this.connection.close();
	}
}

/**
 * Open Assay's IndexedDB database (default name `assay`), creating or migrating it to the
 * current schema, and return an {@link AssayStore}.
 * - Another tab opening a newer version: this connection closes itself and `onVersionChange`
 *   is called (code `STORAGE_VERSION_CHANGE`; show "Assay was updated in another tab — reload").
 * - Our upgrade held up by an older tab that does not close: `onBlocked` is called (code
 *   `STORAGE_BLOCKED`) and the promise stays pending until that tab closes.
 * Rejects with `STORAGE_FAILED` (no IndexedDB, open failed, migration failed and rolled back) or
 * `STORAGE_VERSION_CHANGE` (the stored database is newer than this build).
 * The `IDB*` classes must exist as globals (browsers and workers have them; in Node import
 * `fake-indexeddb/auto` first), because idb checks values with `instanceof`.
 */
export async function openAssayDb(options: OpenAssayDbOptions = {}): Promise<AssayStore> {
	return new AssayStore(await openConnection(options));
}
