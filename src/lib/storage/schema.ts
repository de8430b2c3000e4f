/**
 * The IndexedDB schema of Assay's database: store names, key paths, index names and the
 * record types stored in each. One schema, versioned by `MIGRATIONS` (see
 * `migrations.ts`); the type below always describes the latest version.
 */
import type { DBSchema, StoreNames } from 'idb';
import type { ChunkRecord, DocumentRecord, WorkspaceRecord } from '../ingest/types.ts';
import type { SpanRecord } from '../tracing/types.ts';
import type { StructuredText } from '../chunking/index.ts';

/** Default database name. */
export const DEFAULT_DB_NAME = 'assay';

/** The decoded text of one document, stored apart from the metadata so lists stay cheap. */
export interface DocumentTextRecord {
	readonly documentId: string;
	/** The normalised text the chunks' offsets point into (UTF-16 code units). */
	readonly text: string;
	/** How the parser structured the text (absent for documents stored before parsers existed: plain text). */
	readonly structure?: Omit<StructuredText, 'text'>;
	/** The file's raw bytes, kept only while its encoding is uncertain, so the user can re-decode it. */
	readonly rawBytes?: Uint8Array;
}

/**
 * One picked file of an import, stored before processing starts so a closed or crashed tab
 * loses nothing (schema v2). Keyed by `[jobId, ordinal]`. `bytes` is dropped once the file is
 * processed and `result` is set; the records of a job are deleted when the job ends.
 */
export interface PendingFileRecord {
	readonly jobId: string;
	/** 0-based position in the import. */
	readonly ordinal: number;
	/** Number of files in the job. */
	readonly total: number;
	readonly workspaceId: string;
	readonly name: string;
	readonly relativePath: string;
	readonly sizeBytes: number;
	/** The file's bytes; absent when processed, or when over the size limit (never read). */
	readonly bytes?: Uint8Array;
	/** The outcome once processed (an `ImportItemResult`, kept as data). */
	readonly result?: unknown;
	readonly createdAtMs: number;
}

/** Kinds of persisted index state: the lexical (BM25) postings, and the HNSW graph of the vectors (same store, no migration). */
export type IndexKind = 'bm25' | 'hnsw';

/**
 * A persisted search index for one workspace, keyed by `[workspaceId, kind]`.
 * `snapshot` is whatever the index serialises to; it is stored by structured clone, so typed
 * arrays (`Uint32Array`, `Float32Array`), `Map`s and plain objects survive as they are (no
 * functions, no class instances with behaviour).
 */
export interface IndexStateRecord {
	readonly workspaceId: string;
	readonly kind: IndexKind;
	/** Identifies the analyzer (tokeniser, stemmer, stop words) the snapshot was built with. */
	readonly analyzerFingerprint: string;
	/** Index parameters the snapshot was built with, e.g. `{ k1: 1.2, b: 0.75 }` for BM25. */
	readonly params: Readonly<Record<string, unknown>>;
	/** The serialised index (structured-clone data). */
	readonly snapshot: unknown;
	/** Which documents the snapshot includes: document id → that document's `contentHash`. */
	readonly documentHashes: Readonly<Record<string, string>>;
	/** When the snapshot was written, epoch milliseconds. */
	readonly updatedAtMs: number;
}

/** One application setting: `value` is any structured-clone data; callers validate it. */
export interface SettingRecord {
	readonly key: string;
	readonly value: unknown;
}

/**
 * A record owned by a workspace whose full shape is defined elsewhere (golden sets, eval
 * runs). Storage only relies on `id` and `workspaceId`; everything else is kept as given.
 */
export interface WorkspaceOwnedRecord {
	readonly id: string;
	readonly workspaceId: string;
}

/**
 * One answer of an answer run (schema v4), keyed by `[runId, caseId]`. Its full shape belongs to
 * the evals module (`AnswerRecord`); storage relies on the key fields only.
 */
