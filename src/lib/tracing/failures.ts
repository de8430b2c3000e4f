/**
 * The Failures view's model: which stored traces went wrong and why. A trace is a failure when
 * any of its spans has
 * - `feedback`: the latest `user_feedback` evaluation is 👎 ({@link feedbackRating} `bad`), or the
 *   latest `human.*` score (a person's review of an answer-run answer) is a fail (label fail, or
 *   with no label a value 0);
 * - `error`: status error (the code is the `CODE` of `CODE: message`, else `error.type`);
 * - `judge`: a judge score that is low — label fail (`fail`, `failed`, `bad`, `incorrect`, …), or
 *   with no pass/fail label a value below `judgeThreshold` on the 0–1 scale of
 *   {@link normalisedScore} (any evaluation not named `check.*`, `human.*` or `user_feedback` is
 *   treated as a judge, so imported scores count);
 * - `check`: a `check.*` evaluation with label fail or value 0.
 * Only the latest evaluation of each name counts (by `timeMs`, see `latestEvaluations`): a regrade
 * appends newer events, so a fixed answer's passing score clears its earlier failure. Own and
 * imported traces are the same spans, so both are gathered.
 */
import { CHECK_PREFIX, HUMAN_PREFIX, latestEvaluations, USER_FEEDBACK, type Evaluation } from './evaluation.ts';
import { rootSpan, traceAnswer, traceQuery } from './content.ts';
import { RUBRIC_MAX, RUBRIC_MIN } from '../evals/judge/verdict.ts';
import type { SpanRecord } from './types.ts';

/** Why a trace is listed. */
export type FailureReason = 'feedback' | 'error' | 'judge' | 'check';

/** Every reason, in the order the view lists its filters. */
export const FAILURE_REASONS: readonly FailureReason[] = ['feedback', 'error', 'judge', 'check'];

/** Default judge threshold: a score below it (with no pass/fail label) is low. */
export const DEFAULT_JUDGE_THRESHOLD = 0.5;

/** One thing that went wrong, on one span. */
export interface FailureSignal {
	readonly reason: FailureReason;
	readonly spanId: string;
	readonly spanName: string;
	/** Short description: the error code, `judge.faithful = 2 (fail)`, `check.cites failed`, `👎`. */
	readonly summary: string;
	/** The note, the error message or the judge's explanation, when there is one. */
	readonly detail: string | null;
}

/** One failed trace. */
export interface FailureItem {
	readonly traceId: string;
	/** The root span (where feedback is stored and promotion records as the source). */
	readonly rootSpanId: string;
	readonly rootName: string;
	readonly startTimeMs: number;
	readonly reasons: readonly FailureReason[];
	readonly signals: readonly FailureSignal[];
	readonly query: string | null;
	/** Start of the answer, at most {@link ANSWER_EXCERPT_CHARS}. */
	readonly answerExcerpt: string | null;
}

/** Longest answer excerpt, characters. */
export const ANSWER_EXCERPT_CHARS = 240;

/** Options of {@link classifyFailures}. */
export interface FailureOptions {
	/** A judge value below this (when the score has no pass/fail label) is low. Default {@link DEFAULT_JUDGE_THRESHOLD}. */
	readonly judgeThreshold?: number;
}

/** Score labels read as failing (compared trimmed and lower-cased). */
export const FAIL_LABELS: ReadonlySet<string> = new Set([
	'fail',
	'failed',
	'failure',
	'bad',
	'incorrect',
	'wrong',
	'false',
	'no',
	'hallucinated',
	'unfaithful',
	'irrelevant'
]);
/** Score labels read as passing (compared trimmed and lower-cased). */
export const PASS_LABELS: ReadonlySet<string> = new Set(['pass', 'passed', 'good', 'correct', 'true', 'yes', 'faithful', 'relevant']);

/** Spans grouped by trace id, in first-seen order. */
export function groupByTrace(spans: readonly SpanRecord[]): Map<string, SpanRecord[]> {
	const out = new Map<string, SpanRecord[]>();
	for (const s of spans) {
		const list = out.get(s.traceId);
		if (list) list.push(s);
		else out.set(s.traceId, [s]);
	}
	return out;
}

/** The error code of an errored span: `CODE` of a `CODE: message` status, else `error.type`, else `ERROR`. */
export function errorCode(span: SpanRecord): string {
	const m = /^([A-Z][A-Z0-9_]*):/.exec(span.statusMessage ?? '');
	if (m) return m[1]!;
	const type = span.attributes['error.type'];
	return typeof type === 'string' && type !== '' ? type : 'ERROR';
}

/**
 * A 👍/👎 evaluation as a rating: its label `good` / `bad` (case-insensitive), else value 0 = `bad`
 * and a positive value = `good`; `null` when neither tells.
 */
export function feedbackRating(e: Evaluation): 'good' | 'bad' | null {
	const label = e.label?.trim().toLowerCase() ?? '';
	if (label === 'bad' || label === 'good') return label;
	if (e.value === 0) return 'bad';
	if (e.value !== null && e.value > 0) return 'good';
	return null;
}

