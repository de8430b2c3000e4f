import type { ChunkingConfig } from '../lib/config/index.ts';
import type { ExpandConfig, ExpandedSpan } from '../lib/search/retrieval/index.ts';

/** Identifier of the `assay run --spans-out` file (`schemas/expanded-spans.v1.schema.json`). */
export const SPANS_SCHEMA = 'assay.expanded-spans/v1';

/**
 * The `--spans-out` document: the expansion and chunking that ran, the mean token count of
 * the returned spans, and per query id the spans best first — BEIR document id, UTF-16
 * offsets into the document text as the app stores it (`title + "\n\n" + text`, or `text`),
 * tokens (the prompt budget's estimate), what was returned (`parent-section`, `neighbours`,
 * `chunk`) and the chunk hits that collapsed into it. Pretty-printed JSON with a final newline.
 */
export function formatSpansFile(
	dataset: string,
	expand: ExpandConfig,
	chunking: ChunkingConfig,
	expansion: { readonly spans: ReadonlyMap<string, readonly ExpandedSpan[]>; readonly averageTokens: number }
): string {
	const queries = Object.fromEntries(
		[...expansion.spans].map(([qid, spans]) => [
			qid,
			spans.map((s) => ({
				doc: s.documentId,
				startOffset: s.startOffset,
				endOffset: s.endOffset,
				tokens: s.tokens,
				kind: s.kind,
				hits: [...s.hitIds]
			}))
		])
	);
	return `${JSON.stringify({ schema: SPANS_SCHEMA, dataset, expand, chunking, averageTokens: expansion.averageTokens, queries }, null, 2)}\n`;
}
