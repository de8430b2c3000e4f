import { isSearchable } from '../ingest/types.ts';
import type { AppConfig } from '../config/schema.ts';
import type { ChunkRecord, DocumentRecord } from '../ingest/types.ts';
import { Bm25Index, createAnalyzer, type Analyzer, type Bm25Snapshot } from '../search/index.ts';
import type { Span, Tracer } from '../tracing/types.ts';
import type { AssayStore } from '../storage/index.ts';
import type { IndexStatus } from './library-api.ts';
import { inProcessLocks, type TabLocks } from './tab-sync.ts';
import { documentChunkIds, documentIdOf } from '../shared/identity.ts';

/** Locks used when the caller passes none (one realm: the CLI and tests of a single service). */
const REALM_LOCKS = inProcessLocks();

/**
 * The in-memory lexical index of one workspace and its persistence. Chunks are indexed by
 * chunk id; a document's chunk ids are `${documentId}#${ordinal}` for ordinals below its
 * `chunkCount`, so removal needs no lookup.
 *
 * Loading prefers the stored snapshot (postings, no re-tokenizing). A snapshot made with
 * another analyzer or other BM25 parameters is discarded and the index rebuilt from the
 * stored chunks. A snapshot that is merely stale (the tab closed mid-import, so some
 * documents were stored after the last snapshot, or removed) is reconciled document by
 * document: only the difference is re-tokenized.
 *
 * Several tabs: each tab's worker holds its own index. The index remembers the workspace's
 * stored document generation it reflects; {@link sync} compares it with the stored one and, if
 * another tab stored or removed documents, reconciles the difference document by document.
 * {@link persist} writes the snapshot under a lock per workspace after syncing, so a snapshot
 * always covers every document stored when it was written (writes merge instead of the last
 * writer dropping the other tab's documents).
 */
export class WorkspaceIndex {
	/** Ready documents in the index, by id. */
	readonly documents = new Map<string, DocumentRecord>();
	private dirty = false;
	/** True once an import or removal changed the index after it was loaded. */
	changedSinceLoad = false;
	/** The stored document generation this index reflects (see `DocumentsRepository.generation`). */
	private generation = 0;
	/** Every document (any status) read by {@link load}, with the generation read before it; taken once. */
	private loadedList: { readonly generation: number; readonly documents: DocumentRecord[] } | null = null;

	private constructor(
		readonly workspaceId: string,
		readonly analyzer: Analyzer,
		readonly bm25: Bm25Index,
		private readonly params: { k1: number; b: number },
		private readonly locks: TabLocks
	) {}

	/**
	 * Load the workspace's index from storage (snapshot, reconcile, or rebuild). `locks`
	 * coordinates snapshot writes across tabs (default: this realm only).
	 */
	static async load(
		store: AssayStore,
		workspaceId: string,
		config: AppConfig,
		tracer: Tracer,
		parent?: Span,
		locks: TabLocks = REALM_LOCKS
	): Promise<{ index: WorkspaceIndex; status: IndexStatus }> {
		const started = performance.now();
		const span = tracer.startSpan('index.load', { ...(parent ? { parent } : {}), attributes: { 'assay.workspace.id': workspaceId } });
		try {
			const analyzer = createAnalyzer(config.bm25.analyzer);
			const params = { k1: config.bm25.k1, b: config.bm25.b };
			// Read before the documents: a write in between leaves the index behind, never ahead.
			const generation = await store.documents.generation(workspaceId);
			const [documents, state] = await Promise.all([
				store.documents.listByWorkspace(workspaceId),
				store.indexState.get(workspaceId, 'bm25')
			]);
			const ready = documents.filter((d) => isSearchable(d.status));
			let source: IndexStatus['source'] = 'snapshot';
			let bm25: Bm25Index | null = null;
			let included: Record<string, string> = {};
			if (state && state.analyzerFingerprint === analyzer.fingerprint && sameParams(state.params, params)) {
				try {
					bm25 = Bm25Index.fromSnapshot(state.snapshot as Bm25Snapshot, analyzer, params);
					included = { ...state.documentHashes };
				} catch (error) {
					span.addEvent('snapshot.rejected', { reason: String(error) });
				}
			}
			if (!bm25) {
				bm25 = new Bm25Index(params, analyzer);
				source = ready.length === 0 ? 'empty' : 'rebuilt';
			}
			const index = new WorkspaceIndex(workspaceId, analyzer, bm25, params, locks);
			const reconciled = await index.reconcile(store, ready, included);
			index.generation = generation;
			index.loadedList = { generation, documents };
			if (source === 'rebuilt' || reconciled > 0) await index.persist(store);
			index.changedSinceLoad = false;
			const status = index.status(
				source === 'snapshot' ? reconciledSource(reconciled, ready.length) : source,
				reconciled,
				performance.now() - started
			);
			span.setAttributes({
				'assay.index.source': status.source,
				'assay.index.reconciled_documents': reconciled,
				'assay.index.chunks': status.chunkCount,
				'assay.analyzer': analyzer.fingerprint
			});
			return { index, status };
		} finally {
			span.end();
		}
	}

	/**
	 * The workspace's whole document list as {@link load} read it, with the stored generation read
	 * before it — once (the reference is dropped), so a page's first `listDocuments` after opening
	 * a large workspace costs one small read, not a second read of every document. Use it only if
	 * the stored generation still equals `generation` (a write since makes it stale).
	 */
	takeLoadedList(): { readonly generation: number; readonly documents: DocumentRecord[] } | null {
		const list = this.loadedList;
		this.loadedList = null;
		return list;
	}

