/**
 * "Promote to golden set": a trace becomes a golden case. The draft holds the trace's query, its
 * retrieved documents as candidates (none marked relevant: the user decides) and its answer as a
 * reference to correct; {@link caseFromPromotion} turns the user's edits into a {@link GoldenCase}
 * whose `source` records the trace and span it came from.
 */
import { AssayError } from '../shared/errors.ts';
import type { GoldenCase } from '../evals/golden/types.ts';
import { rootSpan, traceAnswer, traceDocuments, traceQuery, type TraceDocument } from './content.ts';
import type { SpanRecord } from './types.ts';

/** What the promotion dialog starts from. */
export interface PromotionDraft {
	readonly traceId: string;
	/** The root span: the case's `source.spanId`. */
	readonly spanId: string;
	/** The trace's query, `''` when it recorded none (the user must type one). */
	readonly query: string;
	/** The answer, `''` when none was recorded. */
	readonly reference: string;
	readonly candidates: readonly TraceDocument[];
}

/**
 * The draft for the trace `traceId` among `spans`.
 * @throws AssayError `NOT_FOUND` when `spans` hold no span of that trace.
 */
export function promotionDraft(spans: readonly SpanRecord[], traceId: string): PromotionDraft {
	const list = spans.filter((s) => s.traceId === traceId);
	const root = rootSpan(list);
	if (!root) throw new AssayError('NOT_FOUND', `No stored spans for trace ${traceId}.`);
	return {
		traceId,
		spanId: root.spanId,
		query: traceQuery(list) ?? '',
		reference: traceAnswer(list) ?? '',
		candidates: traceDocuments(list)
	};
}

/** The user's edits of a draft. */
export interface PromotionEdits {
	readonly query: string;
	readonly reference: string;
	/** Candidate ids marked relevant (grade 1). */
	readonly relevant: readonly string[];
}

/** A case id not in `taken`: `trace-<first 8 of the trace id>`, then `-2`, `-3`, … */
export function promotedCaseId(traceId: string, taken: ReadonlySet<string>): string {
	const base = `trace-${traceId.slice(0, 8) || 'case'}`;
	if (!taken.has(base)) return base;
	for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/**
 * The golden case for `draft` as edited, with an id unique among `existing` and
 * `source: {kind: 'trace', traceId, spanId, promotedAt}` (`promotedAt` ISO 8601 of `nowMs`).
 * @throws AssayError `DATASET_INVALID` for an empty query, or a relevant id that is not a candidate.
 */
export function caseFromPromotion(
	draft: PromotionDraft,
	edits: PromotionEdits,
	existing: readonly GoldenCase[],
	nowMs: number
): GoldenCase {
	const query = edits.query.trim();
	if (query === '') throw new AssayError('DATASET_INVALID', 'The case needs a query.');
	const candidates = new Set(draft.candidates.map((c) => c.id));
	const relevant = [...new Set(edits.relevant)];
	for (const id of relevant)
		if (!candidates.has(id)) throw new AssayError('DATASET_INVALID', `Document "${id}" is not one the trace retrieved.`);
	const reference = edits.reference.trim();
	return {
		id: promotedCaseId(draft.traceId, new Set(existing.map((c) => c.id))),
		query,
		relevant: relevant.map((doc) => ({ doc, grade: 1 })),
		...(reference !== '' ? { reference } : {}),
		tags: ['from-trace'],
		source: { kind: 'trace', traceId: draft.traceId, spanId: draft.spanId, promotedAt: new Date(nowMs).toISOString() }
	};
}
