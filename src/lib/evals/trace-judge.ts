/**
 * Checks and judges on a stored trace — own or imported — with the same check types and rubric
 * judges as an answer run (answers/grade.ts), their scores written back as OpenTelemetry GenAI
 * `gen_ai.evaluation.result` events (v1.41.0; tracing/evaluation.ts) on the trace's answer span
 * ({@link traceAnswerSpan}), named exactly as a system eval's traces name them (system/trace.ts):
 * - `check.<id>`: value 1 / 0, label `pass` / `fail`, the check's reason as explanation;
 * - `judge.<rubric>`: the 1–5 score, label `pass` at or above the pass threshold (else `fail`),
 *   the judge's reason as explanation; a reply that could not be read carries `error.type` (the
 *   `JUDGE_*` code) and the error message instead of a score.
 * What is judged: the trace's query ({@link traceQuery}), answer ({@link traceAnswer}) and
 * retrieved texts ({@link traceContexts}, numbered `[1]…` in rank order as the judge's
 * `<source id="n">` context and the checks' sources).
 */
import { AssayError, type AssayErrorData } from '../shared/errors.ts';
import type { ChatModel } from '../generation/types.ts';
import type { SchemaValidator } from '../generation/structured.ts';
import { traceAnswer, traceAnswerSpan, traceContexts, traceDocuments, traceQuery } from '../tracing/content.ts';
import { evaluationEvent } from '../tracing/evaluation.ts';
import type { SpanEvent, SpanRecord } from '../tracing/types.ts';
import type { CheckResult, CheckSource } from './checks/index.ts';
import type { RubricInput } from './judge/prompts.ts';
import { judgeRubric } from './judge/runner.ts';
import type { RubricVerdict, VerdictResult } from './judge/verdict.ts';
import { RUBRIC_PROMPTS } from './answers/grade.ts';
import { rubricDefinition } from './judge/rubrics/index.ts';
import { CONTEXT_RUBRIC_IDS, type RubricId } from './answers/types.ts';

/** What a trace offers to checks and judges, or why it offers nothing. */
export type TraceSubject =
	| {
			readonly ok: true;
			/** The span the scores go on. */
			readonly span: SpanRecord;
			/** The query, `null` when the trace recorded none (checks still run; judges need it). */
			readonly query: string | null;
			readonly answer: string;
			/** Retrieved texts as numbered sources, `n` from 1 in rank order (`chunkId`: the app's id, else `String(n)`). */
			readonly sources: readonly CheckSource[];
	  }
	| { readonly ok: false; readonly reason: string };

/** The answer, query and sources of a trace, or why it has none to score (module comment). */
export function traceSubject(spans: readonly SpanRecord[]): TraceSubject {
	const span = traceAnswerSpan(spans);
	if (!span) return { ok: false, reason: 'The trace has no spans.' };
	const answer = traceAnswer(spans);
	if (answer === null)
		return {
			ok: false,
			reason:
				'The trace recorded no answer text (assay.rag.answer, gen_ai.output.messages or output.value) — imported without content, or content capture was off.'
		};
	const sources = traceContexts(spans).map((c, i) => ({ n: i + 1, chunkId: c.id ?? String(i + 1), text: c.text }));
	return { ok: true, span, query: traceQuery(spans), answer, sources };
}

/** One `check.<id>` event per result, in order, at `timeMs` (1 / 0, `pass` / `fail`, the reason). */
export function checkEvents(results: readonly CheckResult[], timeMs: number): SpanEvent[] {
	return results.map((r) =>
		evaluationEvent({ name: `check.${r.id}`, value: r.pass ? 1 : 0, label: r.pass ? 'pass' : 'fail', explanation: r.reason }, timeMs)
	);
}

/**
 * The `judge.<rubric>` event of one verdict at `timeMs`: the score with label `pass` when
 * `score >= passThreshold`, else `fail`, the reason as explanation; for a verdict that could not be
 * read, no score, `error.type` = its code and the message as explanation.
 */
export function verdictEvent(rubric: RubricId, result: VerdictResult<RubricVerdict>, passThreshold: number, timeMs: number): SpanEvent {
	const name = `judge.${rubric}`;
	if (result.ok)
		return evaluationEvent(
			{
				name,
				value: result.verdict.score,
				label: result.verdict.score >= passThreshold ? 'pass' : 'fail',
				explanation: result.verdict.reason
			},
			timeMs
		);
	const event = evaluationEvent({ name, explanation: result.error.message }, timeMs);
	return { ...event, attributes: { ...event.attributes, 'error.type': result.error.code } };
}

/** Why a rubric was not run on a trace. */
export interface SkippedRubric {
	readonly rubric: RubricId;
	readonly reason: string;
}

