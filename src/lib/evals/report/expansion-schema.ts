import { z } from '../../shared/zod.ts';
import { EXPAND_MODES } from '../../search/retrieval/expand.ts';

/**
 * Report fields of parent-document retrieval (v2, all optional; absent when the run did not
 * expand hits, so such reports read as before). `schemas/eval-report.v2.schema.json` is generated
 * from these (see tests/unit/evals/answers/schema-v2.ts).
 */

/** `retrieval.expand`: the expansion that ran (`src/lib/search/retrieval/expand.ts`). */
export const ReportExpandConfigSchema = z.object({
	mode: z.enum(EXPAND_MODES),
	/** Token budget of one span (estimated tokens). */
	maxTokens: z.number().int().min(1),
	/** Chunks on each side of a hit (`neighbours`). */
	windowChunks: z.number().int().min(0)
});

/** `expansion`: spans returned over all evaluated cases and their mean estimated token count. */
export const ExpansionSummarySchema = z.object({
	spans: z.number().int().min(0),
	averageTokens: z.number().finite().min(0)
});

/**
 * `perQuery[].spans`: the case's returned spans, best first (at most topK) — portable document
 * reference, UTF-16 offsets into the document text (start inclusive, end exclusive), estimated
 * tokens, and what was returned: the parent section, a neighbour window, or the chunk alone.
 */
export const ReportSpansSchema = z.array(
	z.object({
		doc: z.string(),
		startOffset: z.number().int().min(0),
		endOffset: z.number().int().min(0),
		tokens: z.number().int().min(0),
		kind: z.enum(['parent-section', 'neighbours', 'chunk'])
	})
);
