import type { AppConfig } from '../config/schema.ts';
import type { Embedder } from '../embedding/index.ts';
import type { AccessList } from '../search/filters/index.ts';
import type { Reranker } from '../search/rerank/index.ts';
import type { RetrievalMode } from '../search/retrieval/index.ts';
import type { VectorIndex } from '../search/vector/index.ts';
import { wrapWorker } from '../rpc/index.ts';
import { AssayError } from '../shared/errors.ts';
import { withSpan } from '../tracing/tracer.ts';
import type { Tracer } from '../tracing/types.ts';
import type { AssayStore } from '../storage/index.ts';
import { searchHybrid } from './hybrid-searcher.ts';
import type { SearchRequest, SearchResponse } from './library-api.ts';
import { SemanticIndexes, type VoyLoader } from './semantic.ts';
import type { EmbedProgress, EmbedReport, SemanticStatus } from './semantic-api.ts';
import type { WorkspaceIndex } from './workspace-index.ts';
import { ChunkCache, ChunkCacheWarmer, type ChunkCacheStatus } from './chunk-cache.ts';

/** What the library service lends the semantic side. */
export interface SemanticHost {
	store(): Promise<AssayStore>;
	index(workspaceId: string): Promise<WorkspaceIndex>;
	config(workspaceId: string): Promise<AppConfig>;
	/** The tracer for work on `workspaceId` (its spans follow the workspace's content-capture choice). */
	tracer(workspaceId: string): Tracer;
	/** This tab changed the workspace's access lists: tell the other tabs (they drop their cached copy). */
	contextChanged?(workspaceId: string): void;
}

/** See {@link SemanticService.denseContext}. */
export interface DenseContext {
	readonly config: AppConfig;
	readonly vectors: VectorIndex | null;
	readonly status: SemanticStatus;
	readonly embedder: Embedder | null;
	readonly reranker: Reranker | null;
}

/** Options: models given directly (Node) or later through {@link SemanticService.connectModels} (browser). */
export interface SemanticOptions {
	readonly embedder?: Embedder;
	readonly reranker?: Reranker;
	readonly voyLoader?: VoyLoader;
	/**
	 * Read an opened workspace's chunks into the search chunk cache in the background
	 * ({@link SemanticService.warmChunks}). Default false: a short-lived CLI process would wait for
	 * it; the browser's library worker turns it on.
	 */
	readonly warmChunkCache?: boolean;
}

const ACL_KEY = (workspaceId: string) => `acl:${workspaceId}`;

/**
 * The semantic half of the library service: dense index per workspace, embedding jobs, hybrid
 * search with explain data, document access lists. Kept apart from `library.ts` so the lexical
 * library stays small.
 */
export class SemanticService {
	private readonly indexes: SemanticIndexes;
	private embedder: Embedder | null;
	private reranker: Reranker | null;
	private readonly cancelled = new Set<string>();
	/** Rejectors of model-worker calls in flight (see {@link disconnectModels}). */
	private readonly inFlight = new Set<(error: Error) => void>();
	/**
	 * Access lists per workspace, read once and kept for every search (not one settings read per
	 * query); dropped by {@link setAccess}, {@link forgetWorkspace} and {@link forgetContext}.
	 */
	private readonly acls = new Map<string, Promise<Record<string, AccessList>>>();
	/** Chunks this worker read recently, for search results (self-invalidating by source key). */
	private readonly chunkCache = new ChunkCache();
	/** Reads an opened workspace's chunks into {@link chunkCache} in the background. */
	private readonly warmer = new ChunkCacheWarmer(this.chunkCache, async (ids) => (await this.host.store()).chunks.listByDocuments(ids));

	private readonly warmOnOpen: boolean;

