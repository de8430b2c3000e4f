import { isUnreachable } from './unreachable.ts';
import type { AssayErrorData } from '../../shared/errors.ts';
import type { ChatModel, ChatRequest, ModelStreamEvent } from '../../generation/types.ts';
import type { SchemaValidator } from '../../generation/structured.ts';
import type { AnswerRecord, GradingSettings } from '../answers/types.ts';
import type { EvalReport } from '../report/types.ts';
import { RUBRIC_PROMPTS } from '../answers/grade.ts';
import { CachingChatModel, judgePromptOf } from './cache.ts';
import { gradeRepeats } from './grade.ts';
import { recordsByRepeat } from './records.ts';
import { addCacheCounts, buildSystemReport, type SystemReportInput } from './report.ts';
import { DEFAULT_BASE_SEED, runSystemEval, type SystemEvalInput, type SystemEvalResult } from './runner.ts';
import type { GoldenCase } from '../golden/types.ts';
import {
	addMatchCounts,
	ContextMatcher,
	NO_MATCH_COUNTS,
	rubricsForContexts,
	type ContextMatchCounts,
	type CorpusDocument
} from './contexts.ts';
import type { SystemCaseResult, SystemOutput } from './types.ts';

/** A judge model that notices an unreachable endpoint ({@link isUnreachable}: gone after every retry) and calls `onUnreachable` once. */
class UnreachableWatch implements ChatModel {
	readonly modelId: string;
	readonly provider: string;
	error: AssayErrorData | null = null;

	constructor(
		private readonly inner: ChatModel,
		private readonly onUnreachable: () => void
	) {
		this.modelId = inner.modelId;
		this.provider = inner.provider;
	}

	async *stream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ModelStreamEvent> {
		for await (const event of this.inner.stream(request, signal)) {
			if (event.type === 'error' && isUnreachable(event.error) && this.error === null) {
				this.error = event.error;
				this.onUnreachable();
			}
			yield event;
		}
	}
}

/** Inputs of {@link evaluateSystem}: the runner's, the judge's and the report's. */
export interface EvaluateSystemInput extends Omit<SystemEvalInput, 'cases' | 'onProgress'> {
	/** Report id and run id. */
	readonly id: string;
	readonly runId: string;
	/** The golden set; `goldenSet.cases` are the cases to ask (after any filter), in golden-set order. */
	readonly goldenSet: SystemReportInput['goldenSet'];
	/** Judge and checks; absent = no grading (retrieval metrics only). The model is wrapped in `CachingChatModel` when `cache` is set. */
	readonly grading?: {
		readonly settings: GradingSettings;
		readonly model: ChatModel;
		readonly validator: SchemaValidator;
		/** The judge endpoint's base URL (part of the cache key). */ readonly baseUrl?: string;
	} | null;
	/**
	 * Progress over both phases: `phase` `answer` (done of cases × repeats, ETA ms from the runner)
	 * then `grade` (done of the records, ETA null).
	 */
	readonly onProgress?: (phase: 'answer' | 'grade', done: number, total: number, etaMs: number | null) => void;
	/**
	 * The corpus the golden set judges (a BEIR corpus, a workspace's documents): text-only contexts
	 * are matched to its documents (`ContextMatcher`, index built once) before scoring, and the
	 * counts go into the report's `contextMatching`. Absent = contexts are used as the system gave them.
	 */
	readonly corpus?: readonly CorpusDocument[];
	/**
	 * Add the context rubrics when some context stays text only (`rubricsForContexts`); default
	 * true. The CLI passes false when no judge is configured (checks only) or the config lists its
	 * rubrics explicitly.
	 */
	readonly addContextRubrics?: boolean;
	/**
	 * Applied to every output before it becomes a record (after the cache: the raw output is what
	 * is stored), e.g. matching text-only contexts to golden-set documents (`contexts.ts`). Default none.
	 */
	readonly prepareOutput?: (c: GoldenCase, output: SystemOutput) => SystemOutput | Promise<SystemOutput>;
	/** Epoch ms clock for `createdAtMs` of records and report; default `Date.now`. */
	readonly now?: () => number;
	/** Report fields besides the run's (app version, environment; for the `assay` system its corpus, analyzer, config…). */
	readonly report: Omit<
		SystemReportInput,
		'id' | 'runId' | 'system' | 'goldenSet' | 'byRepeat' | 'grading' | 'baseSeed' | 'cache' | 'stopped' | 'cancelled' | 'createdAtMs'
	>;
}

/** What {@link evaluateSystem} returns. */
export interface EvaluateSystemResult {
	readonly report: EvalReport;
	/** The runner's result (results, counters, `stopped`, `cancelled`). */
	readonly run: SystemEvalResult;
	/** The graded records per repeat (`byRepeat[r]` = repeat r, golden-set order). */
	readonly byRepeat: readonly (readonly AnswerRecord[])[];
}

