/**
 * Scores as OpenTelemetry GenAI `gen_ai.evaluation.result` events (GenAI semantic conventions
 * v1.41.0, docs/gen-ai/gen-ai-events.md, "Event: gen_ai.evaluation.result": `gen_ai.evaluation.name`
 * required, `.score.value` / `.score.label` conditionally required, `.explanation` recommended,
 * `error.type` when the evaluation failed; the event "SHOULD be parented to GenAI operation span
 * being evaluated"; see docs/observability.md "Pinned conventions"): one event per score, on the
 * span it scores. Checks (`check.<id>`, 1/0, pass/fail), judges (`judge.<rubric>`, the rubric
 * score, pass/fail), a person's label of an answer run's answer (`human.<rubric>`, 1/0 or the 1–5
 * score, pass/fail, the notes as the explanation) and 👍/👎 feedback (`user_feedback`, 1/0,
 * good/bad, the note as the explanation) all use this shape. A score given again (a regrade, a new
 * review) is a newer event with the same name: the latest one counts ({@link latestEvaluations}).
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
/** Prefix of a layer-1 check's `gen_ai.evaluation.name`: `check.<check id>`. */
export const CHECK_PREFIX = 'check.';
/** Prefix of an LLM judge's `gen_ai.evaluation.name`: `judge.<rubric id>`. */
export const JUDGE_PREFIX = 'judge.';
/** Prefix of a person's label (answer-run review) as `gen_ai.evaluation.name`: `human.<rubric id>`. */
export const HUMAN_PREFIX = 'human.';

/** `check.<id>`, e.g. `check.citations-valid`. */
export const checkEvaluationName = (checkId: string): string => `${CHECK_PREFIX}${checkId}`;
/** `judge.<rubric>`, e.g. `judge.faithfulness`. */
export const judgeEvaluationName = (rubric: string): string => `${JUDGE_PREFIX}${rubric}`;
/** `human.<rubric>`, e.g. `human.correctness` (what a person's pass/fail or 1–5 label of an answer judges). */
export const humanEvaluationName = (rubric: string): string => `${HUMAN_PREFIX}${rubric}`;
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

/**
 * The latest evaluation of each name on `span` (largest `timeMs`; of equal times, the later
 * event), in the order each name first appears. A regrade or a new review appends a newer event,
 * so this is what the span's scores are now.
 */
export function latestEvaluations(span: SpanRecord): Evaluation[] {
	const latest = new Map<string, Evaluation>();
	for (const e of evaluationsOf(span)) {
		const seen = latest.get(e.name);
		if (!seen || e.timeMs >= seen.timeMs) latest.set(e.name, e);
	}
	return [...latest.values()];
}

/** The latest `user_feedback` on `span`, or `null` (a later 👍/👎 replaces an earlier one). */
export function latestFeedback(span: SpanRecord): Evaluation | null {
	let latest: Evaluation | null = null;
	for (const e of evaluationsOf(span)) if (e.name === USER_FEEDBACK && (!latest || e.timeMs >= latest.timeMs)) latest = e;
	return latest;
}