	constructor(
		private readonly host: SemanticHost,
		options: SemanticOptions
	) {
		this.warmOnOpen = options.warmChunkCache ?? false;
		this.indexes = new SemanticIndexes(() => host.store(), options.voyLoader);
		this.embedder = options.embedder ?? null;
		this.reranker = options.reranker ?? null;
	}

	/**
	 * Use the model worker behind `port` for embeddings and reranking. Calls in flight are tracked
	 * so {@link disconnectModels} can fail them: a crashed worker never answers, and Comlink would
	 * leave the caller waiting forever.
	 */
	connectModels(port: MessagePort): void {
		const remote = wrapWorker<Embedder & Reranker>(port);
		this.embedder = { embed: (spec, texts, kind) => this.tracked(remote.embed(spec, [...texts], kind)) };
		this.reranker = { score: (spec, query, passages) => this.tracked(remote.score(spec, query, [...passages])) };
	}

	/**
	 * The model worker is gone (the page saw it fail): every call in flight rejects with
	 * `WORKER_FAILED` naming `reason`, and dense work needs a new {@link connectModels}.
	 */
	disconnectModels(reason: string): void {
		const error = new AssayError('WORKER_FAILED', `The model worker stopped: ${reason}`);
		for (const fail of this.inFlight) fail(error);
		this.inFlight.clear();
		this.embedder = null;
		this.reranker = null;
	}

