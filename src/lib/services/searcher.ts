import type { Analyzer } from '../search/index.ts';
import type { ChunkRecord, DocumentRecord } from '../ingest/types.ts';
import type { SearchHit } from './library-api.ts';
import { documentReference } from '../shared/identity.ts';

/**
 * A search hit for a stored chunk of a document: where it comes from (document, heading
 * path, pages, offsets) and its marked query terms. Shared by every retrieval mode so a hit
 * looks the same whichever retriever found it.
 */
export function toSearchHit(
	chunk: ChunkRecord,
	doc: DocumentRecord,
	rank: number,
	score: number,
	highlights: [number, number][]
): SearchHit {
	return {
		rank,
		score,
		chunkId: chunk.id,
		chunkOrdinal: chunk.ordinal,
		documentId: doc.id,
		documentName: doc.name,
		relativePath: doc.relativePath,
		documentRef: documentReference(doc),
		headingPath: chunk.headingPath,
		...(chunk.pageStart !== undefined ? { pageStart: chunk.pageStart, pageEnd: chunk.pageEnd ?? chunk.pageStart } : {}),
		text: chunk.text,
		startOffset: chunk.startOffset,
		endOffset: chunk.endOffset,
		highlights
	};
}

/**
 * `[start, end)` ranges (UTF-16, into `text`) of tokens whose analyzed term is a query term,
 * merged when they overlap (CJK bigrams overlap by one character) and sorted.
 */
export function highlightRanges(analyzer: Analyzer, text: string, queryTerms: ReadonlySet<string>): [number, number][] {
	const ranges: [number, number][] = [];
	for (const token of analyzer.tokens(text)) {
		if (!queryTerms.has(token.term)) continue;
		const last = ranges[ranges.length - 1];
		if (last && token.start <= last[1]) last[1] = Math.max(last[1], token.end);
		else ranges.push([token.start, token.end]);
	}
	return ranges;
}
