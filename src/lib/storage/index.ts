/**
 * Storage: Assay's IndexedDB database (one versioned schema, migrations, repositories) and the
 * IndexedDB span sink. Open with {@link openAssayDb}; see `AssayStore` for the operations.
 */
export { AssayStore, openAssayDb } from './store.ts';
export type { ConnectionState, OpenAssayDbOptions } from './connection.ts';
export type { RemovedChunks, SaveDocumentInput, DocumentsRepository } from './documents.ts';
export type { ChunksRepository } from './chunks.ts';
export type { WorkspaceDeletion, WorkspacesRepository } from './workspaces.ts';
export type { IndexStateRepository, SettingsRepository, WorkspaceOwnedStore, WorkspaceRecordsRepository } from './records.ts';
export type { SpansRepository } from './spans.ts';
export type { AnswersRepository } from './answers.ts';
export type { ResponseCacheRepository } from './response-cache.ts';
export type { AnswerCacheRepository } from './answer-cache.ts';
export type { EmbeddingsRepository, EmbeddingModelSummary } from './embeddings.ts';
export { IdbSpanSink } from './span-sink.ts';
export type { FlushScheduler, IdbSpanSinkOptions, SpanWriter } from './span-sink.ts';
export { MIGRATIONS, SCHEMA_VERSION, runMigrations } from './migrations.ts';
export type { Migration, UpgradeTransaction } from './migrations.ts';
export { DEFAULT_DB_NAME } from './schema.ts';
export type {
	AnswerOwnedRecord,
	AssaySchema,
	ResponseCacheRecord,
	AnswerCacheRecord,
	DocumentTextRecord,
	EmbeddingRecord,
	IndexKind,
	IndexStateRecord,
	SettingRecord,
	StoreName,
	WorkspaceOwnedRecord
} from './schema.ts';
export { isQuotaExceeded, toStorageError } from './errors.ts';
export type { JobStop, PendingFilesRepository, PendingJob } from './pending-files.ts';
export type { PendingFileRecord } from './schema.ts';