/**
 * A score's value on a 0–1 scale: `judge.<rubric>` values in the rubric's 1–5 range
 * (`RUBRIC_MIN`–`RUBRIC_MAX`, judge/verdict.ts) map linearly, (v − 1) / 4; any other value (checks
 * 1/0, imported scores, which the judge threshold takes to be 0–1) is kept as recorded. `null` for
 * feedback, an errored score, or one without a value.
 */
export function normalisedScore(e: Evaluation): number | null {
	if (e.name === USER_FEEDBACK || e.errorType !== null || e.value === null) return null;
	if (e.name.startsWith('judge.') && e.value >= RUBRIC_MIN && e.value <= RUBRIC_MAX)
		return (e.value - RUBRIC_MIN) / (RUBRIC_MAX - RUBRIC_MIN);
	return e.value;
}

function isLowJudge(e: Evaluation, threshold: number): boolean {
	const label = e.label?.trim().toLowerCase() ?? '';
	if (FAIL_LABELS.has(label)) return true;
	if (PASS_LABELS.has(label)) return false;
	const value = normalisedScore(e);
	return value !== null && value < threshold;
}

function isFailedCheck(e: Evaluation): boolean {
	const label = e.label?.trim().toLowerCase() ?? '';
	if (label !== '') return FAIL_LABELS.has(label);
	return e.value !== null && e.value <= 0;
}

/**
 * Whether a score (not feedback, not errored) fails by the module rules: a `check.*` or `human.*`
 * labelled failing or valued ≤ 0, else a judge labelled failing or, unlabelled, with a
 * {@link normalisedScore} below `judgeThreshold` (default {@link DEFAULT_JUDGE_THRESHOLD}).
 */
export function isFailingScore(e: Evaluation, judgeThreshold: number = DEFAULT_JUDGE_THRESHOLD): boolean {
	if (e.name === USER_FEEDBACK || e.errorType !== null) return false;
	if (e.name.startsWith(CHECK_PREFIX) || e.name.startsWith(HUMAN_PREFIX)) return isFailedCheck(e);
	return isLowJudge(e, judgeThreshold);
}

/** What went wrong on one span, per the module rules (the latest evaluation of each name only). */
export function spanSignals(span: SpanRecord, options: FailureOptions = {}): FailureSignal[] {
	const threshold = options.judgeThreshold ?? DEFAULT_JUDGE_THRESHOLD;
	const out: FailureSignal[] = [];
	const base = { spanId: span.spanId, spanName: span.name };
	const latest = latestEvaluations(span);
	const feedback = latest.find((e) => e.name === USER_FEEDBACK);
	if (feedback && feedbackRating(feedback) === 'bad')
		out.push({ ...base, reason: 'feedback', summary: '👎 Bad answer', detail: feedback.explanation });
	if (span.status === 'error') out.push({ ...base, reason: 'error', summary: errorCode(span), detail: span.statusMessage ?? null });
	for (const e of latest) {
		if (e.name === USER_FEEDBACK || e.errorType !== null) continue;
		if (!isFailingScore(e, threshold)) continue;
		const score = `${e.name}${e.value !== null ? ` = ${e.value}` : ''}${e.label ? ` (${e.label})` : ''}`;
		const reason = e.name.startsWith(CHECK_PREFIX) ? 'check' : e.name.startsWith(HUMAN_PREFIX) ? 'feedback' : 'judge';
		out.push({ ...base, reason, summary: score, detail: e.explanation });
	}
	return out;
}

/**
 * The failed traces among `spans` (any mix of traces), newest first.
 * @throws RangeError for a non-finite `judgeThreshold`.
 */
export function classifyFailures(spans: readonly SpanRecord[], options: FailureOptions = {}): FailureItem[] {
	if (options.judgeThreshold !== undefined && !Number.isFinite(options.judgeThreshold))
		throw new RangeError(`The judge threshold must be a finite number, not ${options.judgeThreshold}.`);
	const out: FailureItem[] = [];
	for (const [traceId, list] of groupByTrace(spans)) {
		const signals = list.flatMap((s) => spanSignals(s, options));
		if (signals.length === 0) continue;
		const root = rootSpan(list)!;
		const answer = traceAnswer(list);
		out.push({
			traceId,
			rootSpanId: root.spanId,
			rootName: root.name,
			startTimeMs: root.startTimeMs,
			reasons: FAILURE_REASONS.filter((r) => signals.some((s) => s.reason === r)),
			signals,
			query: traceQuery(list),
			answerExcerpt:
				answer === null ? null : answer.length > ANSWER_EXCERPT_CHARS ? `${answer.slice(0, ANSWER_EXCERPT_CHARS - 1)}…` : answer
		});
	}
	return out.sort((a, b) => b.startTimeMs - a.startTimeMs);
}
