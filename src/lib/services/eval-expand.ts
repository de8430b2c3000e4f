import { chunkDocument } from '../chunking/index.ts';
import type { RetrievalConfig, Retriever } from '../evals/runner/index.ts';
import { EstimateTokenizer } from '../generation/tokenizer.ts';
import { chunkFormatFor } from '../ingest/media-types.ts';
import type { DocumentRecord } from '../ingest/types.ts';
import { averageTokens, expandHits, type ExpandConfig, type ExpandSource } from '../search/retrieval/index.ts';
import { chunkOrdinalOf, documentIdOf } from '../shared/identity.ts';
import type { AssayStore } from '../storage/index.ts';

/** One returned span as the report records it: portable document reference, UTF-16 offsets into its text, estimated tokens, what was returned. */
export interface ReportSpan {
	readonly doc: string;
	readonly startOffset: number;
	readonly endOffset: number;
	readonly tokens: number;
	readonly kind: 'parent-section' | 'neighbours' | 'chunk';
}

/** What an evaluation with expansion returned: the configuration, the spans per case id, and their mean token count. */
export interface EvalExpansion {
	readonly config: ExpandConfig;
	readonly perQuery: ReadonlyMap<string, readonly ReportSpan[]>;
	readonly averageTokens: number;
	readonly spans: number;
}

/**
 * Expand each evaluated case's chunk hits (as the retriever kept them, see `Retriever.chunkHits`)
 * to at most `config.topK` spans, tokens by the prompt budget's {@link EstimateTokenizer}.
 * Chunk places come from the stored chunks when `storedChunks` (the configuration chunks as the
 * workspace does), else from re-chunking the stored text with `config.chunking` (as the
 * evaluation's own index was built). Only documents in `documents` are expanded.
 * @returns `undefined` when the configuration has no expansion (mode absent or `none`).
 */
export async function expandEvaluation(
	retriever: Retriever,
	cases: readonly { id: string; query: string }[],
	config: RetrievalConfig,
	documents: ReadonlyMap<string, DocumentRecord>,
	store: AssayStore,
	storedChunks: boolean,
	reference: (doc: DocumentRecord) => string
): Promise<EvalExpansion | undefined> {
	const expand = config.expand;
	if (!expand || expand.mode === 'none') return undefined;
	const tokenizer = new EstimateTokenizer();
	const sources = new Map<string, ExpandSource | undefined>();
	const load = async (documentId: string): Promise<ExpandSource | undefined> => {
		if (sources.has(documentId)) return sources.get(documentId);
		const doc = documents.get(documentId);
		const text = doc ? await store.documents.text(documentId) : undefined;
		const source =
			doc && text !== undefined
				? {
						text,
						chunks: storedChunks
							? await store.chunks.listByDocument(documentId)
							: chunkDocument(text, chunkFormatFor(doc.mediaType), config.chunking)
					}
				: undefined;
		sources.set(documentId, source);
		return source;
	};
	const perQuery = new Map<string, ReportSpan[]>();
	const all: { tokens: number }[] = [];
	for (const c of cases) {
		const hits = (retriever.chunkHits?.(c.query) ?? []).map((id) => ({ id }));
		const spans = await expandHits(
			hits,
			expand,
			(id) => (documents.has(documentIdOf(id)) ? { documentId: documentIdOf(id), ordinal: chunkOrdinalOf(id) } : null),
			load,
			(t) => tokenizer.countTokens(t),
			config.topK
		);
		all.push(...spans);
		perQuery.set(
			c.id,
			spans.map((s) => ({
				doc: reference(documents.get(s.documentId)!),
				startOffset: s.startOffset,
				endOffset: s.endOffset,
				tokens: s.tokens,
				kind: s.kind
			}))
		);
	}
	return { config: expand, perQuery, averageTokens: averageTokens(all), spans: all.length };
}