	/**
	 * Add a stored document's chunks. `onChunk` runs after each chunk is added (a time budget);
	 * if it throws, the chunks added so far are removed again and the error propagates, so the
	 * index never holds part of a document.
	 */
	addDocument(document: DocumentRecord, chunks: readonly ChunkRecord[], onChunk?: () => void): void {
		let added = 0;
		try {
			for (const chunk of chunks) {
				this.bm25.add(chunk.id, chunk.text);
				added++;
				onChunk?.();
			}
		} catch (error) {
			for (const chunk of chunks.slice(0, added)) this.bm25.remove(chunk.id);
			throw error;
		}
		this.documents.set(document.id, document);
		this.dirty = true;
		this.changedSinceLoad = true;
	}

	/** Remove a document's chunks (no-op for an unknown document). */
	removeDocument(documentId: string): void {
		const document = this.documents.get(documentId);
		if (!document) return;
		for (const id of documentChunkIds(documentId, document.chunkCount)) this.bm25.remove(id);
		this.documents.delete(documentId);
		this.dirty = true;
		this.changedSinceLoad = true;
	}

	/**
	 * Record that this tab's own write raised the stored generation to `generation` and the index
	 * already reflects it. Only a direct successor is taken: if another tab wrote in between, the
	 * index stays behind and the next {@link sync} reconciles.
	 */
	noteWrite(generation: number): void {
		if (generation === this.generation + 1) this.generation = generation;
	}

	/**
	 * Bring the index in line with the documents stored by any tab, if the stored generation moved
	 * since the index last saw it: documents removed elsewhere are dropped, new or changed ones
	 * (content or chunking hash) are re-read from their stored chunks. Resolves with the number of
	 * documents added, replaced or removed (0 when the index was current: one small read).
	 * Callers serialise it with their own imports/removals of the workspace (the library's queue).
	 */
	async sync(store: AssayStore): Promise<number> {
		const generation = await store.documents.generation(this.workspaceId);
		if (generation === this.generation) return 0;
		const ready = (await store.documents.listByWorkspace(this.workspaceId)).filter((d) => isSearchable(d.status));
		const stored = new Map(ready.map((d) => [d.id, d]));
		let changed = 0;
		for (const id of [...this.documents.keys()]) {
			if (stored.has(id)) continue;
			this.removeDocument(id);
			changed++;
		}
		for (const doc of ready) {
			const known = this.documents.get(doc.id);
			if (
				known &&
				known.contentHash === doc.contentHash &&
				known.chunkCount === doc.chunkCount &&
				known.chunkingConfigHash === doc.chunkingConfigHash
			)
				continue;
			if (known) this.removeDocument(doc.id);
			this.addDocument(doc, await store.chunks.listByDocument(doc.id));
			changed++;
		}
		this.generation = generation;
		return changed;
	}

	/**
	 * Write the snapshot when anything changed since the last write: under the workspace's lock
	 * (`assay-bm25:<workspaceId>`), after a {@link sync}, so it covers what other tabs stored too.
	 */
	async persist(store: AssayStore): Promise<void> {
		if (!this.dirty) return;
		await this.locks.request(`assay-bm25:${this.workspaceId}`, async () => {
			await this.sync(store);
			const documentHashes: Record<string, string> = {};
			for (const [id, doc] of this.documents) documentHashes[id] = doc.contentHash;
			await store.indexState.put({
				workspaceId: this.workspaceId,
				kind: 'bm25',
				analyzerFingerprint: this.analyzer.fingerprint,
				params: { ...this.params },
				snapshot: this.bm25.toSnapshot(),
				documentHashes,
				updatedAtMs: Date.now()
			});
			this.dirty = false;
		});
	}

	/** The status line for the UI. */
	status(source: IndexStatus['source'], reconciledDocuments: number, loadMs: number): IndexStatus {
		let chunkCount = 0;
		for (const doc of this.documents.values()) chunkCount += doc.chunkCount;
		return {
			workspaceId: this.workspaceId,
			source,
			reconciledDocuments,
			documentCount: this.documents.size,
			chunkCount,
			termCount: this.bm25.stats().termCount,
			analyzerFingerprint: this.analyzer.fingerprint,
			loadMs
		};
	}

	/** Drop a snapshot document's chunks; the snapshot does not record their count, so match the id prefix. */
	private removeSnapshotChunks(documentId: string): void {
		for (const chunkId of [...this.bm25.ids()]) if (documentIdOf(chunkId) === documentId) this.bm25.remove(chunkId);
	}

	/** Bring the index in line with the stored ready documents; returns documents added + removed. */
	private async reconcile(store: AssayStore, ready: readonly DocumentRecord[], included: Record<string, string>): Promise<number> {
		let changed = 0;
		const readyIds = new Set(ready.map((d) => d.id));
		for (const [id] of Object.entries(included)) {
			if (readyIds.has(id)) continue;
			this.removeSnapshotChunks(id);
			changed++;
		}
		for (const doc of ready) {
			if (included[doc.id] === doc.contentHash) {
				this.documents.set(doc.id, doc);
				continue;
			}
			if (doc.id in included) this.removeSnapshotChunks(doc.id);
			this.addDocument(doc, await store.chunks.listByDocument(doc.id));
			changed++;
		}
		if (changed > 0) this.dirty = true;
		return changed;
	}
}

/** Compare stored BM25 parameters with the configured ones. */
function sameParams(stored: Readonly<Record<string, unknown>>, params: { k1: number; b: number }): boolean {
	return stored.k1 === params.k1 && stored.b === params.b;
}

/** A snapshot that needed reconciling is still a snapshot load when most of it was reused. */
function reconciledSource(reconciled: number, total: number): IndexStatus['source'] {
	return reconciled > 0 && reconciled === total ? 'rebuilt' : 'snapshot';
}