export interface AnswerOwnedRecord {
	readonly runId: string;
	readonly caseId: string;
}

/**
 * One chunk's embedding (schema v3). Vectors of different `modelKey`s are never mixed. A vector
 * is valid only while `sourceKey` equals its document's `${contentHash}|${chunkingConfigHash}`
 * (re-imported or re-chunked documents get new vectors).
 */
export interface EmbeddingRecord {
	readonly workspaceId: string;
	/** `embeddingModelKey(spec)`: model id, dtype, pooling and passage prefix. */
	readonly modelKey: string;
	/** `${documentId}#${ordinal}` (built by `chunkId` in `src/lib/shared/identity.ts`). */
	readonly chunkId: string;
	readonly documentId: string;
	readonly sourceKey: string;
	/** L2-normalised, length `dims`. */
	readonly vector: Float32Array;
	readonly dims: number;
	readonly modelId: string;
	readonly dtype: string;
	/** Backend that computed it: `webgpu`, `wasm`, `cpu` or `fake`. */
	readonly backend: string;
	readonly createdAtMs: number;
}

/**
 * One cached response of a system under test or a judge (schema v5), keyed by `key` (SHA-256
 * hex of canonical JSON of everything that determines the response). `value` is plain JSON data.
 */
export interface ResponseCacheRecord {
	readonly key: string;
	readonly value: unknown;
	/** When it was stored, epoch milliseconds. */
	readonly storedAtMs: number;
}

/**
 * One Ask-page answer cache entry (schema v6), keyed by its exact key. Its full shape belongs to the
 * cache module (`AnswerCacheEntry` in src/lib/cache/answer-cache.ts); storage relies on `key` and `workspaceId`.
 */
export interface AnswerCacheRecord {
	readonly key: string;
	readonly workspaceId: string;
}

/** The idb-typed schema (latest version). Index names equal their key paths, joined by `_`. */
export interface AssaySchema extends DBSchema {
	workspaces: { key: string; value: WorkspaceRecord };
	documents: {
		key: string;
		value: DocumentRecord;
		indexes: {
			workspaceId: string;
			workspaceId_contentHash: [string, string];
			workspaceId_relativePath: [string, string];
		};
	};
	documentTexts: { key: string; value: DocumentTextRecord };
	chunks: { key: string; value: ChunkRecord; indexes: { documentId: string; workspaceId: string } };
	indexState: { key: [string, IndexKind]; value: IndexStateRecord; indexes: { workspaceId: string } };
	goldenSets: { key: string; value: WorkspaceOwnedRecord; indexes: { workspaceId: string } };
	evalRuns: { key: string; value: WorkspaceOwnedRecord; indexes: { workspaceId: string } };
	spans: { key: string; value: SpanRecord; indexes: { traceId: string; startTimeMs: number; name: string } };
	settings: { key: string; value: SettingRecord };
	pendingFiles: { key: [string, number]; value: PendingFileRecord; indexes: { jobId: string; workspaceId: string } };
	embeddings: {
		key: [string, string, string];
		value: EmbeddingRecord;
		indexes: { workspaceId: string; workspaceId_modelKey: [string, string] };
	};
	answerRuns: { key: string; value: WorkspaceOwnedRecord; indexes: { workspaceId: string } };
	answers: { key: [string, string]; value: AnswerOwnedRecord; indexes: { runId: string } };
	responseCache: { key: string; value: ResponseCacheRecord };
	answerCache: { key: string; value: AnswerCacheRecord; indexes: { workspaceId: string } };
}

/** Names of the object stores. */
export type StoreName = StoreNames<AssaySchema>;

/** Every store that holds data owned by a workspace (deleted with it). */
export const WORKSPACE_STORES = [
	'workspaces',
	'documents',
	'documentTexts',
	'chunks',
	'indexState',
	'goldenSets',
	'evalRuns',
	'embeddings',
	'answerRuns',
	'answers',
	'answerCache'
] as const satisfies readonly StoreName[];
