import { Bm25Index, rankDocumentsByBestChunk, type Analyzer, type Bm25Params } from '../../search/index.ts';
import { AssayError } from '../../shared/errors.ts';
import { noopTracer, withSpan, type Tracer } from '../../tracing/index.ts';
import type { BeirDocument, BeirQuery } from '../datasets/beir.ts';
import type { RankedList } from '../metrics/trec-format.ts';
import { chunkId } from '../../shared/identity.ts';

/** Options of {@link runBm25}. */
export interface Bm25RunOptions {
	readonly params: Bm25Params;
	readonly analyzer: Analyzer;
	/** Documents kept per query (TREC depth). Positive integer; the usual value is 1000. */
	readonly depth: number;
	/**
	 * Chunk mode: the texts to index for one document (e.g. `title + " " + chunk.text` per
	 * chunk). Each becomes an item `<docId>#<ordinal>` and documents rank by their best
	 * chunk. An empty array indexes the title alone, so every document counts in N.
	 * Absent: each document is one item, `title + " " + text`.
	 */
	readonly splitDocument?: (document: BeirDocument) => readonly string[];
	readonly tracer?: Tracer;
}

/** Result of {@link runBm25}: one ranked list per query, in query order. */
export interface Bm25RunResult {
	readonly lists: RankedList[];
	/** Items indexed (documents, or chunks in chunk mode). */
	readonly itemCount: number;
	/** Wall time of indexing and of all searches, milliseconds. */
	readonly indexMs: number;
	readonly searchMs: number;
}

/**
 * Index a corpus with BM25 and rank documents for each query (the reference-run recipe of
 * `shared/datasets/README.md`: indexed text `title + " " + text`, query text as is, at most
 * `depth` documents with score > 0, ties by document id descending). Runs inside the spans
 * `assay.bm25.index` and `assay.bm25.search`.
 * @throws AssayError `CONFIG_INVALID` for bad BM25 parameters or a depth that is not a positive integer.
 */
export async function runBm25(
	corpus: readonly BeirDocument[],
	queries: readonly BeirQuery[],
	options: Bm25RunOptions
): Promise<Bm25RunResult> {
	if (!Number.isInteger(options.depth) || options.depth < 1) {
		throw new AssayError('CONFIG_INVALID', `depth must be a positive integer, received ${String(options.depth)}`);
	}
	const tracer = options.tracer ?? noopTracer;
	const index = new Bm25Index(options.params, options.analyzer);
	const chunkToDocument = new Map<string, string>();
	const t0 = performance.now();
	await withSpan(tracer, 'assay.bm25.index', { attributes: { 'assay.documents': corpus.length } }, (span) => {
		for (const doc of corpus) {
			if (!options.splitDocument) {
				index.add(doc.id, `${doc.title} ${doc.text}`);
				continue;
			}
			const texts = options.splitDocument(doc);
			(texts.length > 0 ? texts : [doc.title]).forEach((text, ordinal) => {
				const itemId = chunkId(doc.id, ordinal);
				chunkToDocument.set(itemId, doc.id);
				index.add(itemId, text);
			});
		}
		span.setAttributes({ 'assay.items': index.size, 'assay.analyzer': options.analyzer.fingerprint });
	});
	const t1 = performance.now();
	const lists = await withSpan(tracer, 'assay.bm25.search', { attributes: { 'assay.queries': queries.length } }, () =>
		queries.map((query): RankedList => {
			if (!options.splitDocument) {
				return { queryId: query.id, hits: index.search(query.text, { topK: options.depth }) };
			}
			// A document's best chunk may rank anywhere, so rank every matching chunk.
			const chunkHits = index.search(query.text, { topK: index.size });
			const documents = rankDocumentsByBestChunk(chunkHits, chunkToDocument).slice(0, options.depth);
			return { queryId: query.id, hits: documents };
		})
	);
	return { lists, itemCount: index.size, indexMs: t1 - t0, searchMs: performance.now() - t1 };
}
