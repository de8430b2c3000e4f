import type { Analyzer } from '../search/index.ts';
import type { ChunkRecord, DocumentRecord } from '../ingest/types.ts';
import { AssayError } from '../shared/errors.ts';
import { withSpan } from '../tracing/tracer.ts';
import type { Tracer } from '../tracing/types.ts';
import type { AssayStore } from '../storage/index.ts';
import type { SearchHit, SearchRequest, SearchResponse } from './library-api.ts';
import type { WorkspaceIndex } from './workspace-index.ts';

/**
 * BM25 search over a workspace's chunks: score in memory, then read only the top-k chunks
 * from storage and mark the query terms in their text (with the same analyzer, so a
 * highlighted word is exactly a word that scored).
 * @throws AssayError `CONFIG_INVALID` when `topK` is outside 1–1000.
 */
export async function searchWorkspace(store: AssayStore, index: WorkspaceIndex, request: SearchRequest, tracer: Tracer): Promise<SearchResponse> {
	if (!Number.isInteger(request.topK) || request.topK < 1 || request.topK > 1000) {
		throw new AssayError('CONFIG_INVALID', `topK must be an integer from 1 to 1000, got ${request.topK}.`);
	}
	const started = performance.now();
	return withSpan(tracer, 'search', { attributes: { 'assay.search.mode': 'lexical', 'assay.search.top_k': request.topK, 'assay.search.query_chars': request.query.length } }, async (span) => {
		const queryTerms = index.analyzer.analyze(request.query);
		const allowed = request.documentIds && request.documentIds.length > 0 ? new Set(request.documentIds) : null;
		const scored = index.bm25.search(request.query, {
			topK: request.topK,
			...(allowed ? { filter: (chunkId: string) => allowed.has(chunkId.slice(0, chunkId.lastIndexOf('#'))) } : {})
		});
		const chunks = await store.chunks.getMany(scored.map((s) => s.id));
		const termSet = new Set(queryTerms);
		const hits: SearchHit[] = [];
		for (const [i, s] of scored.entries()) {
			const chunk = chunks[i];
			const doc = chunk ? index.documents.get(chunk.documentId) : undefined;
			if (!chunk || !doc) continue; // removed between scoring and reading: skip, never show stale text
			hits.push(toSearchHit(chunk, doc, hits.length + 1, s.score, highlightRanges(index.analyzer, chunk.text, termSet)));
		}
		span.setAttributes({ 'assay.search.hits': hits.length, 'assay.search.query_terms': queryTerms.length });
		return { hits, queryTerms, analyzer: index.analyzer.name, analyzerFingerprint: index.analyzer.fingerprint, tookMs: performance.now() - started, traceId: span.traceId };
	});
}

/**
 * A search hit for a stored chunk of a document: where it comes from (document, heading
 * path, pages, offsets) and its marked query terms. Shared by every retrieval mode so a hit
 * looks the same whichever retriever found it.
 */
export function toSearchHit(chunk: ChunkRecord, doc: DocumentRecord, rank: number, score: number, highlights: [number, number][]): SearchHit {
	return {
		rank,
		score,
		chunkId: chunk.id,
		chunkOrdinal: chunk.ordinal,
		documentId: doc.id,
		documentName: doc.name,
		relativePath: doc.relativePath,
		documentRef: doc.externalId ?? doc.relativePath,
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