	private tracked<T>(call: Promise<T>): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			this.inFlight.add(reject);
			call.then(resolve, reject).finally(() => this.inFlight.delete(reject));
		});
	}

	/** The dense index state of a workspace (starts its background load). */
	async status(workspaceId: string): Promise<SemanticStatus> {
		const index = await this.host.index(workspaceId);
		return this.indexes.status(workspaceId, await this.host.config(workspaceId), index.documents);
	}

	/**
	 * Embed the workspace's chunks that lack a vector for its model, in a span.
	 * @throws AssayError `WORKER_FAILED` when no model runtime is connected; AssayError `EMBEDDING_CANCELLED`, `MODEL_LOAD_FAILED`.
	 */
	async embed(workspaceId: string, jobId: string, onProgress?: (p: EmbedProgress) => void): Promise<EmbedReport> {
		const embedder = this.embedder;
		if (!embedder) throw new AssayError('WORKER_FAILED', 'No embedding model runtime is connected (the model worker did not start).');
		const [index, config] = await Promise.all([this.host.index(workspaceId), this.host.config(workspaceId)]);
		try {
			return await withSpan(
				this.host.tracer(workspaceId),
				'embed.workspace',
				{ attributes: { 'assay.workspace.id': workspaceId, 'gen_ai.request.model': config.embedding.modelId } },
				async (span) => {
					const report = await this.indexes.embed(
						workspaceId,
						config,
						index.documents,
						embedder,
						jobId,
						() => this.cancelled.has(jobId),
						onProgress
					);
					span.setAttributes({
						'assay.embed.chunks': report.embedded,
						'assay.embed.backend': report.backend ?? 'none',
						...(report.backendProbe
							? { 'assay.embed.probe.wasm_ms': report.backendProbe.wasmMs, 'assay.embed.probe.webgpu_ms': report.backendProbe.webgpuMs }
							: {})
					});
					return report;
				}
			);
		} finally {
			this.cancelled.delete(jobId);
		}
	}

	/** Stop job `jobId` before its next batch. */
	cancel(jobId: string): void {
		this.cancelled.add(jobId);
	}

	/** Drop the in-memory index (configuration changed); it reloads on next use. */
	invalidate(workspaceId: string): void {
		this.indexes.invalidate(workspaceId);
		this.warmer.stop(workspaceId);
	}

	/**
	 * Read `workspaceId`'s chunk texts into the search chunk cache in the background (once per
	 * index load; see `warmChunkCache`), so the hits of later searches come from memory. Only
	 * with the `warmChunkCache` option.
	 * Resolves when the pass ends; callers need not wait.
	 */
	warmChunks(workspaceId: string, index: WorkspaceIndex): Promise<void> {
		if (!this.warmOnOpen) return Promise.resolve();
		return this.warmer.start(workspaceId, index.documents);
	}

	/** The search chunk cache's size and `workspaceId`'s warm-up state. */
	chunkCacheStatus(workspaceId: string): ChunkCacheStatus {
		return this.warmer.status(workspaceId);
	}

	/** A deleted workspace: drop its index and its access lists (vectors go with the workspace's stores). */
	async forgetWorkspace(workspaceId: string): Promise<void> {
		this.indexes.invalidate(workspaceId);
		this.warmer.stop(workspaceId);
		this.acls.delete(workspaceId);
		await (await this.host.store()).settings.delete(ACL_KEY(workspaceId));
	}

	/** Another tab changed the workspace's access lists: read them again on next use. */
	forgetContext(workspaceId: string): void {
		this.acls.delete(workspaceId);
	}

	/** Remove a deleted document's chunks from the in-memory index. */
	removeDocument(workspaceId: string, documentId: string, chunkCount: number): void {
		this.indexes.removeDocument(workspaceId, documentId, chunkCount);
	}

	/**
	 * What an evaluation of a dense mode needs: the workspace configuration, its ready vector
	 * index (null when it has no vectors), the index status (pending chunks) and the model ports.
	 */
	async denseContext(workspaceId: string): Promise<DenseContext> {
		const [index, config] = await Promise.all([this.host.index(workspaceId), this.host.config(workspaceId)]);
		const vectors = await this.indexes.readyIndex(workspaceId, config, index.documents);
		const status = await this.indexes.status(workspaceId, config, index.documents);
		return { config, vectors, status, embedder: this.embedder, reranker: this.reranker };
	}

	/**
	 * Search in `request.mode` with filters, access lists and explain data (see `searchHybrid`);
	 * `onStage('reranking')` is called when the cross-encoder is about to score the pool.
	 */
	async search(request: SearchRequest & { mode: RetrievalMode }, onStage?: (stage: 'reranking') => void): Promise<SearchResponse> {
		const [index, config, store] = await Promise.all([
			this.host.index(request.workspaceId),
			this.host.config(request.workspaceId),
			this.host.store()
		]);
		const base = this.reranker;
		const reranker: Reranker | null =
			base && onStage
				? {
						score: (spec, query, passages) => {
							onStage('reranking');
							return base.score(spec, query, passages);
						}
					}
				: base;
		return searchHybrid(
			{
				store,
				index,
				config,
				tracer: this.host.tracer(request.workspaceId),
				acls: await this.access(request.workspaceId),
				vectors: () => this.indexes.readyIndex(request.workspaceId, config, index.documents),
				embedder: this.embedder,
				reranker,
				chunks: this.chunkCache
			},
			request
		);
	}

	/** Access lists by document id (stored under the `acl:<workspaceId>` setting). */
	async access(workspaceId: string): Promise<Record<string, AccessList>> {
		let entry = this.acls.get(workspaceId);
		if (!entry) {
			entry = (async () => {
				const value = await (await this.host.store()).settings.get(ACL_KEY(workspaceId));
				return value && typeof value === 'object' ? (value as Record<string, AccessList>) : {};
			})();
			entry.catch(() => this.acls.delete(workspaceId));
			this.acls.set(workspaceId, entry);
		}
		return entry;
	}

	/** Set or (with `null`) clear one document's access list. */
	async setAccess(workspaceId: string, documentId: string, access: AccessList | null): Promise<void> {
		const all = { ...(await this.access(workspaceId)) };
		if (access) all[documentId] = { users: [...access.users], groups: [...access.groups] };
		else delete all[documentId];
		await (await this.host.store()).settings.set(ACL_KEY(workspaceId), all);
		this.acls.delete(workspaceId);
		this.host.contextChanged?.(workspaceId);
	}
}
