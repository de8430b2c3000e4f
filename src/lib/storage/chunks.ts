/**
 * Read access to stored chunks. Chunks are written and deleted together with their document
 * (see `DocumentsRepository`).
 */
import type { ChunkRecord } from '../ingest/types.ts';
import type { Connection } from './connection.ts';

/** Compare chunks by document id (UTF-16 code units), then ordinal. */
function byDocumentThenOrdinal(a: ChunkRecord, b: ChunkRecord): number {
	if (a.documentId !== b.documentId) return a.documentId < b.documentId ? -1 : 1;
	return a.ordinal - b.ordinal;
}

/** Chunk queries. Obtain through `AssayStore.chunks`. */
export class ChunksRepository {
	/** Wraps an open connection. */
	constructor(private readonly connection: Connection) {}

	/** The chunks of one document, in `ordinal` order; `[]` for an unknown document. */
	listByDocument(documentId: string): Promise<ChunkRecord[]> {
		return this.connection.read('chunks.listByDocument', ['chunks'], async (tx) => {
			const chunks = await tx.objectStore('chunks').index('documentId').getAll(documentId);
			return chunks.sort((a, b) => a.ordinal - b.ordinal);
		});
	}

	/**
	 * The chunks of several documents in one transaction, grouped by document in the order of
	 * `documentIds` and in `ordinal` order within each; unknown documents contribute nothing.
	 */
	listByDocuments(documentIds: readonly string[]): Promise<ChunkRecord[]> {
		return this.connection.read('chunks.listByDocuments', ['chunks'], async (tx, batch) => {
			const index = tx.objectStore('chunks').index('documentId');
			const lists = await Promise.all(documentIds.map((id) => batch.add(index.getAll(id))));
			return lists.flatMap((chunks) => chunks.sort((a, b) => a.ordinal - b.ordinal));
		});
	}

	/** All chunks of a workspace, sorted by `documentId` then `ordinal`. Loads them all into memory. */
	listByWorkspace(workspaceId: string): Promise<ChunkRecord[]> {
		return this.connection.read('chunks.listByWorkspace', ['chunks'], async (tx) => {
			const chunks = await tx.objectStore('chunks').index('workspaceId').getAll(workspaceId);
			return chunks.sort(byDocumentThenOrdinal);
		});
	}

	/**
	 * The chunks with the given ids, in the same order and of the same length as `ids`;
	 * `undefined` at the positions of ids that do not exist (e.g. a stale search hit).
	 */
	getMany(ids: readonly string[]): Promise<(ChunkRecord | undefined)[]> {
		return this.connection.read('chunks.getMany', ['chunks'], (tx, batch) => {
			const store = tx.objectStore('chunks');
			return Promise.all(ids.map((id) => batch.add(store.get(id))));
		});
	}

	/** Number of chunks stored for a workspace (0 for an unknown one). */
	countByWorkspace(workspaceId: string): Promise<number> {
		return this.connection.read('chunks.countByWorkspace', ['chunks'], (tx) =>
			tx.objectStore('chunks').index('workspaceId').count(workspaceId)
		);
	}
}
