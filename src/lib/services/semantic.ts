import type { AppConfig } from '../config/schema.ts';
import type { DocumentRecord } from '../ingest/types.ts';
import {
	embeddingModelKey,
	embeddingRecipeFor,
	embeddingSpecFor,
	runInBatches,
	type EmbedResult,
	type EmbeddingBackend,
	type Embedder
} from '../embedding/index.ts';
import { effectiveKind, ExactVectorIndex, HnswIndex, wantsGraph, type VectorIndex } from '../search/vector/index.ts';
import { AssayError, isAssayError } from '../shared/errors.ts';
import type { AssayStore, EmbeddingRecord } from '../storage/index.ts';
import { createVoyIndex, type VoyConstructor } from '../adapters/voy-index.ts';
import type { EmbedProgress, EmbedReport, SemanticStatus } from './semantic-api.ts';
import { chunkId, chunkOrdinalOf, documentChunkIds, documentIdOf } from '../shared/identity.ts';
import { linkGraph, restoreGraph, type GraphState } from './vector-graph.ts';

/** Loads voy-search's `Voy` class (browser: dynamic import; Node: `loadVoyInNode`). */
export type VoyLoader = () => Promise<VoyConstructor>;

interface Entry {
	readonly modelKey: string;
	index: VectorIndex | null;
	state: SemanticStatus['state'];
	message: string | null;
	backends: Set<string>;
	loadMs: number;
	ready: Promise<void>;
	/** The HNSW graph's state when the index is an {@link HnswIndex}. */
	graph: GraphState | null;
}

/** Waits one macrotask, so queued messages (searches) run between link slices. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Compact an HNSW index once deleted nodes are this share of all nodes. */
const COMPACT_DELETED_SHARE = 0.25;

/** A vector is valid while its document is ready with the same content and chunking. */
export function sourceKeyOf(doc: Pick<DocumentRecord, 'contentHash' | 'chunkingConfigHash'>): string {
	return `${doc.contentHash}|${doc.chunkingConfigHash ?? ''}`;
}

/**
 * The dense side of each workspace: its vector index (`embedding.vectorIndex`: by default the
 * exact SIMD scan, with an HNSW graph linked in the background from HNSW_AUTO_MIN_VECTORS;
 * Voy, exact f32/int8 or HNSW at any size when configured), loaded in the background from the stored vectors, and the
 * resumable embedding job that fills it. Vectors of one model key only: a new model starts an
 * empty set (re-embedding), and the old set is deleted once the new one is complete.
 */
export class SemanticIndexes {
	private readonly entries = new Map<string, Entry>();

	constructor(
		private readonly store: () => Promise<AssayStore>,
		private readonly voyLoader: VoyLoader | undefined
	) {}

	/** Start loading (if not yet) and return the entry; lexical search never waits for this. */
	open(workspaceId: string, config: AppConfig, documents: ReadonlyMap<string, DocumentRecord>): Entry {
		const modelKey = embeddingModelKey(embeddingSpecFor(config));
		let entry = this.entries.get(workspaceId);
		if (entry && entry.modelKey === modelKey) return entry;
		const fresh: Entry = {
			modelKey,
			index: null,
			state: 'loading',
			message: null,
			backends: new Set(),
			loadMs: 0,
			ready: Promise.resolve(),
			graph: null
		};
		fresh.ready = this.load(fresh, workspaceId, config, documents).then(
			() => this.linkLater(workspaceId, fresh, config, documents),
			(error) => {
				fresh.state = 'failed';
				fresh.message = error instanceof Error ? error.message : String(error);
			}
		);
		this.entries.set(workspaceId, fresh);
		entry = fresh;
		return entry;
	}

	/** Forget a workspace's in-memory index (config changed, workspace deleted). */
	invalidate(workspaceId: string): void {
		this.entries.delete(workspaceId);
	}

	/**
	 * Drop a removed document's chunks from the in-memory index. An HNSW index whose deleted
	 * nodes reach {@link COMPACT_DELETED_SHARE} of its nodes is replaced by a compacted copy,
	 * which the next load or embedding job links again (exact answers meanwhile).
	 */
	removeDocument(workspaceId: string, documentId: string, chunkCount: number): void {
		const entry = this.entries.get(workspaceId);
		const index = entry?.index;
		if (!index) return;
		index.remove(documentChunkIds(documentId, chunkCount));
		if (index instanceof HnswIndex && index.deletedNodes >= COMPACT_DELETED_SHARE * (index.size() + index.deletedNodes)) {
			entry.index = index.compacted();
			entry.graph = { linking: false, buildMs: null, recallAt10: null, sampleQueries: 0, restored: false };
		}
	}

