/**
 * Documents and their texts and chunks: reads, and the atomic writes used by import.
 */
import type { ChunkRecord, DocumentRecord } from '../ingest/types.ts';
import { AssayError } from '../shared/errors.ts';
import type { Connection, RequestBatch, StoreTransaction } from './connection.ts';
import type { DocumentTextRecord } from './schema.ts';

/** Input of {@link DocumentsRepository.save}. */
export interface SaveDocumentInput {
	/** The document to store (usually `status: 'ready'`). */
	readonly document: DocumentRecord;
	/** Its decoded, normalised text (the chunks' offsets point into it). */
	readonly text: string;
	/**
	 * The parser's structure of the text (sections, units, repeated header), kept so the text
	 * can be re-chunked with another configuration without parsing the file again.
	 */
	readonly structure?: DocumentTextRecord['structure'];
	/** The raw bytes, kept for a re-decode when the encoding was uncertain. */
	readonly rawBytes?: Uint8Array;
	/** Its chunks; each must have `documentId === document.id` and `workspaceId === document.workspaceId`. */
	readonly chunks: readonly ChunkRecord[];
	/** An earlier document this one replaces (same path, new content): it is removed with its text and chunks. */
	readonly replaceDocumentId?: string;
}

/** What a save or delete removed, so callers can update search indexes. */
export interface RemovedChunks {
	/** Ids of the chunks that were deleted (of the replaced or deleted document). */
	readonly removedChunkIds: readonly string[];
	/** The workspace's document generation after this write (see {@link DocumentsRepository.generation}). */
	readonly generation: number;
}

const DOCUMENT_STORES = ['documents', 'documentTexts', 'chunks', 'settings'] as const;

/** `settings` key of a workspace's document generation. */
const generationKey = (workspaceId: string) => `documentGeneration:${workspaceId}`;

/** Add one to the workspace's document generation inside the write transaction `tx`; resolves with the new value. */
async function bumpGeneration(tx: DocumentWriteTx, workspaceId: string): Promise<number> {
	const store = tx.objectStore('settings');
	const current = (await store.get(generationKey(workspaceId)))?.value;
	const next = (typeof current === 'number' ? current : 0) + 1;
	await store.put({ key: generationKey(workspaceId), value: next });
	return next;
}
type DocumentWriteTx = StoreTransaction<typeof DOCUMENT_STORES, 'readwrite'>;

