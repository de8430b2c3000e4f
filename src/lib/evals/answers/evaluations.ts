/**
 * An answer run's scores on its traces: each answer Assay generated names its `rag.answer` span
 * (`AnswerRecord.traceId` / `spanId`, trace kind `eval_case`), and grading and review put what
 * layers 1–3 said on that span as OpenTelemetry GenAI `gen_ai.evaluation.result` events
 * (semantic conventions v1.41.0, gen-ai-events.md "Event: gen_ai.evaluation.result": the event
 * SHOULD be parented to the operation span it evaluates). Names and attributes are the ones
 * `assay eval` writes in `traces.otlp.json` (evals/system/trace.ts `evaluationEvents`):
 * - `check.<id>`: value 1 / 0, label `pass` / `fail`, the check's reason as the explanation;
 * - `judge.<rubric>`: the 1–5 score, label `pass` at or above the pass threshold, the judge's
 *   reason; an unreadable reply has `error.type` (its code) and the message instead;
 * - `human.correctness` (a person's label judges correctness, as the judge–human agreement in
 *   summary.ts): pass/fail → value 1 / 0; a 1–5 score → the score; label `pass` / `fail`
 *   (a score passes at or above the pass threshold, as `humanPassed`); the notes as the explanation.
 * A regrade or a new review appends newer events; readers take the latest of each name
 * (tracing/evaluation.ts `latestEvaluations`), so a fixed answer's pass clears its failure.
 */
import { evaluationEvent, humanEvaluationName } from '../../tracing/evaluation.ts';
import type { SpanEvent } from '../../tracing/types.ts';
import { evaluationEvents } from '../system/trace.ts';
import { humanPassed } from './finetune.ts';
import type { AnswerRecord, HumanReview } from './types.ts';

/** Where evaluation events go: the library worker's `addEvaluation` (appends to a stored span; rejects for an unknown one). */
export interface EvaluationPort {
	addEvaluation(traceId: string, spanId: string, event: SpanEvent): Promise<unknown>;
}

/** The rubric a person's label of an answer judges (`human.correctness`). */
export const HUMAN_REVIEW_RUBRIC = 'correctness';

/**
 * The check and judge events of a graded answer, all at `timeMs` (epoch ms): checks first (in
 * the record's order), then verdicts by rubric. Empty for an ungraded answer.
 */
export function gradeEvents(record: AnswerRecord, passThreshold: number, timeMs: number): SpanEvent[] {
	return evaluationEvents(record, passThreshold, timeMs);
}

/**
 * A person's label as a `human.correctness` event at `timeMs`; `null` for a label without its
 * value (`pass-fail` without `pass`, `score` without `score`).
 * @throws AssayError `CONFIG_INVALID` for a non-finite score (see `evaluationEvent`).
 */
export function reviewEvent(review: Omit<HumanReview, 'reviewedAtMs'>, passThreshold: number, timeMs: number): SpanEvent | null {
	const value = review.kind === 'pass-fail' ? (review.pass === undefined ? undefined : review.pass ? 1 : 0) : review.score;
	if (value === undefined) return null;
	const pass = humanPassed({ ...review, reviewedAtMs: timeMs }, passThreshold);
	return evaluationEvent(
		{ name: humanEvaluationName(HUMAN_REVIEW_RUBRIC), value, label: pass ? 'pass' : 'fail', explanation: review.notes },
		timeMs
	);
}

/**
 * Append `events` to the answer's `rag.answer` span through the library worker, one after
 * another (so they keep their order).
 * @returns the number appended: 0 when the record names no span (recorded before ids were kept,
 *   or answered by a system under test) or `events` is empty.
 * @throws the worker's error, e.g. AssayError `NOT_FOUND` when the trace was never stored or was
 *   pruned by the trace budget (events appended before the failure stay).
 */
export async function recordAnswerEvaluations(
	api: EvaluationPort,
	record: Pick<AnswerRecord, 'traceId' | 'spanId'>,
	events: readonly SpanEvent[]
): Promise<number> {
	const { traceId, spanId } = record;
	if (!traceId || !spanId) return 0;
	for (const event of events) await api.addEvaluation(traceId, spanId, event);
	return events.length;
}