	/** Status for the page (which modes are ready). */
	async status(workspaceId: string, config: AppConfig, documents: ReadonlyMap<string, DocumentRecord>): Promise<SemanticStatus> {
		const entry = this.open(workspaceId, config, documents);
		// Count against the ready documents' chunks: the in-memory index may still hold vectors of
		// replaced or removed documents until the next load (they are never retrieved: see compileAllow).
		let chunkCount = 0;
		let vectorCount = 0;
		for (const doc of documents.values()) {
			chunkCount += doc.chunkCount;
			for (let i = 0; i < doc.chunkCount && entry.index; i++) if (entry.index.has(chunkId(doc.id, i))) vectorCount++;
		}
		return {
			workspaceId,
			modelId: config.embedding.modelId,
			modelKey: entry.modelKey,
			state: entry.state,
			indexKind: entry.index ? effectiveKind(entry.index) : null,
			graph: graphStatus(entry),
			dims: entry.index?.dims ?? null,
			vectorCount,
			pendingChunks: chunkCount - vectorCount,
			backends: [...entry.backends].sort(),
			message: entry.message,
			loadMs: entry.loadMs,
			recipe: embeddingRecipeFor(config)
		};
	}

	/** The ready vector index, waiting for a background load to finish. */
	async readyIndex(workspaceId: string, config: AppConfig, documents: ReadonlyMap<string, DocumentRecord>): Promise<VectorIndex | null> {
		const entry = this.open(workspaceId, config, documents);
		await entry.ready;
		return entry.index;
	}

	/**
	 * Embed every chunk of the ready documents that has no valid vector for the configured model,
	 * in batches; each batch is stored (one transaction) before the next starts, so a cancelled
	 * or interrupted job resumes where it stopped.
	 * @throws AssayError `EMBEDDING_CANCELLED` (finished batches kept), `MODEL_LOAD_FAILED`, `VECTOR_DIMS_MISMATCH`.
	 */
	async embed(
		workspaceId: string,
		config: AppConfig,
		documents: ReadonlyMap<string, DocumentRecord>,
		embedder: Embedder,
		jobId: string,
		isCancelled: () => boolean,
		onProgress?: (p: EmbedProgress) => void
	): Promise<EmbedReport> {
		const started = performance.now();
		const entry = this.open(workspaceId, config, documents);
		await entry.ready;
		const spec = embeddingSpecFor(config);
		const store = await this.store();
		const pendingIds: string[] = [];
		for (const doc of documents.values())
			for (const id of documentChunkIds(doc.id, doc.chunkCount)) if (!entry.index?.has(id)) pendingIds.push(id);
		const chunks = (await store.chunks.getMany(pendingIds)).filter((c) => c !== undefined);
		let embedded = 0;
		let backend: EmbeddingBackend | null = null;
		let backendProbe: EmbedResult['backendProbe'];
		await runInBatches(
			chunks,
			async (batch) => {
				const result = await embedder.embed(
					spec,
					batch.map((c) => c.text),
					'passage'
				);
				backend = result.backend;
				entry.index ??= await this.createIndex(entry, config, result.dims);
				const now = Date.now();
				const records: EmbeddingRecord[] = batch.map((c, i) => ({
					workspaceId,
					modelKey: entry.modelKey,
					chunkId: c.id,
					documentId: c.documentId,
					sourceKey: sourceKeyOf(documents.get(c.documentId)!),
					vector: result.vectors[i]!,
					dims: result.dims,
					modelId: spec.modelId,
					dtype: spec.dtype,
					backend: result.backend,
					createdAtMs: now
				}));
				entry.index.add(records.map((r) => ({ id: r.chunkId, vector: r.vector })));
				await store.embeddings.putMany(records);
				entry.backends.add(result.backend);
				if (result.fallbackReason && spec.device !== 'wasm')
					entry.message = `Embedded on ${result.backend.toUpperCase()}: ${result.fallbackReason}.`;
				if (result.backendProbe) {
					backendProbe = result.backendProbe;
					const { wasmMs, webgpuMs, chosen } = result.backendProbe;
					entry.message = `Embedded on ${chosen.toUpperCase()}, chosen by an on-device probe: WASM ${wasmMs.toFixed(0)} ms, WebGPU ${webgpuMs.toFixed(0)} ms per probe batch.`;
				}
				entry.state = 'ready';
				embedded += batch.length;
			},
			{ batchSize: config.embedding.batchSize, isCancelled, ...(onProgress ? { onProgress: (p) => onProgress({ jobId, ...p }) } : {}) }
		);
		const deletedOtherModels = await store.embeddings.deleteOtherModels(workspaceId, entry.modelKey);
		this.linkLater(workspaceId, entry, config, documents);
		return {
			jobId,
			workspaceId,
			embedded,
			backend,
			deletedOtherModels,
			durationMs: performance.now() - started,
			...(backendProbe ? { backendProbe } : {})
		};
	}

