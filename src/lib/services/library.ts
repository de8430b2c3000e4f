import { parseAppConfig, sameChunking, type AppConfig, type AppConfigInput } from '../config/schema.ts';
import type { DocumentRecord, WorkspaceRecord } from '../ingest/types.ts';
import { AssayError, toErrorData } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { BasicTracer, withSpan } from '../tracing/tracer.ts';
import { ContentCaptureSink } from '../tracing/capture.ts';
import type { SpanEvent, SpanRecord, Tracer } from '../tracing/types.ts';
import { assertEvaluationEvent } from '../tracing/evaluation.ts';
import { openAssayDb, IdbSpanSink, type AssayStore } from '../storage/index.ts';
import type {
	DocumentView,
	ImportFileInput,
	ImportItemResult,
	ImportProgress,
	ImportReport,
	IndexStatus,
	LibraryApi,
	OutcomeCounts,
	SearchRequest,
	SearchResponse,
	TraceBudgetReport
} from './library-api.ts';
import { markImported, summarizeTraces, tracesToPrune } from '../tracing/traces.ts';
import { importOne, isFatalImportError, rechunkWorkspace } from './importer.ts';
import { runStagedJob, skipped, stageFiles } from './import-job.ts';
import { detectAndDecode } from '../ingest/encoding/detect.ts';
import type { JobStop, PendingJob } from '../storage/index.ts';
import { WorkspaceIndex } from './workspace-index.ts';
import type { ParseService } from '../ingest/parsers/types.ts';
import { statusCountsOf } from './import-report.ts';
import type { ChunkCacheStatus } from './chunk-cache.ts';
import { SemanticService, type DenseContext, type SemanticOptions } from './semantic-service.ts';
import type { AccessList } from '../search/filters/index.ts';
import type { EmbedProgress, EmbedReport, SemanticStatus } from './semantic-api.ts';
import { inProcessLocks, type TabBus, type TabLocks, type TabMessage } from './tab-sync.ts';

/** Options for {@link createLibraryService}. */
export interface LibraryServiceOptions extends SemanticOptions {
	/** Database name (tests use a fresh one). Default `assay`. */
	readonly dbName?: string;
	/** IndexedDB factory (tests pass fake-indexeddb's). Default `globalThis.indexedDB`. */
	readonly idbFactory?: IDBFactory;
	/** Another tab upgraded the database: this connection is closed. */
	readonly onVersionChange?: () => void;
	/** Our upgrade waits for another tab to close its connection. */
	readonly onBlocked?: () => void;
	/**
	 * Documents imported between two index snapshots during a long import, at least (the interval
	 * grows to a tenth of the index's documents, so snapshot writes stay linear). Default 200.
	 */
	readonly snapshotEveryDocuments?: number;
	/** Runs the format parsers. Default: all parsers in this thread (pdf.js legacy build). */
	readonly parser?: ParseService;
	/** Exclusive locks shared by every tab's library worker (Web Locks in the browser). Default: this realm only. */
	readonly locks?: TabLocks;
	/** Document-change messages between tabs' library workers (BroadcastChannel in the browser). Default: none. */
	readonly bus?: TabBus;
	/** Another tab stored or removed documents of `workspaceId` (the page refreshes its list). */
	readonly onDocumentsChanged?: (workspaceId: string) => void;
	/** Monotonic clock for the per-file import budget (`ingest.fileTimeoutMs`), milliseconds. Default `performance.now`; tests inject a fake. */
	readonly clock?: () => number;
}

/** During an import, files between two syncs with other tabs' documents (when another tab announced some). */
const SYNC_EVERY = 20;
/** With a tab bus, how long a search may rely on announcements alone before reading the documents generation again, ms. */
const SYNC_CHECK_MS = 1000;

const EMPTY_COUNTS: OutcomeCounts = {
	added: 0,
	replaced: 0,
	unchanged: 0,
	duplicate: 0,
	failed: 0,
	unsupported: 0,
	'needs-ocr': 0,
	cancelled: 0,
	skipped: 0
};

/**
 * The library: workspaces, import (decode → chunk → store → index), BM25 search and the
 * document view, over IndexedDB. Runs in the library worker; tests run it in Node with
 * fake-indexeddb. Every operation runs in a span stored with the traces.
 */
