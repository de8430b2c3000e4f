/**
 * Spans of a system evaluation (`assay eval --config`), for its `traces.otlp.json`: one trace per
 * case × repeat. The system eval records no spans as it runs, so they are built here from what it
 * did keep: the request times measured by {@link timedSystem} (epoch ms), the outputs and errors of
 * the runner, and the graded records.
 *
 * Per case × repeat (answered or failed; cases the run never asked, after a stop, have none):
 * - root span `assay.eval.case` — `assay.eval.run.id`, `assay.eval.case.id`, `assay.eval.repeat`,
 *   `assay.system.type`, `assay.system.label`, `assay.eval.query` (the golden query, cut to
 *   `SPAN_CONTENT_MAX_CHARS`), `assay.eval.latency_ms` (the output's `timings.totalMs`, else the
 *   measured request time), `assay.eval.cached`; a failed case has status error `CODE: message` and
 *   `error.type` = the code. Its scores are `gen_ai.evaluation.result` events (GenAI events, v1.41.0:
 *   `gen_ai.evaluation.name`, `gen_ai.evaluation.score.value`, `gen_ai.evaluation.score.label`,
 *   `gen_ai.evaluation.explanation`; `error.type` for a judge reply that could not be read), named
 *   `check.<id>` (value 1 pass / 0 fail) and `judge.<rubric>` (the 1–5 score, label `pass` at or above
 *   the pass threshold), timed at the span's end;
 * - child span `assay.system.request` — the request to the system (absent for a cache hit: none was
 *   sent), with `assay.span.kind` `client` (`internal` for a `file` system, which is read, not asked),
 *   `assay.system.ttft_ms`, `assay.system.contexts`, and `gen_ai.usage.input_tokens` /
 *   `output_tokens` where the system reported them.
 * A cache hit's case span has no measured time: it is zero-length at `fallbackTimeMs`.
 * Ids are derived from the run id, case id and repeat (`deriveHexId`), so they are stable for a run.
 */

import type { AnswerRecord } from '../answers/types.ts';
import type { AssayErrorData } from '../../shared/errors.ts';
import type { Attributes, SpanEvent, SpanRecord } from '../../tracing/types.ts';
import { deriveHexId } from '../../tracing/otlp/ids.ts';
import { SPAN_CONTENT_MAX_CHARS } from '../../agents/spans.ts';
import type { SystemCaseRequest, SystemOutput, SystemRef, SystemUnderTest } from './types.ts';

/** Epoch-ms start and end of one request to the system. */
export interface RequestTiming {
	readonly startMs: number;
	readonly endMs: number;
}

/** Key of a case × repeat in {@link timedSystem}'s timings. */
export const caseRepeatKey = (caseId: string, repeat: number) => `${caseId}\u0000${repeat}`;

/**
 * `system` with every `answer` call timed by `clock` (epoch ms), keyed by {@link caseRepeatKey}
 * (the last call wins if a case is asked twice). Errors are timed too and rethrown unchanged.
 */
export function timedSystem(
	system: SystemUnderTest,
	clock: () => number
): { system: SystemUnderTest; timings: Map<string, RequestTiming> } {
	const timings = new Map<string, RequestTiming>();
	return {
		timings,
		system: {
			ref: system.ref,
			cacheIdentity: system.cacheIdentity,
			async answer(request: SystemCaseRequest): Promise<SystemOutput> {
				const startMs = clock();
				try {
					return await system.answer(request);
				} finally {
					timings.set(caseRepeatKey(request.case.id, request.repeat), { startMs, endMs: clock() });
				}
			}
		}
	};
}

/** One case × repeat as the CLI has it after the run. */
export interface EvalTraceCase {
	readonly caseId: string;
	readonly query: string;
	readonly repeat: number;
	readonly output: SystemOutput | null;
	readonly error: AssayErrorData | null;
	/** The graded record (checks and verdicts), when the case was answered and graded. */
	readonly record: AnswerRecord | null;
	/** True for a case the run never asked (stopped run): no spans. */
	readonly notRun?: boolean;
}

/** Inputs of {@link evalTraceSpans}. */
export interface EvalTraceInput {
	readonly runId: string;
	readonly system: Pick<SystemRef, 'type' | 'label'>;
	readonly cases: readonly EvalTraceCase[];
	/** From {@link timedSystem}. */
	readonly timings: ReadonlyMap<string, RequestTiming>;
	/** Judge scores at or above this are labelled `pass`. */
	readonly passThreshold: number;
	/** Epoch ms for case spans without a measured request (cache hits). */
	readonly fallbackTimeMs: number;
}

const cut = (text: string) => (text.length > SPAN_CONTENT_MAX_CHARS ? `${text.slice(0, SPAN_CONTENT_MAX_CHARS - 1)}…` : text);

