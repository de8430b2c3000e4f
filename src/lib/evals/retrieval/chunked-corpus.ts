import { chunkDocument } from '../../chunking/index.ts';
import type { ChunkingConfig } from '../../config/index.ts';
import { EstimateTokenizer } from '../../generation/tokenizer.ts';
import { expandHits, type ExpandConfig, type ExpandedSpan, type ExpandSource } from '../../search/retrieval/index.ts';
import type { BeirDocument } from '../datasets/beir.ts';
import { chunkId } from '../../shared/identity.ts';

/** Items a BEIR run searches: one per document (no expansion), or one per chunk of each document. */
export interface CorpusItems {
	/** Item id → text to index (BM25 and embedding). */
	readonly texts: Map<string, string>;
	/** Item id → its document and chunk ordinal (chunked corpora only). */
	readonly places: Map<string, { documentId: string; ordinal: number }>;
	/** Document id → its text and chunks (chunked corpora only). */
	readonly sources: Map<string, ExpandSource>;
}

/**
 * The text of a BEIR document as the app stores one on BEIR import (`eval-beir.ts`):
 * `title + "\n\n" + text`, or `text` alone without a title. Span offsets index this string.
 */
export function beirDocumentText(doc: BeirDocument): string {
	return doc.title ? `${doc.title}\n\n${doc.text}` : doc.text;
}

/**
 * Chunk a BEIR corpus as the app chunks an imported BEIR document: {@link beirDocumentText}
 * in the `text` format (the import stores `text/plain`) with `chunking`. Item ids are
 * `documentId#ordinal`; a document with no non-whitespace text has no item.
 */
export function chunkCorpus(corpus: readonly BeirDocument[], chunking: ChunkingConfig): CorpusItems {
	const texts = new Map<string, string>();
	const places = new Map<string, { documentId: string; ordinal: number }>();
	const sources = new Map<string, ExpandSource>();
	for (const doc of corpus) {
		const text = beirDocumentText(doc);
		const chunks = chunkDocument(text, 'text', chunking);
		sources.set(doc.id, { text, chunks });
		for (const c of chunks) {
			const id = chunkId(doc.id, c.ordinal);
			texts.set(id, c.text);
			places.set(id, { documentId: doc.id, ordinal: c.ordinal });
		}
	}
	return { texts, places, sources };
}

/**
 * Expand ranked chunk hits of a chunked corpus to at most `limit` spans (see `expandHits`),
 * tokens counted with the prompt budget's {@link EstimateTokenizer}.
 */
export function expandCorpusHits(
	items: CorpusItems,
	hits: readonly { id: string }[],
	config: ExpandConfig,
	limit: number
): Promise<ExpandedSpan[]> {
	const tokenizer = new EstimateTokenizer();
	return expandHits(
		hits,
		config,
		(id) => items.places.get(id) ?? null,
		(documentId) => items.sources.get(documentId),
		(t) => tokenizer.countTokens(t),
		limit
	);
}