export function createLibraryService(options: LibraryServiceOptions = {}): LibraryApi {
	return new LibraryService(options);
}

/** Store, indexes and tracer of one library service, for services hosted beside it (the eval service). */
export interface LibraryInternals {
	store(): Promise<AssayStore>;
	/**
	 * The workspace's lexical index (the one search uses), current: after the imports and
	 * removals queued in this tab, synced with what other tabs stored. Not for use inside
	 * {@link serial} (it queues); use {@link loadedIndex} there.
	 */
	workspaceIndex(workspaceId: string): Promise<WorkspaceIndex>;
	/** The loaded index as it is, for code already running in {@link serial}. */
	loadedIndex(workspaceId: string): Promise<WorkspaceIndex>;
	/**
	 * The tracer; given a workspace id, one whose spans follow that workspace's content-capture
	 * choice (see `LibraryApi.setContentCapture`).
	 */
	tracer(workspaceId?: string): Tracer;
	/** Stored vectors, status and model ports for evaluating dense modes (see `SemanticService.denseContext`). */
	dense(workspaceId: string): Promise<DenseContext>;
	/** Access lists by document id (the ones search applies; see `SemanticService.access`). */
	access(workspaceId: string): Promise<Record<string, AccessList>>;
	/** Run `fn` in the workspace's queue (after running imports and removals). */
	serial<T>(workspaceId: string, fn: () => Promise<T>): Promise<T>;
}

/** A library service plus its {@link LibraryInternals}. */
export function createLibraryServiceWithInternals(options: LibraryServiceOptions = {}): { api: LibraryApi; internals: LibraryInternals } {
	const service = new LibraryService(options);
	return { api: service, internals: LibraryService.internalsOf(service) };
}

class LibraryService implements LibraryApi {
	private storePromise: Promise<AssayStore> | null = null;
	private spanSink: IdbSpanSink | null = null;
	private tracer: Tracer = new BasicTracer([]);
	/** Content capture per workspace, as the page last said (`setContentCapture`); absent = captured. */
	private readonly capture = new Map<string, boolean>();
	private readonly indexes = new Map<string, Promise<{ index: WorkspaceIndex; status: IndexStatus }>>();
	private readonly cancelled = new Set<string>();
	/**
	 * Parsed configuration per workspace, read once and kept for every search and import (not one
	 * workspace read and schema parse per query); dropped when this tab or another (bus
	 * `context-changed`) changes it, and when the workspace is deleted.
	 */
	private readonly configs = new Map<string, Promise<AppConfig>>();
	/** When each workspace's index last read the stored documents generation (see `#synced`), clock ms. */
	private readonly lastSync = new Map<string, number>();
	/** Files handed over ahead of their job's `importFiles`, by job id (see `handOverImportFiles`). */
	private readonly handedOver = new Map<string, ImportFileInput[]>();
	/** Imports and removals of one workspace run one at a time, in call order. */
	private readonly queues = new Map<string, Promise<unknown>>();
	/** Tasks queued or running per workspace (0 or absent: the queue is idle). */
	private readonly queued = new Map<string, number>();
	/** Workspaces another tab changed since this tab's index last synced (from the bus). */
	private readonly remoteChanges = new Set<string>();
	private readonly locks: TabLocks;
	private readonly parser: ParseService;

	private readonly semantic: SemanticService;