/**
 * One whole system evaluation, the same in the page and in `assay eval`: `runSystemEval`
 * (cache, concurrency, repeats, per-case errors, stop on unreachable) → text-only contexts
 * matched to `corpus` documents, then `prepareOutput` → `recordsByRepeat` →
 * `gradeRepeats` (when `grading` is given and the run was not stopped or cancelled; the context
 * rubrics added when some context is still text only (`rubricsForContexts`); each repeat
 * judged with seed + r; through the same cache) → `buildSystemReport` (cache counters = system +
 * judge, when a cache is used). A stopped run is reported `incomplete` without grading: a report
 * that is incomplete never gates, so judging it would only spend requests. A judge reply that is
 * `SYSTEM_UNREACHABLE` (the judge endpoint gone after every retry) stops grading likewise: the
 * report is `incomplete` and `notRun` counts the answers left ungraded.
 * @throws AssayError `CONFIG_INVALID` (bad repeats/concurrency/check list), `DATASET_INVALID` (report validation); what `onResult` throws.
 */
export async function evaluateSystem(input: EvaluateSystemInput): Promise<EvaluateSystemResult> {
	const now = input.now ?? Date.now;
	const repeats = input.repeats ?? 1;
	const cache = input.cache ?? null;
	const run = await runSystemEval({
		system: input.system,
		cases: input.goldenSet.cases,
		repeats,
		baseSeed: input.baseSeed ?? DEFAULT_BASE_SEED,
		...(input.concurrency !== undefined ? { concurrency: input.concurrency } : {}),
		cache,
		clock: input.clock,
		...(input.signal ? { signal: input.signal } : {}),
		onResult: (r: SystemCaseResult) => input.onResult?.(r),
		onProgress: (done, total, etaMs) => input.onProgress?.('answer', done, total, etaMs)
	});
	const createdAtMs = now();
	const prepare = input.prepareOutput;
	const matcher = input.corpus !== undefined ? new ContextMatcher(input.corpus) : null;
	let matching: ContextMatchCounts | null = matcher ? NO_MATCH_COUNTS : null;
	const caseOf = new Map(input.goldenSet.cases.map((c) => [c.id, c] as const));
	const results: SystemCaseResult[] = [];
	for (const r of run.results) {
		if (r.output === null) {
			results.push(r);
			continue;
		}
		let output = r.output;
		if (matcher !== null) {
			const m = matcher.match(output.contexts);
			matching = addMatchCounts(matching ?? NO_MATCH_COUNTS, m.counts);
			output = { ...output, contexts: m.contexts };
		}
		if (prepare !== undefined) output = await prepare(caseOf.get(r.caseId)!, output);
		results.push({ ...r, output });
	}
	let byRepeat: AnswerRecord[][] = recordsByRepeat(input.runId, input.goldenSet.cases, results, repeats, createdAtMs);
	let judgeCounts = { hits: 0, requests: 0 };
	let cancelled = run.cancelled;
	const grading = input.grading ?? null;
	let stopped = run.stopped;
	let settings: GradingSettings | null = grading?.settings ?? null;
	if (grading !== null && run.stopped === null && !run.cancelled) {
		const cachingModel = cache
			? new CachingChatModel(
					grading.model,
					cache,
					grading.baseUrl !== undefined ? { baseUrl: grading.baseUrl } : {},
					judgePromptOf(Object.values(RUBRIC_PROMPTS))
				)
			: null;
		// The judge unreachable stops grading as the system unreachable stops answering.
		const halt = new AbortController();
		const onAbort = () => halt.abort();
		input.signal?.addEventListener('abort', onAbort, { once: true });
		const watch = new UnreachableWatch(cachingModel ?? grading.model, () => halt.abort());
		try {
			// Text-only contexts (after matching) add the context rubrics: only a judge can grade them.
			const rubrics =
				input.addContextRubrics === false
					? [...grading.settings.rubrics]
					: rubricsForContexts(
							grading.settings.rubrics,
							results.flatMap((r) => (r.output === null ? [] : [r.output.contexts]))
						);
			settings = { ...grading.settings, rubrics };
			const graded = await gradeRepeats({
				byRepeat,
				settings,
				model: watch,
				validator: grading.validator,
				signal: halt.signal,
				onProgress: (done, total) => input.onProgress?.('grade', done, total, null)
			});
			byRepeat = graded.byRepeat;
		} finally {
			input.signal?.removeEventListener('abort', onAbort);
		}
		cancelled = input.signal?.aborted === true;
		if (watch.error !== null) {
			const notGraded = byRepeat
				.flat()
				.filter((a) => a.error === null && a.checks.length === 0 && Object.keys(a.verdicts).length === 0).length;
			stopped = { error: watch.error, notRun: notGraded };
		}
		if (cachingModel !== null) judgeCounts = cachingModel.counts();
	}
	const report = await buildSystemReport({
		...input.report,
		id: input.id,
		runId: input.runId,
		system: input.system.ref,
		goldenSet: input.goldenSet,
		byRepeat,
		grading: settings,
		contextMatching: matching,
		baseSeed: input.baseSeed ?? DEFAULT_BASE_SEED,
		cache: cache ? addCacheCounts({ hits: run.cacheHits, requests: run.requests }, judgeCounts) : null,
		stopped,
		cancelled,
		createdAtMs
	});
	return { report, run, byRepeat };
}
