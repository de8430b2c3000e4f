/**
 * Checks and judges on stored traces (own or imported) from the Traces page, stored on each
 * trace's answer span as `gen_ai.evaluation.result` events through the library worker's
 * `addEvaluation` (evals/trace-judge.ts names them: `check.<id>`, `judge.<rubric>`), so the
 * Failures page lists failed checks and low judge scores like any other.
 * "Score with checks" runs Assay's default deterministic checks (citations present and valid,
 * quotes verbatim, length) on the trace's answer with its retrieved texts as the numbered sources.
 */
import { CfworkerSchemaValidator } from '$lib/adapters/json-schema-validator.ts';
import { DEFAULT_CHECKS } from '$lib/evals/answers/grade.ts';
import type { RubricId } from '$lib/evals/answers/types.ts';
import { compileChecks, type CheckResult } from '$lib/evals/checks/index.ts';
import type { SchemaValidator } from '$lib/generation/structured.ts';
import type { ChatModel } from '$lib/generation/types.ts';
import { isAssayError } from '$lib/shared/errors.ts';
import type { LibraryApi } from '$lib/services/library-api.ts';
import { checkEvents, judgeTrace, traceSubject, type SkippedRubric } from '$lib/evals/trace-judge.ts';
import type { RubricVerdict, VerdictResult } from '$lib/evals/judge/verdict.ts';
import type { SpanEvent, SpanRecord } from '$lib/tracing/types.ts';
import { describe } from '$lib/app/describe.ts';

/** What {@link scoreTrace} found and decided. */
export type TraceScore =
	| {
			readonly ok: true;
			readonly answer: string;
			readonly sources: number;
			readonly results: readonly CheckResult[];
			/** The span the `check.*` events go on (its name, for the page). */
			readonly spanName: string;
	  }
	| { readonly ok: false; readonly reason: string };

/** The default checks on the trace's answer, with the `check.<id>` events to store on `span`. */
export function scoreTrace(
	spans: readonly SpanRecord[],
	nowMs: number = Date.now()
): { score: TraceScore; span: SpanRecord | null; events: SpanEvent[] } {
	const subject = traceSubject(spans);
	if (!subject.ok) return { score: { ok: false, reason: subject.reason }, span: null, events: [] };
	const run = compileChecks(DEFAULT_CHECKS, new CfworkerSchemaValidator());
	const results = run({ answer: subject.answer, sources: subject.sources });
	return {
		score: { ok: true, answer: subject.answer, sources: subject.sources.length, results, spanName: subject.span.name },
		span: subject.span,
		events: checkEvents(results, nowMs)
	};
}

/**
 * Store `events` on `span` one after the other; the span as stored after the last.
 * @throws the worker's error (`NOT_FOUND` when the span is gone).
 */
export async function storeEvaluations(
	api: Pick<LibraryApi, 'addEvaluation'>,
	span: SpanRecord,
	events: readonly SpanEvent[]
): Promise<SpanRecord> {
	let stored = span;
	for (const event of events) stored = await api.addEvaluation(span.traceId, span.spanId, event);
	return stored;
}

/** One trace to judge. */
export interface TraceToJudge {
	readonly traceId: string;
	readonly name: string;
	readonly spans: readonly SpanRecord[];
}

/** How judging one trace went. */
export interface TraceJudgeOutcome {
	readonly traceId: string;
	readonly name: string;
	/** `judged` (events stored), `cannot` (no query, answer or applicable rubric: `message` says why), `error` (the engine or the store failed), `cancelled`. */
	readonly status: 'judged' | 'cannot' | 'error' | 'cancelled';
	readonly verdicts: readonly { readonly rubric: RubricId; readonly result: VerdictResult<RubricVerdict> }[];
	readonly skipped: readonly SkippedRubric[];
	readonly message: string | null;
	/** The span the scores were stored on, as stored (`null` when nothing was stored). */
	readonly stored: SpanRecord | null;
}

/** Inputs of {@link judgeTraces}. */
export interface JudgeTracesInput {
	readonly api: Pick<LibraryApi, 'addEvaluation'>;
	readonly traces: readonly TraceToJudge[];
	readonly rubrics: readonly RubricId[];
	readonly model: ChatModel;
	readonly validator: SchemaValidator;
	readonly passThreshold: number;
	readonly now: () => number;
	readonly signal?: AbortSignal;
	/** Before each rubric request: trace `traceIndex` of `traces`, `done` of `total` rubrics of that trace. */
	readonly onProgress?: (p: { traceIndex: number; traces: number; rubric: RubricId; done: number; total: number }) => void;
	/** After each trace. */
	readonly onOutcome?: (outcome: TraceJudgeOutcome) => void;
}

/**
 * Judge each trace in turn ({@link judgeTrace}) and store its `judge.<rubric>` events on its
 * answer span. A trace that cannot be judged, or whose judge or store failed, gets an outcome
 * saying why; the next trace is still judged. Stops after the trace in flight when `signal` aborts.
 */
export async function judgeTraces(input: JudgeTracesInput): Promise<TraceJudgeOutcome[]> {
	const outcomes: TraceJudgeOutcome[] = [];
	for (const [traceIndex, t] of input.traces.entries()) {
		const base = { traceId: t.traceId, name: t.name };
		let outcome: TraceJudgeOutcome;
		if (input.signal?.aborted) {
			outcome = { ...base, status: 'cancelled', verdicts: [], skipped: [], message: null, stored: null };
		} else {
			try {
				const result = await judgeTrace({
					spans: t.spans,
					rubrics: input.rubrics,
					model: input.model,
					validator: input.validator,
					passThreshold: input.passThreshold,
					now: input.now,
					...(input.signal ? { signal: input.signal } : {}),
					onRubric: (rubric, done, total) => input.onProgress?.({ traceIndex, traces: input.traces.length, rubric, done, total })
				});
				const stored = result.events.length > 0 ? await storeEvaluations(input.api, result.span, result.events) : null;
				outcome = {
					...base,
					status: result.engineError ? 'error' : result.cancelled ? 'cancelled' : 'judged',
					verdicts: result.verdicts,
					skipped: result.skipped,
					message: result.engineError ? `${result.engineError.code}: ${result.engineError.message}` : null,
					stored
				};
			} catch (error) {
				const cannot = isAssayError(error) && error.code === 'CONFIG_INVALID';
				outcome = {
					...base,
					status: cannot ? 'cannot' : 'error',
					verdicts: [],
					skipped: [],
					message: cannot ? error.message : describe(error),
					stored: null
				};
			}
		}
		outcomes.push(outcome);
		input.onOutcome?.(outcome);
	}
	return outcomes;
}