	constructor(private readonly options: LibraryServiceOptions) {
		this.parser = options.parser ?? lazyNodeParsers();
		this.locks = options.locks ?? inProcessLocks();
		options.bus?.subscribe((message) => this.#onRemoteChange(message));
		this.semantic = new SemanticService(
			{
				store: () => this.#store(),
				index: async (id) => (await this.#current(id)).index,
				config: (id) => this.workspaceConfig(id),
				tracer: (workspaceId) => this.#tracer(workspaceId),
				contextChanged: (workspaceId) => this.options.bus?.post({ type: 'context-changed', workspaceId })
			},
			options
		);
	}

	/** Hooks for the eval service (same store, same indexes, same tracer). */
	static internalsOf(service: LibraryService): LibraryInternals {
		// Static, so it is not on the prototype that `combineApis` exposes over RPC.
		return {
			store: () => service.#store(),
			workspaceIndex: (workspaceId) => service.#serial(workspaceId, async () => (await service.#synced(workspaceId)).index),
			loadedIndex: async (workspaceId) => (await service.#index(workspaceId)).index,
			tracer: (workspaceId) => (workspaceId === undefined ? service.tracer : service.#tracer(workspaceId)),
			dense: (workspaceId) => service.semantic.denseContext(workspaceId),
			access: (workspaceId) => service.semantic.access(workspaceId),
			serial: (workspaceId, fn) => service.#serial(workspaceId, fn)
		};
	}

	async listWorkspaces(): Promise<WorkspaceRecord[]> {
		return (await this.#store()).workspaces.list();
	}

	async createWorkspace(name: string, config: AppConfigInput = {}): Promise<WorkspaceRecord> {
		const record: WorkspaceRecord = { id: newId('ws'), name, createdAtMs: Date.now(), config: parseAppConfig(config) };
		await (await this.#store()).workspaces.put(record);
		return record;
	}

	async deleteWorkspace(workspaceId: string): Promise<void> {
		await this.#serial(workspaceId, async () => {
			await (await this.#store()).workspaces.delete(workspaceId);
			this.configs.delete(workspaceId);
			await (await this.#store()).pendingFiles.deleteWorkspace(workspaceId);
			this.indexes.delete(workspaceId);
			this.lastSync.delete(workspaceId);
			await this.semantic.forgetWorkspace(workspaceId);
		});
	}

	async workspaceConfig(workspaceId: string): Promise<AppConfig> {
		let entry = this.configs.get(workspaceId);
		if (!entry) {
			entry = (async () => {
				const ws = await (await this.#store()).workspaces.get(workspaceId);
				if (!ws) throw new AssayError('NOT_FOUND', `No workspace with id ${workspaceId}.`);
				return parseAppConfig(ws.config);
			})();
			entry.catch(() => this.configs.delete(workspaceId));
			this.configs.set(workspaceId, entry);
		}
		return entry;
	}

	async updateWorkspaceConfig(workspaceId: string, input: AppConfigInput): Promise<IndexStatus> {
		const config = parseAppConfig(input);
		return this.#serial(workspaceId, async () => {
			const store = await this.#store();
			const ws = await store.workspaces.get(workspaceId);
			if (!ws) throw new AssayError('NOT_FOUND', `No workspace with id ${workspaceId}.`);
			const before = parseAppConfig(ws.config);
			const tracer = this.#tracer(workspaceId);
			await withSpan(tracer, 'workspace.configure', { attributes: { 'assay.workspace.id': workspaceId } }, async (span) => {
				await store.workspaces.put({ ...ws, config });
				this.configs.delete(workspaceId);
				this.options.bus?.post({ type: 'context-changed', workspaceId });
				if (!sameChunking(before.chunking, config.chunking)) {
					span.setAttribute('assay.rechunked_documents', await rechunkWorkspace(store, workspaceId, config, tracer, span));
					// Chunk ids were reused with new texts: the stored postings no longer describe them.
					await store.indexState.delete(workspaceId, 'bm25');
				}
			});
			this.indexes.delete(workspaceId);
			this.lastSync.delete(workspaceId);
			this.semantic.invalidate(workspaceId);
			return (await this.#index(workspaceId)).status;
		});
	}

	async openWorkspace(workspaceId: string): Promise<IndexStatus> {
		const { index, status } = await this.#current(workspaceId);
		void this.semantic.warmChunks(workspaceId, index);
		// After the first load the index lives in memory: report how it was made, or that it changed since.
		return index.status(index.changedSinceLoad ? 'live' : status.source, status.reconciledDocuments, status.loadMs);
	}

	async listDocuments(workspaceId: string): Promise<DocumentRecord[]> {
		const store = await this.#store();
		// Right after opening, the index load's own read of the documents answers (if unchanged).
		// Only an index already loaded: racing a settled promise never waits for a load or rebuild.
		const entry = this.indexes.get(workspaceId);
		const loaded = entry ? await Promise.race([entry, Promise.resolve(null)]).catch(() => null) : null;
		const list = loaded?.index.takeLoadedList();
		if (list && list.generation === (await store.documents.generation(workspaceId))) return list.documents;
		return store.documents.listByWorkspace(workspaceId);
	}

	async importFiles(
		workspaceId: string,
		files: readonly ImportFileInput[],
		jobId: string,
		onProgress?: (p: ImportProgress) => void
	): Promise<ImportReport> {
		const handedOver = this.handedOver.get(jobId) ?? [];
		this.handedOver.delete(jobId);
		const all = handedOver.length > 0 ? [...handedOver, ...files] : files;
		return this.#serial(workspaceId, () => this.#runImport(workspaceId, all, jobId, onProgress));
	}

	async handOverImportFiles(jobId: string, files: readonly ImportFileInput[]): Promise<number> {
		if (typeof jobId !== 'string' || jobId === '' || !Array.isArray(files))
			throw new AssayError('CONFIG_INVALID', 'handOverImportFiles needs a job id and a list of files.');
		const held = this.handedOver.get(jobId) ?? [];
		held.push(...files);
		this.handedOver.set(jobId, held);
		return held.length;
	}

	async cancelImport(jobId: string): Promise<void> {
		// Files handed over stay: the job's importFiles takes them and reports each as cancelled.
		this.cancelled.add(jobId);
	}

	async pendingImports(workspaceId: string): Promise<PendingJob[]> {
		return (await this.#store()).pendingFiles.listJobs(workspaceId);
	}

	async resumeImport(workspaceId: string, jobId: string, onProgress?: (p: ImportProgress) => void): Promise<ImportReport> {
		return this.#serial(workspaceId, async () => {
			// A retry of a stopped job: it stops again (and is marked again) if the disk is still full.
			await (await this.#store()).pendingFiles.clearStopped(jobId);
			return this.#runImport(workspaceId, null, jobId, onProgress);
		});
	}

	async discardImport(workspaceId: string, jobId: string): Promise<void> {
		await this.#serial(workspaceId, async () => {
			await withSpan(
				this.#tracer(workspaceId),
				'import.discard',
				{ attributes: { 'assay.workspace.id': workspaceId, 'assay.import.job': jobId } },
				async () => {
					await (await this.#store()).pendingFiles.deleteJob(jobId);
				}
			);
		});
	}

	async redecodeDocument(documentId: string, encoding: string): Promise<ImportItemResult> {
		const store = await this.#store();
		const doc = await store.documents.get(documentId);
		if (!doc) throw new AssayError('NOT_FOUND', `No document with id ${documentId}.`);
		const raw = (await store.documents.textRecord(documentId))?.rawBytes;
		if (!raw)
			throw new AssayError(
				'NOT_FOUND',
				`The original bytes of “${doc.name}” are not kept (its encoding was not uncertain); import the file again.`
			);
		try {
			// Check first: a choice that cannot decode the bytes must leave the document as it is.
			detectAndDecode(raw, encoding);
		} catch (error) {
			return { relativePath: doc.relativePath, name: doc.name, outcome: 'failed', documentId, durationMs: 0, error: toErrorData(error) };
		}
		return this.#serial(doc.workspaceId, async () => {
			const config = await this.workspaceConfig(doc.workspaceId);
			const { index } = await this.#index(doc.workspaceId);
			const source = { name: doc.name, relativePath: doc.relativePath, sizeBytes: raw.length, readBytes: async () => raw };
			const tracer = this.#tracer(doc.workspaceId);
			const item = await withSpan(
				tracer,
				'document.redecode',
				{ attributes: { 'assay.document.path': doc.relativePath, 'assay.encoding': encoding } },
				(span) =>
					importOne({ store, index, config, tracer, parent: span, parser: this.parser, forcedEncoding: encoding, ...this.#clock() }, source)
			);
			await index.persist(store);
			await this.#announce(doc.workspaceId);
			return item;
		});
	}

	async readAsText(documentId: string): Promise<ImportItemResult> {
		const store = await this.#store();
		const doc = await store.documents.get(documentId);
		if (!doc) throw new AssayError('NOT_FOUND', `No document with id ${documentId}.`);
		const raw = (await store.documents.textRecord(documentId))?.rawBytes;
		if (!raw)
			throw new AssayError(
				'NOT_FOUND',
				`The original bytes of “${doc.name}” are not kept (it did not look like text); import the file again.`
			);
		return this.#serial(doc.workspaceId, async () => {
			const config = await this.workspaceConfig(doc.workspaceId);
			const { index } = await this.#index(doc.workspaceId);
			const source = { name: doc.name, relativePath: doc.relativePath, sizeBytes: raw.length, readBytes: async () => raw };
			const tracer = this.#tracer(doc.workspaceId);
			const item = await withSpan(tracer, 'document.read-as-text', { attributes: { 'assay.document.path': doc.relativePath } }, (span) =>
				importOne({ store, index, config, tracer, parent: span, parser: this.parser, asText: true }, source)
			);
			await index.persist(store);
			return item;
		});
	}

	async removeDocument(documentId: string): Promise<void> {
		const store = await this.#store();
		const doc = await store.documents.get(documentId);
		if (!doc) throw new AssayError('NOT_FOUND', `No document with id ${documentId}.`);
		await this.#serial(doc.workspaceId, async () => {
			const { index } = await this.#index(doc.workspaceId);
			await withSpan(
				this.#tracer(doc.workspaceId),
				'document.remove',
				{ attributes: { 'assay.document.path': doc.relativePath } },
				async () => {
					const { generation } = await store.documents.delete(documentId);
					index.removeDocument(documentId);
					index.noteWrite(generation);
					this.semantic.removeDocument(doc.workspaceId, documentId, doc.chunkCount);
					await index.persist(store);
				}
			);
			await this.#announce(doc.workspaceId);
		});
	}

	/**
	 * The one search entry point: every request — whatever its mode, `lexical` when absent — goes
	 * through the same pipeline, which compiles filters and access lists into one `allow()`.
	 * `onStage` hears when a hybrid + rerank search hands its pool to the cross-encoder.
	 */
	async search(request: SearchRequest, onStage?: (stage: 'reranking') => void): Promise<SearchResponse> {
		return this.semantic.search({ ...request, mode: request.mode ?? 'lexical' }, onStage);
	}

	async documentView(documentId: string): Promise<DocumentView> {
		const store = await this.#store();
		const [document, text, chunks] = await Promise.all([
			store.documents.get(documentId),
			store.documents.text(documentId),
			store.chunks.listByDocument(documentId)
		]);
		if (!document || text === undefined) throw new AssayError('NOT_FOUND', `Document ${documentId} has no stored text.`);
		return {
			document,
			text,
			chunks: chunks.map((c) => ({
				id: c.id,
				ordinal: c.ordinal,
				startOffset: c.startOffset,
				endOffset: c.endOffset,
				headingPath: c.headingPath
			}))
		};
	}

	async setContentCapture(workspaceId: string, capture: boolean): Promise<void> {
		if (typeof workspaceId !== 'string' || workspaceId === '' || typeof capture !== 'boolean')
			throw new AssayError('CONFIG_INVALID', 'setContentCapture needs a workspace id and a boolean.');
		this.capture.set(workspaceId, capture);
	}

	async recentSpans(limit: number): Promise<SpanRecord[]> {
		await this.spanSink?.flush();
		return (await this.#store()).spans.listRecent(limit);
	}

	async recordSpans(spans: readonly SpanRecord[]): Promise<void> {
		await this.#store();
		for (const span of spans) this.spanSink?.export(span);
		await this.spanSink?.flush();
	}

	async allSpans(): Promise<SpanRecord[]> {
		await this.spanSink?.flush();
		return (await this.#store()).spans.listAll();
	}

	async traceSpans(traceId: string): Promise<SpanRecord[]> {
		await this.spanSink?.flush();
		return (await this.#store()).spans.listTrace(traceId);
	}

	async importSpans(spans: readonly SpanRecord[]): Promise<{ traces: number; spans: number }> {
		const store = await this.#store();
		const marked = markImported(spans);
		await store.spans.add(marked);
		return { traces: new Set(marked.map((s) => s.traceId)).size, spans: marked.length };
	}

	async deleteTraces(traceIds: readonly string[]): Promise<number> {
		await this.spanSink?.flush();
		return (await this.#store()).spans.deleteTraces(traceIds);
	}

	async enforceTraceBudget(budgetBytes: number): Promise<TraceBudgetReport> {
		await this.spanSink?.flush();
		const store = await this.#store();
		const traces = summarizeTraces(await store.spans.listAll());
		const doomed = tracesToPrune(traces, Math.max(0, budgetBytes));
		const deletedSpans = await store.spans.deleteTraces(doomed);
		const gone = new Set(doomed);
		const kept = traces.filter((t) => !gone.has(t.traceId));
		return {
			deletedTraces: doomed.length,
			deletedSpans,
			keptBytes: kept.reduce((sum, t) => sum + t.bytes, 0),
			keptTraces: kept.length
		};
	}

	async addEvaluation(traceId: string, spanId: string, event: SpanEvent): Promise<SpanRecord> {
		if (typeof traceId !== 'string' || traceId === '' || typeof spanId !== 'string' || spanId === '')
			throw new AssayError('CONFIG_INVALID', 'addEvaluation needs a trace id and a span id.');
		assertEvaluationEvent(event);
		const store = await this.#store();
		// Spans recorded moments ago may still sit in the sink's buffer.
		await this.spanSink?.flush();
		return store.spans.addEvent(traceId, spanId, event);
	}

	async connectModels(port: MessagePort): Promise<void> {
		this.semantic.connectModels(port);
	}

	async disconnectModels(reason: string): Promise<void> {
		this.semantic.disconnectModels(reason);
	}

	async chunkCacheStatus(workspaceId: string): Promise<ChunkCacheStatus> {
		return this.semantic.chunkCacheStatus(workspaceId);
	}

	semanticStatus(workspaceId: string): Promise<SemanticStatus> {
		return this.semantic.status(workspaceId);
	}

	embedWorkspace(workspaceId: string, jobId: string, onProgress?: (p: EmbedProgress) => void): Promise<EmbedReport> {
		return this.#serial(workspaceId, () => this.semantic.embed(workspaceId, jobId, onProgress));
	}

	async cancelEmbedding(jobId: string): Promise<void> {
		this.semantic.cancel(jobId);
	}

	documentAccess(workspaceId: string): Promise<Record<string, AccessList>> {
		return this.semantic.access(workspaceId);
	}

	setDocumentAccess(workspaceId: string, documentId: string, access: AccessList | null): Promise<void> {
		return this.semantic.setAccess(workspaceId, documentId, access);
	}

	async #runImport(
		workspaceId: string,
		files: readonly ImportFileInput[] | null,
		jobId: string,
		onProgress?: (p: ImportProgress) => void
	): Promise<ImportReport> {
		const store = await this.#store();
		const config = await this.workspaceConfig(workspaceId);
		const { index } = await this.#index(workspaceId);
		const startedAtMs = Date.now();
		const started = performance.now();
		let items: ImportItemResult[] = [];
		let stopped: JobStop | undefined;
		const counts = { ...EMPTY_COUNTS };
		const every = this.options.snapshotEveryDocuments ?? 200;
		let lastSnapshot = 0;
		const tracer = this.#tracer(workspaceId);
		await withSpan(
			tracer,
			files ? 'import' : 'import.resume',
			{ attributes: { 'assay.workspace.id': workspaceId, 'assay.import.files': files?.length ?? 0, 'assay.trace.kind': 'import' } },
			async (span) => {
				try {
					// The picked files' bytes are stored first: a closed tab can resume without picking again.
					if (files) stopped = await this.#stage(store, workspaceId, jobId, files, config);
					if (stopped) {
						// Nothing was processed (the staged part was deleted again): every file gets its status.
						const stop = stopped;
						items = files!.map((f) => skipped(f, stop));
						items.forEach((item, i) => onProgress?.({ jobId, total: items.length, done: i + 1, item }));
					} else {
						const onItem = async (item: ImportItemResult, done: number, total: number) => {
							onProgress?.({ jobId, total, done, item });
							// A snapshot writes every posting: spacing them by a tenth of the index (at least `every`)
							// keeps a long import linear, where a fixed interval made it quadratic (44.8 vs 61.5 files/s
							// at 20,000 vs 3,000 files). A crash re-reads at most that many documents on reopen.
							if (done - lastSnapshot >= Math.max(every, Math.floor(index.documents.size / 10))) {
								lastSnapshot = done;
								await index.persist(store);
							}
							// Another tab imports into this workspace too: take its documents in now and then, so
							// searches here during this import see them (at most SYNC_EVERY files late).
							else if (done % SYNC_EVERY === 0 && this.remoteChanges.delete(workspaceId)) await index.sync(store);
							if (item.documentId && item.outcome !== 'duplicate' && item.outcome !== 'unchanged') await this.#announce(workspaceId);
						};
						const result = await runStagedJob(
							{
								store,
								index,
								config,
								tracer,
								parent: span,
								parser: this.parser,
								...this.#clock(),
								isCancelled: () => this.cancelled.has(jobId),
								onItem
							},
							jobId
						);
						items = result.items;
						stopped = result.stopped;
					}
					for (const item of items) counts[item.outcome]++;
					if (stopped) span.setError(`${stopped.code}: ${stopped.message}`);
				} catch (error) {
					if (!isFatalImportError(error)) throw error;
					span.setError(toErrorData(error).message);
					throw error;
				} finally {
					// Whatever happened, the index on disk matches the documents that were stored (on a
					// full disk the snapshot may not fit: the next load reconciles it from the documents).
					await index.persist(store).catch((error: unknown) => {
						if (!(error instanceof AssayError && error.code === 'STORAGE_QUOTA')) throw error;
						span.addEvent('snapshot.skipped', { reason: 'STORAGE_QUOTA' });
					});
					this.cancelled.delete(jobId);
				}
				span.setAttributes(Object.fromEntries(Object.entries(counts).map(([k, v]) => [`assay.import.${k}`, v])));
			}
		);
		await this.spanSink?.flush().catch(() => undefined);
		return {
			jobId,
			workspaceId,
			startedAtMs,
			durationMs: performance.now() - started,
			cancelled: counts.cancelled > 0,
			...(stopped ? { stopped } : {}),
			counts,
			statusCounts: statusCountsOf(items),
			items
		};
	}

	/** Stage the picked files; a full disk stops the job before any file is processed (`stageFiles` deletes what it stored). */
	async #stage(
		store: AssayStore,
		workspaceId: string,
		jobId: string,
		files: readonly ImportFileInput[],
		config: AppConfig
	): Promise<JobStop | undefined> {
		try {
			await stageFiles(store, workspaceId, jobId, files, config);
			return undefined;
		} catch (error) {
			if (!(error instanceof AssayError && error.code === 'STORAGE_QUOTA')) throw error;
			return {
				code: 'STORAGE_QUOTA',
				message:
					'The import stopped before it started: browser storage is full, so the picked files could not be stored. Free space (remove documents, eval runs or traces) and import them again.',
				atMs: Date.now()
			};
		}
	}

	/**
	 * The index for a search: synced with other tabs' documents first when this workspace's queue
	 * is idle; while an import runs here, as it is (the import syncs it every {@link SYNC_EVERY} files).
	 */
	#current(workspaceId: string): Promise<{ index: WorkspaceIndex; status: IndexStatus }> {
		if ((this.queued.get(workspaceId) ?? 0) > 0) return this.#index(workspaceId);
		return this.#serial(workspaceId, () => this.#synced(workspaceId));
	}

	/**
	 * The loaded index after a sync with the stored documents (call inside {@link #serial}). The
	 * sync reads the stored documents generation (an IndexedDB read, ~1.2 ms in Chromium at 50k
	 * chunks, a quarter of a search). With a bus, other tabs announce their changes
	 * (`remoteChanges`), so the read is skipped for {@link SYNC_CHECK_MS} after the last one
	 * unless a change was announced; the check still runs that often in case a message was missed
	 * (a frozen tab). Without a bus, every call reads.
	 */
	async #synced(workspaceId: string): Promise<{ index: WorkspaceIndex; status: IndexStatus }> {
		const entry = await this.#index(workspaceId);
		const announced = this.remoteChanges.delete(workspaceId);
		const now = (this.options.clock ?? performance.now.bind(performance))();
		const last = this.lastSync.get(workspaceId);
		if (this.options.bus && !announced && last !== undefined && now - last >= 0 && now - last < SYNC_CHECK_MS) return entry;
		await entry.index.sync(await this.#store());
		this.lastSync.set(workspaceId, now);
		return entry;
	}

	/** Tell other tabs that this tab changed the workspace's documents. */
	async #announce(workspaceId: string): Promise<void> {
		if (!this.options.bus) return;
		this.options.bus.post({
			type: 'documents-changed',
			workspaceId,
			generation: await (await this.#store()).documents.generation(workspaceId)
		});
	}

	/** Another tab changed documents: sync a loaded index when the queue is idle (else the running import does). */
	#onRemoteChange(message: TabMessage): void {
		const { workspaceId } = message;
		if (message.type === 'context-changed') {
			this.configs.delete(workspaceId);
			this.semantic.forgetContext(workspaceId);
			return;
		}
		this.options.onDocumentsChanged?.(workspaceId);
		if (!this.indexes.has(workspaceId)) return;
		this.remoteChanges.add(workspaceId);
		if ((this.queued.get(workspaceId) ?? 0) === 0) void this.#serial(workspaceId, () => this.#synced(workspaceId)).catch(() => undefined);
	}

	#index(workspaceId: string): Promise<{ index: WorkspaceIndex; status: IndexStatus }> {
		let entry = this.indexes.get(workspaceId);
		if (!entry) {
			entry = (async () =>
				WorkspaceIndex.load(
					await this.#store(),
					workspaceId,
					await this.workspaceConfig(workspaceId),
					this.#tracer(workspaceId),
					undefined,
					this.locks
				))();
			entry.catch(() => this.indexes.delete(workspaceId));
			this.lastSync.delete(workspaceId);
			this.indexes.set(workspaceId, entry);
		}
		return entry;
	}