	private async load(entry: Entry, workspaceId: string, config: AppConfig, documents: ReadonlyMap<string, DocumentRecord>): Promise<void> {
		const started = performance.now();
		const records = await (await this.store()).embeddings.listByModel(workspaceId, entry.modelKey);
		const valid = records.filter((r) => {
			const doc = documents.get(r.documentId);
			return doc !== undefined && r.sourceKey === sourceKeyOf(doc) && chunkOrdinalOf(r.chunkId) < doc.chunkCount;
		});
		if (valid.length > 0) {
			const dims = valid[0]!.dims;
			if (usesGraph(config)) {
				const sourceKeys = new Map([...documents.values()].map((d) => [d.id, sourceKeyOf(d)]));
				const { index, state } = await restoreGraph(await this.store(), workspaceId, entry.modelKey, dims, valid, sourceKeys);
				entry.index = index;
				entry.graph = state;
			} else {
				const index = await this.createIndex(entry, config, dims);
				index.add(valid.filter((r) => r.dims === index.dims).map((r) => ({ id: r.chunkId, vector: r.vector })));
				entry.index = index;
			}
			for (const r of valid) entry.backends.add(r.backend);
		}
		entry.state = entry.index ? 'ready' : 'none';
		entry.loadMs = performance.now() - started;
	}

	/**
	 * Link the graph of an HNSW index in the background when the setting wants one at this size
	 * (`wantsGraph`); searches run between slices and see unlinked rows scored exactly.
	 */
	private linkLater(workspaceId: string, entry: Entry, config: AppConfig, documents: ReadonlyMap<string, DocumentRecord>): void {
		const index = entry.index;
		if (!(index instanceof HnswIndex) || !entry.graph || index.pending === 0) return;
		if (!wantsGraph(config.embedding.vectorIndex, index.size())) return;
		linkGraph(index, entry.graph, {
			store: this.store,
			workspaceId,
			modelKey: entry.modelKey,
			sourceKeyOf: (id) => {
				const doc = documents.get(documentIdOf(id));
				return doc ? [doc.id, sourceKeyOf(doc)] : undefined;
			},
			current: () => this.entries.get(workspaceId) === entry && entry.index === index,
			pause: nextTask,
			now: () => performance.now()
		}).catch((error: unknown) => {
			entry.message = `The vector graph could not be built or stored (${error instanceof Error ? error.message : String(error)}); searches scan exactly.`;
		});
	}

	private async createIndex(entry: Entry, config: AppConfig, dims: number): Promise<VectorIndex> {
		const setting = config.embedding.vectorIndex;
		if (usesGraph(config)) {
			entry.graph = { linking: false, buildMs: null, recallAt10: null, sampleQueries: 0, restored: false };
			return new HnswIndex(dims);
		}
		if (setting === 'exact-int8') return new ExactVectorIndex(dims, { quantization: 'int8' });
		if (setting === 'exact' || !this.voyLoader) return new ExactVectorIndex(dims);
		try {
			return createVoyIndex(await this.voyLoader(), dims);
		} catch (error) {
			if (!isAssayError(error) || error.code !== 'VECTOR_DIMS_UNSUPPORTED') throw error;
			entry.message = error.message;
			return new ExactVectorIndex(dims);
		}
	}
}

/** `auto` and `hnsw` keep vectors in an {@link HnswIndex} (auto links it only from its threshold). */
function usesGraph(config: AppConfig): boolean {
	return config.embedding.vectorIndex === 'auto' || config.embedding.vectorIndex === 'hnsw';
}

function graphStatus(entry: Entry): SemanticStatus['graph'] {
	const index = entry.index;
	if (!(index instanceof HnswIndex) || !entry.graph) return null;
	const nodes = index.size() + index.deletedNodes;
	return {
		linked: nodes - index.pending,
		pending: index.pending,
		linking: entry.graph.linking,
		buildMs: entry.graph.buildMs,
		recallAt10: entry.graph.recallAt10,
		sampleQueries: entry.graph.sampleQueries,
		restored: entry.graph.restored
	};
}

/** @throws AssayError `SEARCH_MODE_UNAVAILABLE` with a readable reason. */
export function unavailable(reason: string): never {
	throw new AssayError('SEARCH_MODE_UNAVAILABLE', reason);
}
