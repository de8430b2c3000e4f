/**
 * 👍/👎 on a run's trace: the page keeps the spans it recorded and the promise of their storing,
 * and feedback goes onto the trace's root span in the library worker as a `user_feedback`
 * evaluation event (tracing/evaluation.ts).
 */
import { AssayError } from '$lib/shared/errors.ts';
import type { LibraryApi } from '$lib/services/library-api.ts';
import { CONTENT_ATTR, retrievalDocumentsAttribute, rootSpan } from '$lib/tracing/content.ts';
import type { RetrievedSource } from '$lib/evals/answers/run.ts';
import type { EvalApi } from '$lib/services/eval-api.ts';
import { feedbackEvent } from '$lib/tracing/evaluation.ts';
import type { Attributes, SpanRecord } from '$lib/tracing/types.ts';

/** What the promotion dialog needs of the eval service: the workspace's golden sets, and saving one. */
export type GoldenSetPort = Pick<EvalApi, 'listGoldenSets' | 'saveGoldenSet'>;

/** A 👍 or 👎. */
export type Rating = 'good' | 'bad';

/**
 * Store `rating` with `note` on the root span of `spans`, after `recorded` (the page's
 * `recordSpans` of those spans) settles.
 * @throws AssayError `NOT_FOUND` when the run has no spans, or the worker's error.
 */
export async function recordFeedback(
	api: Pick<LibraryApi, 'addEvaluation'>,
	spans: readonly SpanRecord[],
	rating: Rating,
	note: string,
	recorded: Promise<unknown> = Promise.resolve(),
	nowMs: number = Date.now()
): Promise<void> {
	const root = rootSpan(spans);
	if (!root) throw new AssayError('NOT_FOUND', 'This run recorded no trace to put feedback on.');
	await recorded.catch(() => undefined);
	await api.addEvaluation(root.traceId, root.spanId, feedbackEvent(rating, note, nowMs));
}

/**
 * The content attributes of an answer's root span: the question, the answer text, and the
 * retrieved documents (portable references as golden sets name them, best score, document name).
 */
export function answerContent(
	answer: { readonly question: string; readonly text: string },
	retrieved: readonly RetrievedSource[]
): Attributes {
	const docs = new Map<string, { id: string; title: string | null; score: number | null }>();
	for (const r of retrieved) {
		const seen = docs.get(r.documentRef);
		if (!seen) docs.set(r.documentRef, { id: r.documentRef, title: r.title.split(' › ')[0] ?? null, score: r.score });
		else if (seen.score === null || r.score > seen.score) seen.score = r.score;
	}
	return {
		[CONTENT_ATTR.ragQuestion]: answer.question,
		...(answer.text !== '' ? { [CONTENT_ATTR.ragAnswer]: answer.text } : {}),
		...(docs.size > 0 ? { [CONTENT_ATTR.ragDocuments]: retrievalDocumentsAttribute([...docs.values()]) } : {})
	};
}
