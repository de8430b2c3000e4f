import type { AssayErrorData } from '../shared/errors.ts';
import type { AppConfig, AppConfigInput } from '../config/schema.ts';
import type { DocumentRecord, DocumentStatus, WorkspaceRecord } from '../ingest/types.ts';
import type { ParseWarning } from '../ingest/parsers/types.ts';
import type { SpanEvent, SpanRecord } from '../tracing/types.ts';
import type { JobStop, PendingJob } from '../storage/pending-files.ts';
import type { AccessList, MetadataFilter, Principal } from '../search/filters/index.ts';
import type { ExpandConfig, ExplainRow, RerankTruncation, RetrievalMode, RewriteExplain, StageLists } from '../search/retrieval/index.ts';
import type { QueryPlan } from '../search/rewrite/types.ts';
import type { FusionConfig } from '../search/fusion/index.ts';
import type { ChunkCacheStatus } from './chunk-cache.ts';
import type { EmbedProgress, EmbedReport, SemanticStatus } from './semantic-api.ts';

/** What {@link LibraryApi.enforceTraceBudget} did. */
export interface TraceBudgetReport {
	readonly deletedTraces: number;
	readonly deletedSpans: number;
	/** Estimated bytes of the traces kept. */
	readonly keptBytes: number;
	readonly keptTraces: number;
}

export type { EmbedProgress, EmbedReport, SemanticStatus } from './semantic-api.ts';

/**
 * The contract between the page and the library worker (served over Comlink). Everything
 * here is structured-clone data; errors arrive as `AssayError` with their codes.
 */

/** One file handed to an import: a `File`/`Blob` plus where it came from. */
export interface ImportFileInput {
	readonly file: Blob;
	readonly name: string;
	/** Path relative to the picked folder (`webkitRelativePath`), else the name. */
	readonly relativePath: string;
}

/**
 * What happened to one file:
 * - `added`: new document, chunked and indexed;
 * - `replaced`: a file at the same path with different content replaced the old document;
 * - `unchanged`: same path and same content hash, nothing to do;
 * - `duplicate`: same content as another document (`duplicateOf`), not stored again;
 * - `failed` / `unsupported`: stored with the reason, no chunks;
 * - `needs-ocr`: a PDF without a text layer, stored without chunks (not retrievable);
 * - `cancelled`: the import was cancelled before this file;
 * - `skipped`: the import stopped before this file because storage is full (`error.code`
 *   `STORAGE_QUOTA`); its staged bytes are kept until the job is retried or discarded.
 */
export type ImportOutcome =
	'added' | 'replaced' | 'unchanged' | 'duplicate' | 'failed' | 'unsupported' | 'needs-ocr' | 'cancelled' | 'skipped';

/** The result for one file. */
export interface ImportItemResult {
	readonly relativePath: string;
	readonly name: string;
	readonly outcome: ImportOutcome;
	/** The stored document's status (absent for `duplicate` and `cancelled`). */
	readonly status?: DocumentStatus;
	/** Why the text is suspect, for `ready-with-warnings`. */
	readonly warnings?: readonly ParseWarning[];
	readonly documentId?: string;
	readonly chunkCount?: number;
	/** Chunks whose applied overlap is under half the requested one (absent when 0). */
	readonly overlapShortfalls?: number;
	/** For `duplicate`: the relative path of the document that already has this content. */
	readonly duplicateOf?: string;
	readonly error?: AssayErrorData;
	/** Wall time for this file, milliseconds. */
	readonly durationMs: number;
}

/** Progress of a running import, sent after every file. */
export interface ImportProgress {
	readonly jobId: string;
	readonly total: number;
	readonly done: number;
	/** The file that just finished. */
	readonly item: ImportItemResult;
}

/** Counts per outcome. */
export type OutcomeCounts = Record<ImportOutcome, number>;

/** The whole import, returned when it ends (also when cancelled). */
export interface ImportReport {
	readonly jobId: string;
	readonly workspaceId: string;
	readonly startedAtMs: number;
	readonly durationMs: number;
	readonly cancelled: boolean;
	/**
	 * Set when the job stopped before its last file (storage full): every file after the stop is
	 * `skipped`, and the job stays listed by `pendingImports` (with `stopped`) until the user calls
	 * `resumeImport` (retry) or `discardImport`.
	 */
	readonly stopped?: JobStop;
	readonly counts: OutcomeCounts;
	/** Stored documents per status, from this import's items. */
	readonly statusCounts: Record<DocumentStatus, number>;
	readonly items: readonly ImportItemResult[];
}

