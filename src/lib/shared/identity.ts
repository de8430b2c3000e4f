/**
 * How Assay names things that outlive a session: chunk ids, document references and corpus
 * hashes. Stored data (IndexedDB chunk keys, BM25 snapshots, vectors) and exported reports
 * (JSON, TREC runs, answer reports) hold these strings, so their formats are fixed: change
 * one and old data no longer matches. `tests/unit/shared/identity.test.ts` pins each format.
 */
import { sha256Text } from './hash.ts';

/**
 * The id of a document's chunk: `${documentId}#${ordinal}` (ordinal 0-based, in document
 * order). Document ids never contain `#` in the app (`doc_<hex>`); the CLI uses file paths,
 * which may, so readers split at the LAST `#` ({@link documentIdOf}).
 */
export function chunkId(documentId: string, ordinal: number): string {
	return `${documentId}#${ordinal}`;
}

/** The ids of a document's chunks `0 … chunkCount − 1`, in order (empty for 0 chunks). */
export function documentChunkIds(documentId: string, chunkCount: number): string[] {
	return Array.from({ length: chunkCount }, (_, i) => chunkId(documentId, i));
}

/** The document id of a chunk id (text before the last `#`; the whole id when it has none). */
export function documentIdOf(id: string): string {
	const hash = id.lastIndexOf('#');
	return hash === -1 ? id : id.slice(0, hash);
}

/**
 * The ordinal of a chunk id (number after the last `#`); `NaN` when the id has no `#` or
 * what follows it is not a number.
 */
export function chunkOrdinalOf(id: string): number {
	const hash = id.lastIndexOf('#');
	return hash === -1 ? Number.NaN : Number(id.slice(hash + 1));
}

/** The fields that name a document outside this browser. */
export interface DocumentKeyFields {
	/** Id in the source collection (BEIR `_id`), when the document came from one. */
	readonly externalId?: string;
	/** Path inside the imported folder (the file name for a single file). */
	readonly relativePath: string;
}

/**
 * A document's portable reference in reports, golden sets and citations: its source
 * collection id (`externalId`) when it has one, else its relative path.
 */
export function documentReference(doc: DocumentKeyFields): string {
	return doc.externalId ?? doc.relativePath;
}

/**
 * The content hash of a workspace's corpus, as written in reports (`corpus.contentHash`):
 * SHA-256 (hex) of the lines `<documentReference>\t<contentHash>`, sorted by UTF-16 code
 * unit, joined by `\n`. Independent of document order and of local ids, so two browsers
 * holding the same files get the same hash.
 */
export async function corpusHash(documents: Iterable<DocumentKeyFields & { readonly contentHash: string }>): Promise<string> {
	return sha256Text(
		[...documents]
			.map((d) => `${documentReference(d)}\t${d.contentHash}`)
			.sort()
			.join('\n')
	);
}

/**
 * The content hash of a CLI corpus file's documents (part of a CLI system's cache identity):
 * SHA-256 (hex) of `id U+0000 title U+0000 text` per document, in file order, joined by U+0001.
 */
export async function textCorpusHash(
	documents: readonly { readonly id: string; readonly title: string; readonly text: string }[]
): Promise<string> {
	return sha256Text(documents.map((d) => `${d.id}\u0000${d.title}\u0000${d.text}`).join('\u0001'));
}
