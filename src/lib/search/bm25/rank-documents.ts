import { AssayError } from '../../shared/errors.ts';
import { compareHits, type ScoredId } from './top-k.ts';

/** A document ranked by its best chunk. */
export interface DocumentHit {
	/** Document id. */
	readonly id: string;
	/** The best chunk's score (max over the document's chunks among the hits). */
	readonly score: number;
	/** Id of the chunk that gave the score. */
	readonly bestChunkId: string;
}

/**
 * Turn chunk hits into a document ranking where each document scores as its best chunk
 * (max-passage, "MaxP"). Order: score descending, ties by document id descending in
 * code-point order (as `Bm25Index.search`). Among equal-scoring chunks of one document the
 * one first in hit order (score desc, chunk id desc) is reported. Input order is irrelevant.
 * Only documents with a chunk among `hits` appear: to rank n documents, search enough chunks.
 * @param chunkToDocument a map or function from chunk id to document id.
 * @throws AssayError `NOT_FOUND` when a chunk id has no document.
 */
export function rankDocumentsByBestChunk(
	hits: readonly ScoredId[],
	chunkToDocument: ReadonlyMap<string, string> | ((chunkId: string) => string | undefined)
): DocumentHit[] {
	const lookup = typeof chunkToDocument === 'function' ? chunkToDocument : (id: string) => chunkToDocument.get(id);
	const best = new Map<string, ScoredId>();
	for (const hit of hits) {
		const documentId = lookup(hit.id);
		if (documentId === undefined) {
			throw new AssayError('NOT_FOUND', `Chunk "${hit.id}" has no document in the chunk-to-document map`, {
				details: { chunkId: hit.id }
			});
		}
		const current = best.get(documentId);
		if (current === undefined || compareHits(hit, current) < 0) best.set(documentId, hit);
	}
	const ranked: DocumentHit[] = [];
	for (const [id, chunk] of best) ranked.push({ id, score: chunk.score, bestChunkId: chunk.id });
	return ranked.sort(compareHits);
}