/** How the lexical index of a workspace came to be in memory. */
export interface IndexStatus {
	readonly workspaceId: string;
	/**
	 * `snapshot`: loaded from stored postings; `rebuilt`: re-tokenized from stored chunks;
	 * `empty`: nothing to index; `live`: changed by imports or removals in this session since
	 * it was loaded (each change is also saved).
	 */
	readonly source: 'snapshot' | 'rebuilt' | 'empty' | 'live';
	/** Documents added to or removed from a stale snapshot on load (after a crash mid-import). */
	readonly reconciledDocuments: number;
	readonly documentCount: number;
	readonly chunkCount: number;
	readonly termCount: number;
	readonly analyzerFingerprint: string;
	/** Time to make the index ready, milliseconds. */
	readonly loadMs: number;
}

/** A search request. `documentIds` restricts hits to those documents (empty/absent = all). */
export interface SearchRequest {
	readonly workspaceId: string;
	readonly query: string;
	/** Hits to return, 1–1000. */
	readonly topK: number;
	readonly documentIds?: readonly string[];
	/** Retrieval mode; absent = `lexical`. Every mode runs the same pipeline, with filters, access lists and explain data. */
	readonly mode?: RetrievalMode;
	/** Candidates per retriever (default `retrieval.depth`). */
	readonly depth?: number;
	/** RRF k (default `retrieval.rrfK`). */
	readonly rrfK?: number;
	/** Fusion of the hybrid modes (default `retrieval.fusion`, absent = RRF with `rrfK`). */
	readonly fusion?: FusionConfig;
	/** Metadata filters (document, tag, file type, import date). */
	readonly filter?: MetadataFilter;
	/** Run the query as this user/groups: documents whose access list excludes them are never retrieved. */
	readonly runAs?: Principal;
	/**
	 * The query's rewrite, made on the page with the answering model (`rewriteQuery`): retrieval
	 * runs its variants (see `retrieve`), and a `query.rewrite` span records the model call's
	 * tokens (`gen_ai.usage.*`) so the trace prices it. Absent = the query as typed.
	 */
	readonly rewrite?: { readonly plan: QueryPlan; readonly model: { readonly modelId: string; readonly provider: string } };
	/** Parent-document retrieval after ranking (default `retrieval.expand`, absent = none): hits become their parent section or a neighbour window ({@link SearchHit.parent}). */
	readonly expand?: ExpandConfig;
}

/**
 * What parent-document retrieval returned for a hit (`src/lib/search/retrieval/expand.ts`):
 * the parent section, a window of neighbouring chunks, or the chunk alone, as UTF-16 offsets
 * into the document text (end exclusive) with its text and estimated tokens.
 */
export interface ParentSpan {
	readonly kind: 'parent-section' | 'neighbours' | 'chunk';
	readonly startOffset: number;
	readonly endOffset: number;
	/** Estimated tokens of `text` (the prompt budget's estimate). */
	readonly tokens: number;
	/** Ordinals of the first and last chunk covered. */
	readonly firstOrdinal: number;
	readonly lastOrdinal: number;
	/** The document text of the span; document text is untrusted (render as text, never HTML). */
	readonly text: string;
	/** Chunk hits folded into this span, best first (the hit's own chunk first). */
	readonly chunkIds: readonly string[];
}

/** One hit: a chunk, where it comes from, and what matched. */
export interface SearchHit {
	/** 1-based rank. */
	readonly rank: number;
	/** BM25 score (> 0). */
	readonly score: number;
	readonly chunkId: string;
	readonly chunkOrdinal: number;
	readonly documentId: string;
	readonly documentName: string;
	readonly relativePath: string;
	/** Portable document reference, as golden sets and eval reports name documents: the corpus id (BEIR `_id`), else the relative path. */
	readonly documentRef: string;
	readonly headingPath: readonly string[];
	/** For PDFs: 1-based pages of the chunk, for citations. */
	readonly pageStart?: number;
	readonly pageEnd?: number;
	readonly text: string;
	/** UTF-16 offsets of the chunk in its document's text. */
	readonly startOffset: number;
	readonly endOffset: number;
	/** Matched query terms as `[start, end)` UTF-16 ranges inside `text`, sorted. */
	readonly highlights: readonly (readonly [number, number])[];
	/** Rank and score in every stage (present when the request named a `mode`). */
	readonly explain?: ExplainRow;
	/** With parent-document retrieval: the span returned for this hit (prompts use its text). */
	readonly parent?: ParentSpan;
}

