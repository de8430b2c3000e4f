/**
 * Scores as OpenTelemetry GenAI `gen_ai.evaluation.result` events (GenAI semantic conventions
 * v1.41.0, docs/gen-ai/gen-ai-events.md; see docs/observability.md "Pinned conventions"): one
 * event per score, on the span it scores. Checks (`check.<id>`, 1/0, pass/fail), judges
 * (`judge.<rubric>`, the rubric score, pass/fail) and human feedback (`user_feedback`, 1/0,
 * good/bad, the note as the explanation) all use this shape.
 */
import { AssayError } from '../shared/errors.ts';
import type { Attributes, SpanEvent, SpanRecord } from './types.ts';

/** Event name of a score. */
export const EVALUATION_EVENT = 'gen_ai.evaluation.result';
/** What was scored (`check.<id>`, `judge.<rubric>`, `user_feedback`). */
export const EVALUATION_NAME = 'gen_ai.evaluation.name';
/** The numeric score. */
export const EVALUATION_SCORE_VALUE = 'gen_ai.evaluation.score.value';
/** The score's label (`pass` / `fail`, `good` / `bad`). */
export const EVALUATION_SCORE_LABEL = 'gen_ai.evaluation.score.label';
/** Why: a judge's reason, a check's reason, a user's note. */
export const EVALUATION_EXPLANATION = 'gen_ai.evaluation.explanation';
/** `gen_ai.evaluation.name` of a 👍/👎 from the user. */
export const USER_FEEDBACK = 'user_feedback';
/** Longest explanation stored on an event, characters (a longer note is cut). */
export const EXPLANATION_MAX_CHARS = 2000;

/** One score read back from an event. */
export interface Evaluation {
	readonly name: string;
	readonly value: number | null;
	readonly label: string | null;
	readonly explanation: string | null;
	readonly timeMs: number;
	/** `error.type` when the score could not be computed (e.g. an unreadable judge reply). */
	readonly errorType: string | null;
}

/** What {@link evaluationEvent} writes. */
export interface EvaluationInput {
	readonly name: string;
	readonly value?: number;
	readonly label?: string;
	readonly explanation?: string;
}

/**
 * A `gen_ai.evaluation.result` event at `timeMs`.
 * @throws AssayError `CONFIG_INVALID` for an empty name or a non-finite value.
 */
export function evaluationEvent(input: EvaluationInput, timeMs: number): SpanEvent {
	const name = input.name.trim();
	if (name === '') throw new AssayError('CONFIG_INVALID', 'An evaluation needs a name.');
	if (input.value !== undefined && !Number.isFinite(input.value))
		throw new AssayError('CONFIG_INVALID', `Evaluation "${name}": score ${input.value} is not a finite number.`);
	const attributes: Attributes = { [EVALUATION_NAME]: name };
	if (input.value !== undefined) attributes[EVALUATION_SCORE_VALUE] = input.value;
	if (input.label !== undefined && input.label !== '') attributes[EVALUATION_SCORE_LABEL] = input.label;
	const explanation = input.explanation?.trim() ?? '';
	if (explanation !== '') attributes[EVALUATION_EXPLANATION] = explanation.slice(0, EXPLANATION_MAX_CHARS);
	return { name: EVALUATION_EVENT, timeMs, attributes };
}

/** The user's 👍 (`good`, 1) or 👎 (`bad`, 0) with an optional note, as an evaluation event. */
export function feedbackEvent(rating: 'good' | 'bad', note: string, timeMs: number): SpanEvent {
	return evaluationEvent({ name: USER_FEEDBACK, value: rating === 'good' ? 1 : 0, label: rating, explanation: note }, timeMs);
}

/**
 * Check that `event` is a well-formed evaluation event (the worker's `addEvaluation` input).
 * @throws AssayError `CONFIG_INVALID` naming what is wrong.
 */
export function assertEvaluationEvent(event: SpanEvent): void {
	if (!event || typeof event !== 'object') throw new AssayError('CONFIG_INVALID', 'An evaluation event must be an object.');
	if (event.name !== EVALUATION_EVENT)
		throw new AssayError('CONFIG_INVALID', `An evaluation event is named ${EVALUATION_EVENT}, not "${String(event.name)}".`);
	if (typeof event.timeMs !== 'number' || !Number.isFinite(event.timeMs))
		throw new AssayError('CONFIG_INVALID', 'An evaluation event needs a finite timeMs.');
	const name = event.attributes?.[EVALUATION_NAME];
	if (typeof name !== 'string' || name.trim() === '')
		throw new AssayError('CONFIG_INVALID', `An evaluation event needs a ${EVALUATION_NAME} attribute.`);
	const value = event.attributes?.[EVALUATION_SCORE_VALUE];
	if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value)))
		throw new AssayError('CONFIG_INVALID', `${EVALUATION_SCORE_VALUE} must be a finite number.`);
}

/** The evaluations recorded on `span`, in event order (other events are skipped). */
export function evaluationsOf(span: SpanRecord): Evaluation[] {
	const out: Evaluation[] = [];
	for (const event of span.events) {
		if (event.name !== EVALUATION_EVENT) continue;
		const a = event.attributes ?? {};
		const name = a[EVALUATION_NAME];
		if (typeof name !== 'string') continue;
		const value = a[EVALUATION_SCORE_VALUE];
		const label = a[EVALUATION_SCORE_LABEL];
		const explanation = a[EVALUATION_EXPLANATION];
		const errorType = a['error.type'];
		out.push({
			name,
			value:
				typeof value === 'number'
					? value
					: typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
						? Number(value)
						: null,
			label: typeof label === 'string' ? label : null,
			explanation: typeof explanation === 'string' ? explanation : null,
			timeMs: event.timeMs,
			errorType: typeof errorType === 'string' ? errorType : null
		});
	}
	return out;
}

/** The latest `user_feedback` on `span`, or `null` (a later 👍/👎 replaces an earlier one). */
export function latestFeedback(span: SpanRecord): Evaluation | null {
	let latest: Evaluation | null = null;
	for (const e of evaluationsOf(span)) if (e.name === USER_FEEDBACK && (!latest || e.timeMs >= latest.timeMs)) latest = e;
	return latest;
}