	/**
	 * The tracer for work on `workspaceId`: spans follow its content-capture choice, read now, so
	 * one operation's trace is recorded under one choice. Before the store opens, the no-sink tracer.
	 */
	#tracer(workspaceId: string): Tracer {
		if (!this.spanSink || this.capture.get(workspaceId) !== false) return this.tracer;
		return new BasicTracer([new ContentCaptureSink(this.spanSink, false)]);
	}

	#clock(): { clock?: () => number } {
		return this.options.clock ? { clock: this.options.clock } : {};
	}

	#serial<T>(workspaceId: string, fn: () => Promise<T>): Promise<T> {
		const previous = this.queues.get(workspaceId) ?? Promise.resolve();
		this.queued.set(workspaceId, (this.queued.get(workspaceId) ?? 0) + 1);
		const next = previous.then(fn, fn).finally(() => this.queued.set(workspaceId, (this.queued.get(workspaceId) ?? 1) - 1));
		this.queues.set(
			workspaceId,
			next.catch(() => undefined)
		);
		return next;
	}

	#store(): Promise<AssayStore> {
		this.storePromise ??= openAssayDb({
			...(this.options.dbName ? { name: this.options.dbName } : {}),
			...(this.options.idbFactory ? { idbFactory: this.options.idbFactory } : {}),
			...(this.options.onVersionChange ? { onVersionChange: this.options.onVersionChange } : {}),
			...(this.options.onBlocked ? { onBlocked: this.options.onBlocked } : {})
		}).then((store) => {
			this.spanSink = new IdbSpanSink(store.spans, { maxStoredSpans: 50_000 });
			this.tracer = new BasicTracer([this.spanSink]);
			return store;
		});
		this.storePromise.catch(() => (this.storePromise = null));
		return this.storePromise;
	}
}

/** The in-thread parsers, imported on first use (the browser build passes its worker pool instead, so this chunk is never loaded there). */
function lazyNodeParsers(): ParseService {
	let registry: Promise<ParseService> | null = null;
	return {
		async parse(input, timeoutMs) {
			registry ??= import('../adapters/parsers.ts').then((m) => m.createNodeParserRegistry());
			return (await registry).parse(input, timeoutMs);
		}
	};
}