/** The answer to a {@link SearchRequest}. */
export interface SearchResponse {
	readonly hits: readonly SearchHit[];
	/** Analyzed query terms (with repeats), as the index sees them. */
	readonly queryTerms: readonly string[];
	/** Analyzer name (`auto`, `english`, …). */
	readonly analyzer: string;
	/** Analyzer fingerprint: name, version and options, as stored with the index. */
	readonly analyzerFingerprint: string;
	/** Server-side time, milliseconds. */
	readonly tookMs: number;
	readonly traceId: string;
	readonly mode?: RetrievalMode;
	/** Every stage's ranked chunk ids with scores, for "why not this one?". */
	readonly stages?: StageLists;
	/** Backend that embedded the query / ran the reranker, when they ran. */
	readonly embeddingBackend?: string | null;
	readonly rerankBackend?: string | null;
	/** hybrid-rerank: pairs scored and pairs whose passage was cut to fit the cross-encoder (`null` otherwise). */
	readonly rerankTruncation?: RerankTruncation | null;
	/** Dense modes: how the query was embedded (its prefix) and the stored passages were (prefix, pooling). */
	readonly embedding?: { readonly pooling: string; readonly queryPrefix: string; readonly passagePrefix: string };
	/** With a rewrite: the variants, the generated texts, any fallback and every retriever list (hits carry `explain.foundBy`). */
	readonly rewrite?: RewriteExplain;
}

/** A document's text and its chunk boundaries, for the "open in document" view. */
export interface DocumentView {
	readonly document: DocumentRecord;
	readonly text: string;
	readonly chunks: readonly { id: string; ordinal: number; startOffset: number; endOffset: number; headingPath: readonly string[] }[];
}