/** The rubrics of `rubrics` that can judge `subject`, and why the others cannot (a trace has no reference answer). */
export function traceRubrics(
	rubrics: readonly RubricId[],
	subject: Pick<Extract<TraceSubject, { ok: true }>, 'sources'>,
	documentsWithoutText = 0
): { run: RubricId[]; skipped: SkippedRubric[] } {
	const run: RubricId[] = [];
	const skipped: SkippedRubric[] = [];
	const needsContext = new Set<RubricId>([...CONTEXT_RUBRIC_IDS, 'faithfulness']);
	for (const rubric of rubrics) {
		const definition = rubricDefinition(rubric);
		if (!definition.applies({ sources: subject.sources }))
			skipped.push({
				rubric,
				reason: definition.applies({ sources: subject.sources, reference: 'x' })
					? 'needs a reference answer, which a trace does not have'
					: 'needs retrieved documents'
			});
		else if (needsContext.has(rubric) && subject.sources.length === 0)
			skipped.push({
				rubric,
				reason:
					documentsWithoutText > 0
						? `needs the retrieved text; the trace names ${documentsWithoutText} document(s) without it`
						: 'needs retrieved documents with text'
			});
		else run.push(rubric);
	}
	return { run, skipped };
}

/** Inputs of {@link judgeTrace}. */
export interface JudgeTraceInput {
	readonly spans: readonly SpanRecord[];
	readonly rubrics: readonly RubricId[];
	readonly model: ChatModel;
	readonly validator: SchemaValidator;
	/** Scores at or above are `pass` (1–5; the Answers page's default is 4). */
	readonly passThreshold: number;
	/** Judge sampling; defaults of the judge runner (0, 42, 512 tokens). */
	readonly temperature?: number;
	readonly seed?: number;
	readonly maxTokens?: number;
	/** Epoch ms clock for the events' times. */
	readonly now: () => number;
	readonly signal?: AbortSignal;
	/** Called before each rubric is asked (`done` of `total` asked so far). */
	readonly onRubric?: (rubric: RubricId, done: number, total: number) => void;
}

/** What {@link judgeTrace} did. */
export interface JudgeTraceResult {
	/** The span the events belong on. */
	readonly span: SpanRecord;
	/** One `judge.<rubric>` event per rubric judged, in rubric order. */
	readonly events: readonly SpanEvent[];
	readonly verdicts: readonly { readonly rubric: RubricId; readonly result: VerdictResult<RubricVerdict> }[];
	readonly skipped: readonly SkippedRubric[];
	/** The engine failure (`LLM_*`) that stopped judging this trace, or `null`: its rubric and later ones have no event. */
	readonly engineError: AssayErrorData | null;
	readonly cancelled: boolean;
}

/**
 * Judge one trace with each applicable rubric of `rubrics` (one request each, one retry on an
 * unreadable reply — {@link judgeRubric}); the events are returned, not stored. An engine
 * failure (the endpoint unreachable, `LLM_*`) ends the trace's judging: it is no verdict about
 * the answer, so it gets no event.
 * @throws AssayError `CONFIG_INVALID` when the trace has no answer or query (the reason says
 *   which), or no rubric can judge it; `CONFIG_INVALID` for a pass threshold outside 1–5.
 */
export async function judgeTrace(input: JudgeTraceInput): Promise<JudgeTraceResult> {
	if (!Number.isFinite(input.passThreshold) || input.passThreshold < 1 || input.passThreshold > 5)
		throw new AssayError('CONFIG_INVALID', `The pass threshold must be within 1–5, not ${input.passThreshold}.`);
	const subject = traceSubject(input.spans);
	if (!subject.ok) throw new AssayError('CONFIG_INVALID', subject.reason);
	if (subject.query === null)
		throw new AssayError(
			'CONFIG_INVALID',
			'The trace recorded no query (assay.rag.question, gen_ai.retrieval.query.text, a user message or input.value) for the judge.'
		);
	const withoutText = subject.sources.length === 0 ? traceDocuments(input.spans).length : 0;
	const { run, skipped } = traceRubrics(input.rubrics, subject, withoutText);
	if (run.length === 0)
		throw new AssayError(
			'CONFIG_INVALID',
			`No chosen rubric can judge this trace: ${skipped.map((s) => `${s.rubric} ${s.reason}`).join('; ') || 'none chosen'}.`
		);
	const rubricInput: RubricInput = {
		question: subject.query,
		answer: subject.answer,
		context: subject.sources.map((s) => ({ chunkId: String(s.n), text: s.text }))
	};
	const events: SpanEvent[] = [];
	const verdicts: { rubric: RubricId; result: VerdictResult<RubricVerdict> }[] = [];
	const settings = {
		model: input.model,
		...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
		...(input.seed !== undefined ? { seed: input.seed } : {}),
		...(input.maxTokens !== undefined ? { maxTokens: input.maxTokens } : {})
	};
	for (const [i, rubric] of run.entries()) {
		if (input.signal?.aborted) return { span: subject.span, events, verdicts, skipped, engineError: null, cancelled: true };
		input.onRubric?.(rubric, i, run.length);
		const out = await judgeRubric(RUBRIC_PROMPTS[rubric], rubricInput, settings, input.validator, input.signal);
		if (input.signal?.aborted) return { span: subject.span, events, verdicts, skipped, engineError: null, cancelled: true };
		if (!out.result.ok && !out.result.error.code.startsWith('JUDGE_'))
			return { span: subject.span, events, verdicts, skipped, engineError: out.result.error, cancelled: false };
		verdicts.push({ rubric, result: out.result });
		events.push(verdictEvent(rubric, out.result, input.passThreshold, input.now()));
	}
	return { span: subject.span, events, verdicts, skipped, engineError: null, cancelled: false };
}
