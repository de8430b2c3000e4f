import { isSearchable } from '../ingest/types.ts';
import type { AppConfig } from '../config/schema.ts';
import type { ChunkRecord, DocumentRecord } from '../ingest/types.ts';
import { Bm25Index, createAnalyzer, type Analyzer, type Bm25Snapshot } from '../search/index.ts';
import type { Span, Tracer } from '../tracing/types.ts';
import type { AssayStore } from '../storage/index.ts';
import type { IndexStatus } from './library-api.ts';

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
 */
export class WorkspaceIndex {
	/** Ready documents in the index, by id. */
	readonly documents = new Map<string, DocumentRecord>();
	private dirty = false;
	/** True once an import or removal changed the index after it was loaded. */
	changedSinceLoad = false;

	private constructor(
		readonly workspaceId: string,
		readonly analyzer: Analyzer,
		readonly bm25: Bm25Index,
		private readonly params: { k1: number; b: number }
	) {}

	/** Load the workspace's index from storage (snapshot, reconcile, or rebuild). */
	static async load(store: AssayStore, workspaceId: string, config: AppConfig, tracer: Tracer, parent?: Span): Promise<{ index: WorkspaceIndex; status: IndexStatus }> {
		const started = performance.now();
		const span = tracer.startSpan('index.load', { ...(parent ? { parent } : {}), attributes: { 'assay.workspace.id': workspaceId } });
		try {
			const analyzer = createAnalyzer(config.bm25.analyzer);
			const params = { k1: config.bm25.k1, b: config.bm25.b };
			const [documents, state] = await Promise.all([store.documents.listByWorkspace(workspaceId), store.indexState.get(workspaceId, 'bm25')]);
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
			const index = new WorkspaceIndex(workspaceId, analyzer, bm25, params);
			const reconciled = await index.reconcile(store, ready, included);
			if (source === 'rebuilt' || reconciled > 0) await index.persist(store);
			index.changedSinceLoad = false;
			const status = index.status(source === 'snapshot' ? reconciledSource(reconciled, ready.length) : source, reconciled, performance.now() - started);
			span.setAttributes({ 'assay.index.source': status.source, 'assay.index.reconciled_documents': reconciled, 'assay.index.chunks': status.chunkCount, 'assay.analyzer': analyzer.fingerprint });
			return { index, status };
		} finally {
			span.end();
		}
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
		for (let i = 0; i < document.chunkCount; i++) this.bm25.remove(`${documentId}#${i}`);
		this.documents.delete(documentId);
		this.dirty = true;
		this.changedSinceLoad = true;
	}

	/** Write the snapshot when anything changed since the last write. */
	async persist(store: AssayStore): Promise<void> {
		if (!this.dirty) return;
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
		const prefix = `${documentId}#`;
		for (const chunkId of [...this.bm25.ids()]) if (chunkId.startsWith(prefix)) this.bm25.remove(chunkId);
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