/** The library worker's API. */
export interface LibraryApi {
	listWorkspaces(): Promise<WorkspaceRecord[]>;
	createWorkspace(name: string, config?: AppConfigInput): Promise<WorkspaceRecord>;
	deleteWorkspace(workspaceId: string): Promise<void>;
	/** Load (or reuse) the workspace's index; lexical search is ready when this resolves. */
	openWorkspace(workspaceId: string): Promise<IndexStatus>;
	workspaceConfig(workspaceId: string): Promise<AppConfig>;
	/**
	 * Validate and store a new configuration. A new analyzer or new BM25 parameters rebuild the
	 * index; a new chunking configuration re-chunks every stored document from its text.
	 * @throws AssayError `CONFIG_INVALID` (nothing is changed).
	 */
	updateWorkspaceConfig(workspaceId: string, config: AppConfigInput): Promise<IndexStatus>;
	listDocuments(workspaceId: string): Promise<DocumentRecord[]>;
	/**
	 * Import files: their bytes are stored first (see `pendingImports`), then each is parsed,
	 * chunked, stored and indexed; per-file problems are results, not errors.
	 */
	importFiles(
		workspaceId: string,
		files: readonly ImportFileInput[],
		jobId: string,
		onProgress?: (p: ImportProgress) => void
	): Promise<ImportReport>;
	/**
	 * Hand part of a large pick to the worker ahead of `importFiles(…, jobId)`, which imports the
	 * handed-over files first, in order, then its own. Posting a `File` to a worker costs about
	 * 0.26 ms of the page's main thread in Chromium (793 ms for 3,000), so the page posts a big
	 * pick in slices between which it stays responsive. Held in the worker's memory only, until
	 * `importFiles` of that job (after `cancelImport`, it reports them as cancelled). Returns how
	 * many files the job holds so far.
	 */
	handOverImportFiles(jobId: string, files: readonly ImportFileInput[]): Promise<number>;
	cancelImport(jobId: string): Promise<void>;
	/** Imports interrupted by a closed or crashed tab, whose files are stored and can resume. */
	pendingImports(workspaceId: string): Promise<PendingJob[]>;
	/** Carry on with a pending import, or retry a stopped one (files already done are kept; the report lists all files). */
	resumeImport(workspaceId: string, jobId: string, onProgress?: (p: ImportProgress) => void): Promise<ImportReport>;
	/** Drop a pending or stopped import: its staged bytes are deleted (documents already imported stay). */
	discardImport(workspaceId: string, jobId: string): Promise<void>;
	/**
	 * Decode a document again with the user's choice of encoding (for an uncertain detection),
	 * replacing its text, chunks and index entries.
	 * @throws AssayError `NOT_FOUND` when the document or its kept bytes are missing.
	 */
	redecodeDocument(documentId: string, encoding: string): Promise<ImportItemResult>;
	/**
	 * Import an `unsupported` document that looks like text again, from its kept bytes, as plain
	 * text ("Read as text"; see `isReadableAsText`), replacing the unsupported record.
	 * @throws AssayError `NOT_FOUND` when the document or its kept bytes are missing.
	 */
	readAsText(documentId: string): Promise<ImportItemResult>;
	removeDocument(documentId: string): Promise<void>;
	/** Search; `onStage('reranking')` is called when a hybrid-rerank search hands its pool to the cross-encoder. */
	search(request: SearchRequest, onStage?: (stage: 'reranking') => void): Promise<SearchResponse>;
	documentView(documentId: string): Promise<DocumentView>;
	/**
	 * Whether `workspaceId` captures content in the spans this worker records itself (search,
	 * import, embedding, eval runs; default `true` until told). Off: content attributes are removed
	 * before the spans are stored, `gen_ai.retrieval.documents` keeps only ids, ranks and scores, and
	 * each span says `assay.content.captured = false` (see `applyContentCapture`). Kept in memory; the
	 * page tells it when a workspace opens and when the choice changes. Applies to operations started
	 * after the call.
	 * @throws AssayError `CONFIG_INVALID` for an empty id or a non-boolean choice.
	 */
	setContentCapture(workspaceId: string, capture: boolean): Promise<void>;
	recentSpans(limit: number): Promise<SpanRecord[]>;
	/** Store spans recorded on the page (e.g. an answer's `rag.answer` and `chat …` spans) with the others. */
	recordSpans(spans: readonly SpanRecord[]): Promise<void>;
	/** Every stored span, for the Traces page (pending recorded spans are flushed first). */
	allSpans(): Promise<SpanRecord[]>;
	/** The spans of one trace, sorted by start time. */
	traceSpans(traceId: string): Promise<SpanRecord[]>;
	/**
	 * Store spans read from an OTLP file: each trace's root span gets `assay.trace.kind = imported`
	 * (spans keep their ids, so importing the same file twice replaces rather than duplicates).
	 */
	importSpans(spans: readonly SpanRecord[]): Promise<{ traces: number; spans: number }>;
	/** Delete whole traces; resolves with the number of spans deleted. */
	deleteTraces(traceIds: readonly string[]): Promise<number>;
	/**
	 * Prune the oldest whole traces until the stored spans' estimated size (JSON length) is at most
	 * `budgetBytes`; resolves with what was deleted and the size left.
	 */
	enforceTraceBudget(budgetBytes: number): Promise<TraceBudgetReport>;
	/**
	 * Add a score (`gen_ai.evaluation.result` event: user feedback, a check, a judge) to the stored
	 * span `spanId` of trace `traceId`, in one transaction; resolves with the updated span.
	 * @throws AssayError `CONFIG_INVALID` for a malformed event, `NOT_FOUND` for a span not stored.
	 */
	addEvaluation(traceId: string, spanId: string, event: SpanEvent): Promise<SpanRecord>;
	/** Hand over a port to the model worker (embedder + reranker, Comlink on that port). */
	connectModels(port: MessagePort): Promise<void>;
	/** The model worker died: model calls in flight reject with `WORKER_FAILED`; dense work waits for a new {@link connectModels}. */
	disconnectModels(reason: string): Promise<void>;
	/** The dense index state; starts loading it in the background. */
	/**
	 * The worker's search chunk cache: chunks and characters held (all workspaces), the budget,
	 * and whether `workspaceId`'s chunks are being read into it in the background (started by
	 * {@link openWorkspace}; searches work meanwhile, reading misses from IndexedDB).
	 */
	chunkCacheStatus(workspaceId: string): Promise<ChunkCacheStatus>;
	semanticStatus(workspaceId: string): Promise<SemanticStatus>;
	/** Embed every chunk that has no vector for the workspace's model (resumable). */
	embedWorkspace(workspaceId: string, jobId: string, onProgress?: (p: EmbedProgress) => void): Promise<EmbedReport>;
	cancelEmbedding(jobId: string): Promise<void>;
	/** Access lists by document id (documents without one are visible to everyone). */
	documentAccess(workspaceId: string): Promise<Record<string, AccessList>>;
	/** Set (or with `null` clear) a document's access list. */
	setDocumentAccess(workspaceId: string, documentId: string, access: AccessList | null): Promise<void>;
}