/** Compare strings by UTF-16 code units (locale-independent, deterministic). */
function byCodeUnits(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** Documents, texts and document-scoped chunk writes. Obtain through `AssayStore.documents`. */
export class DocumentsRepository {
	/** Wraps an open connection. */
	constructor(private readonly connection: Connection) {}

	/** All documents of a workspace, sorted by `relativePath` (UTF-16 code unit order); `[]` when none. */
	listByWorkspace(workspaceId: string): Promise<DocumentRecord[]> {
		return this.connection.read('documents.listByWorkspace', ['documents'], async (tx) => {
			const documents = await tx.objectStore('documents').index('workspaceId').getAll(workspaceId);
			return documents.sort((a, b) => byCodeUnits(a.relativePath, b.relativePath) || byCodeUnits(a.id, b.id));
		});
	}

	/**
	 * The workspace's document generation: a counter (0 before any write) that every document
	 * write (`save`, `saveFailed`, `delete`) raises by one in the same transaction, so a tab can
	 * tell cheaply whether its in-memory index is behind what any tab stored.
	 */
	async generation(workspaceId: string): Promise<number> {
		const value = await this.connection.read(
			'documents.generation',
			['settings'],
			async (tx) => (await tx.objectStore('settings').get(generationKey(workspaceId)))?.value
		);
		return typeof value === 'number' ? value : 0;
	}

	/** The document with this id, or `undefined`. */
	get(id: string): Promise<DocumentRecord | undefined> {
		return this.connection.read('documents.get', ['documents'], (tx) => tx.objectStore('documents').get(id));
	}

	/**
	 * Documents of `workspaceId` whose `contentHash` (SHA-256 hex of the raw bytes) equals
	 * `contentHash`, sorted by id; usually zero or one. Used to detect duplicate imports.
	 */
	findByHash(workspaceId: string, contentHash: string): Promise<DocumentRecord[]> {
		return this.connection.read('documents.findByHash', ['documents'], async (tx) => {
			const found = await tx.objectStore('documents').index('workspaceId_contentHash').getAll([workspaceId, contentHash]);
			return found.sort((a, b) => byCodeUnits(a.id, b.id));
		});
	}

	/**
	 * The document of `workspaceId` at `relativePath` (exact, case-sensitive match), or
	 * `undefined`. Paths are not unique in storage: if several documents share one (saved
	 * without `replaceDocumentId`), the one with the smallest id is returned.
	 */
	findByPath(workspaceId: string, relativePath: string): Promise<DocumentRecord | undefined> {
		return this.connection.read('documents.findByPath', ['documents'], (tx) =>
			tx.objectStore('documents').index('workspaceId_relativePath').get([workspaceId, relativePath])
		);
	}

	/** The stored text of a document, or `undefined` (unknown id, or a failed/unsupported document). */
	text(documentId: string): Promise<string | undefined> {
		return this.connection.read(
			'documents.text',
			['documentTexts'],
			async (tx) => (await tx.objectStore('documentTexts').get(documentId))?.text
		);
	}

	/** The stored text record (text and parser structure), or `undefined`. */
	textRecord(documentId: string): Promise<DocumentTextRecord | undefined> {
		return this.connection.read('documents.textRecord', ['documentTexts'], (tx) => tx.objectStore('documentTexts').get(documentId));
	}

	/**
	 * Store a document with its text and chunks in ONE read-write transaction. If
	 * `replaceDocumentId` is given, that document, its text and its chunks are deleted in the same
	 * transaction (a missing one is ignored); any chunks already stored under `document.id` are
	 * replaced too. Either everything is written or nothing changes.
	 * Resolves with the ids of the chunks removed.
	 * Throws `INTERNAL` when a chunk belongs to another document or workspace (nothing written),
	 * `STORAGE_QUOTA` when storage is full, `STORAGE_FAILED` for other failures (e.g. a value
	 * that cannot be structured-cloned).
	 */
	async save(input: SaveDocumentInput): Promise<RemovedChunks> {
		const { document, text, chunks } = input;
		for (const chunk of chunks) {
			if (chunk.documentId !== document.id || chunk.workspaceId !== document.workspaceId) {
				throw new AssayError(
					'INTERNAL',
					`Chunk "${chunk.id}" does not belong to the document being saved: expected documentId "${document.id}" and workspaceId "${document.workspaceId}", received "${chunk.documentId}" and "${chunk.workspaceId}".`
				);
			}
		}
		return this.connection.write('documents.save', DOCUMENT_STORES, async (tx, batch) => {
			const removedChunkIds = await removeDocumentData(tx, batch, input.replaceDocumentId, document.id);
			batch.add(tx.objectStore('documents').put(document));
			batch.add(
				tx.objectStore('documentTexts').put({
					documentId: document.id,
					text,
					...(input.structure ? { structure: input.structure } : {}),
					...(input.rawBytes ? { rawBytes: input.rawBytes } : {})
				})
			);
			const chunkStore = tx.objectStore('chunks');
			for (const chunk of chunks) batch.add(chunkStore.put(chunk));
			return { removedChunkIds, generation: await bumpGeneration(tx, document.workspaceId) };
		});
	}

	/**
	 * Store a document that could not be imported (`status` `failed` or `unsupported`, with no
	 * text or chunks). If `replaceDocumentId` is given, that document with its text and chunks is
	 * removed in the same transaction. `rawBytes` (an unsupported file that looks like text) are
	 * kept in its text record (empty text) for a later "Read as text". Resolves with the removed
	 * chunk ids. Throws `INTERNAL` for a `ready` document; storage errors as {@link save}.
	 */
	async saveFailed(document: DocumentRecord, replaceDocumentId?: string, rawBytes?: Uint8Array): Promise<RemovedChunks> {
		if (document.status === 'ready' || document.status === 'ready-with-warnings') {
			throw new AssayError(
				'INTERNAL',
				`saveFailed expects a document with status "failed", "unsupported" or "needs-ocr", received "${document.status}" for "${document.relativePath}".`
			);
		}
		return this.connection.write('documents.saveFailed', DOCUMENT_STORES, async (tx, batch) => {
			const removedChunkIds = await removeDocumentData(tx, batch, replaceDocumentId, document.id);
			batch.add(tx.objectStore('documents').put(document));
			if (rawBytes) batch.add(tx.objectStore('documentTexts').put({ documentId: document.id, text: '', rawBytes }));
			return { removedChunkIds, generation: await bumpGeneration(tx, document.workspaceId) };
		});
	}

	/**
	 * Delete a document, its text and its chunks in one transaction; resolves with the removed
	 * chunk ids. Throws `NOT_FOUND` (nothing changed) when no document has this id.
	 */
	delete(documentId: string): Promise<RemovedChunks> {
		return this.connection.write('documents.delete', DOCUMENT_STORES, async (tx, batch) => {
			const existing = await tx.objectStore('documents').get(documentId);
			if (existing === undefined) {
				throw new AssayError('NOT_FOUND', `No document with id "${documentId}" exists.`, { details: { documentId } });
			}
			const removedChunkIds = await removeDocumentData(tx, batch, documentId);
			return { removedChunkIds, generation: await bumpGeneration(tx, existing.workspaceId) };
		});
	}
}

/**
 * Queue deletion of each given document, its text and all its chunks; resolves with the chunk
 * ids removed. Undefined ids are skipped; duplicates are removed once.
 */
async function removeDocumentData(tx: DocumentWriteTx, batch: RequestBatch, ...documentIds: (string | undefined)[]): Promise<string[]> {
	const ids = [...new Set(documentIds.filter((id): id is string => id !== undefined))];
	const chunkStore = tx.objectStore('chunks');
	const chunkIdLists = await Promise.all(ids.map((id) => batch.add(chunkStore.index('documentId').getAllKeys(id))));
	for (const id of ids) {
		batch.add(tx.objectStore('documents').delete(id));
		batch.add(tx.objectStore('documentTexts').delete(id));
	}
	const chunkIds = chunkIdLists.flat();
	for (const chunkId of chunkIds) batch.add(chunkStore.delete(chunkId));
	return chunkIds;
}
