import { EstimateTokenizer } from '../generation/tokenizer.ts';
import { expandHits, type ExpandConfig } from '../search/retrieval/index.ts';
import type { AssayStore } from '../storage/index.ts';
import type { ParentSpan, SearchHit } from './library-api.ts';

/**
 * Parent-document retrieval on search hits (`expandHits`): each hit is expanded to its parent
 * section or a neighbour window (stored chunks and stored document text; tokens by the prompt
 * budget's {@link EstimateTokenizer}); a hit whose chunk lies inside a better hit's span is
 * folded into it, so a parent appears once, at its best rank. The hits kept are renumbered
 * 1, 2, … and carry `parent`; `expand.mode === 'none'` returns `hits` unchanged.
 */
export async function withParents(hits: readonly SearchHit[], expand: ExpandConfig, store: AssayStore): Promise<readonly SearchHit[]> {
	if (expand.mode === 'none' || hits.length === 0) return hits;
	const byId = new Map(hits.map((h) => [h.chunkId, h]));
	const tokenizer = new EstimateTokenizer();
	const spans = await expandHits(
		hits.map((h) => ({ id: h.chunkId })),
		expand,
		(id) => {
			const h = byId.get(id);
			return h ? { documentId: h.documentId, ordinal: h.chunkOrdinal } : null;
		},
		async (documentId) => {
			const [text, chunks] = await Promise.all([store.documents.text(documentId), store.chunks.listByDocument(documentId)]);
			return text === undefined ? undefined : { text, chunks };
		},
		(t) => tokenizer.countTokens(t)
	);
	return spans.map((s, i): SearchHit => {
		const hit = byId.get(s.hitIds[0]!)!;
		const parent: ParentSpan = {
			kind: s.kind,
			startOffset: s.startOffset,
			endOffset: s.endOffset,
			tokens: s.tokens,
			firstOrdinal: s.firstOrdinal,
			lastOrdinal: s.lastOrdinal,
			text: s.text,
			chunkIds: [...s.hitIds]
		};
		return { ...hit, rank: i + 1, parent };
	});
}
