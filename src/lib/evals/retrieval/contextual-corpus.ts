import type { ContextualChunk } from '../../search/contextual/index.ts';
import type { BeirDocument } from '../datasets/beir.ts';
import type { CorpusItems } from './chunked-corpus.ts';

/**
 * The items of a BEIR run as chunks to contextualise: with `items` (a chunked corpus), each
 * chunk with its document's title, stored text, section path and offset; without, each document
 * as one item whose text is `title + " " + text` (what BM25 indexes in such a run).
 */
export function contextualChunksOf(corpus: readonly BeirDocument[], items: CorpusItems | null): ContextualChunk[] {
	if (!items)
		return corpus.map((doc) => {
			const text = doc.title ? `${doc.title} ${doc.text}` : doc.text;
			return { id: doc.id, documentTitle: doc.title, sectionPath: [], documentText: text, chunkText: text };
		});
	const titles = new Map(corpus.map((d) => [d.id, d.title]));
	const out: ContextualChunk[] = [];
	for (const [id, place] of items.places) {
		const source = items.sources.get(place.documentId);
		const chunk = source?.chunks.find((c) => c.ordinal === place.ordinal);
		const text = items.texts.get(id);
		if (!source || !chunk || text === undefined) continue;
		out.push({
			id,
			documentTitle: titles.get(place.documentId) ?? '',
			sectionPath: chunk.headingPath,
			documentText: source.text,
			chunkStart: chunk.startOffset,
			chunkText: text
		});
	}
	return out;
}