/** `gen_ai.evaluation.result` events of a graded record: checks first, then verdicts by rubric id, at `timeMs`. */
export function evaluationEvents(record: AnswerRecord, passThreshold: number, timeMs: number): SpanEvent[] {
	const events: SpanEvent[] = record.checks.map((c) => ({
		name: 'gen_ai.evaluation.result',
		timeMs,
		attributes: {
			'gen_ai.evaluation.name': `check.${c.id}`,
			'gen_ai.evaluation.score.value': c.pass ? 1 : 0,
			'gen_ai.evaluation.score.label': c.pass ? 'pass' : 'fail',
			'gen_ai.evaluation.explanation': cut(c.reason)
		}
	}));
	for (const [rubric, stored] of Object.entries(record.verdicts)) {
		if (!stored) continue;
		const attributes: Attributes = stored.result.ok
			? {
					'gen_ai.evaluation.name': `judge.${rubric}`,
					'gen_ai.evaluation.score.value': stored.result.verdict.score,
					'gen_ai.evaluation.score.label': stored.result.verdict.score >= passThreshold ? 'pass' : 'fail',
					'gen_ai.evaluation.explanation': cut(stored.result.verdict.reason)
				}
			: {
					'gen_ai.evaluation.name': `judge.${rubric}`,
					'error.type': stored.result.error.code,
					'gen_ai.evaluation.explanation': cut(stored.result.error.message)
				};
		events.push({ name: 'gen_ai.evaluation.result', timeMs, attributes });
	}
	return events;
}

/** The spans of a system evaluation (module comment), in case order: each case span, then its request span. */
export function evalTraceSpans(input: EvalTraceInput): SpanRecord[] {
	const spans: SpanRecord[] = [];
	for (const c of input.cases) {
		if (c.notRun) continue;
		const key = `${input.runId}\u0000${c.caseId}\u0000${c.repeat}`;
		const traceId = deriveHexId(key, 16);
		const caseSpanId = deriveHexId(`${key}\u0000case`, 8);
		const timing = input.timings.get(caseRepeatKey(c.caseId, c.repeat));
		const cached = c.output?.cached === true;
		const startMs = timing && !cached ? timing.startMs : input.fallbackTimeMs;
		const endMs = timing && !cached ? timing.endMs : input.fallbackTimeMs;
		const latency = c.output?.timings.totalMs ?? (timing ? timing.endMs - timing.startMs : undefined);
		const events = c.record ? evaluationEvents(c.record, input.passThreshold, endMs) : [];
		const errorMessage = c.error ? `${c.error.code}: ${c.error.message}` : undefined;
		spans.push({
			traceId,
			spanId: caseSpanId,
			parentSpanId: null,
			name: 'assay.eval.case',
			startTimeMs: startMs,
			endTimeMs: endMs,
			durationMs: endMs - startMs,
			status: c.error ? 'error' : 'ok',
			...(errorMessage ? { statusMessage: errorMessage } : {}),
			attributes: {
				'assay.eval.run.id': input.runId,
				'assay.eval.case.id': c.caseId,
				'assay.eval.repeat': c.repeat,
				'assay.system.type': input.system.type,
				'assay.system.label': input.system.label,
				'assay.eval.query': cut(c.query),
				...(latency !== undefined ? { 'assay.eval.latency_ms': latency } : {}),
				'assay.eval.cached': cached,
				...(c.error ? { 'error.type': c.error.code } : {})
			},
			events
		});
		if (!timing || cached) continue;
		const usage = c.output?.usage;
		spans.push({
			traceId,
			spanId: deriveHexId(`${key}\u0000request`, 8),
			parentSpanId: caseSpanId,
			name: 'assay.system.request',
			startTimeMs: timing.startMs,
			endTimeMs: timing.endMs,
			durationMs: timing.endMs - timing.startMs,
			status: c.error ? 'error' : 'ok',
			...(errorMessage ? { statusMessage: errorMessage } : {}),
			attributes: {
				'assay.span.kind': input.system.type === 'file' ? 'internal' : 'client',
				'assay.system.type': input.system.type,
				...(c.output?.timings.ttftMs != null ? { 'assay.system.ttft_ms': c.output.timings.ttftMs } : {}),
				...(c.output ? { 'assay.system.contexts': c.output.contexts.length } : {}),
				...(usage?.inputTokens != null ? { 'gen_ai.usage.input_tokens': usage.inputTokens } : {}),
				...(usage?.outputTokens != null ? { 'gen_ai.usage.output_tokens': usage.outputTokens } : {}),
				...(c.error ? { 'error.type': c.error.code } : {})
			},
			events: []
		});
	}
	return spans;
}
