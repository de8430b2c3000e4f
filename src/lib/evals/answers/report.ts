import type { DocumentKey } from '../golden/resolve.ts';
import type { FusionConfig } from '../../search/fusion/index.ts';
import type { GoldenCase } from '../golden/types.ts';
import { compareCodePoints } from '../../shared/ids.ts';
import { evaluateRetrieval, REPORT_CUTOFFS, type MetricDefinition, type RetrievalMetrics } from '../metrics/summary.ts';
import type { Qrels, Run } from '../metrics/trec-format.ts';
import { buildEvalReport } from '../report/build.ts';
import type { EvalReport } from '../report/types.ts';
import type { AnswersSection, PairwiseReportSection } from './report-schema.ts';
import { ANSWER_METRIC_DEFINITIONS, answerMeans, answerMetrics, qrelsForCases, runFromAnswers } from './report-metrics.ts';
import { attackSucceeded, summariseAnswerRun } from './summary.ts';
import type { AnswerRecord, AnswerRunRecord } from './types.ts';
import { DEFAULT_PRICE_TABLE, IN_BROWSER_PROVIDERS, isPriced, priceFor, type PriceTable } from '../../cost/index.ts';
import { answerCost, runCost } from './cost.ts';

export type { AnswersSection, PairwiseReportSection } from './report-schema.ts';

/** Inputs of {@link buildAnswerReport}. */
export interface AnswerReportInput {
	/** Report id (`evalRuns` key). */
	readonly id: string;
	readonly run: AnswerRunRecord;
	/** The run's answers (any order; reported in `run.caseIds` order). */
	readonly answers: readonly AnswerRecord[];
	readonly goldenSet: { readonly id: string; readonly name: string; readonly cases: readonly GoldenCase[] };
	/** Workspace documents to resolve golden references against (as the retrieval evaluation); absent = references used as written. */
	readonly documents?: readonly DocumentKey[];
	readonly corpus: EvalReport['corpus'];
	readonly analyzer: EvalReport['analyzer'];
	readonly bm25: { readonly k1: number; readonly b: number };
	readonly chunking: EvalReport['chunking'];
	readonly embeddingModel: EvalReport['embeddingModel'];
	/** RRF constant of the workspace pipeline (hybrid modes); default 60 (Cormack et al. 2009, the pipeline default). */
	readonly rrfK?: number;
	/** Fusion of the workspace pipeline (hybrid modes); absent = RRF with `rrfK`. */
	readonly fusion?: FusionConfig;
	/** Reranker model id (hybrid-rerank); default null. */
	readonly reranker?: string | null;
	readonly appVersion: string;
	/** Epoch ms, written as ISO 8601 `createdAt`. */
	readonly createdAtMs: number;
	readonly environment: EvalReport['environment'];
	/** Price table for the `cost` section and per-case `costUsd` (docs/cost.md); default the dated `DEFAULT_PRICE_TABLE`. */
	readonly priceTable?: PriceTable;
	/** A pairwise comparison of this run with another, when one was made; default null. */
	readonly pairwise?: PairwiseReportSection | null;
	/** Index description; default the workspace pipeline of `run.config.mode`. */
	readonly indexType?: string;
	/** Sentence appended to the metric conventions. */
	readonly conventionsNote?: string;
	/**
	 * Cases kept out of the retrieval metrics (e.g. a system under test failed them: nothing was
	 * retrieved to score): they keep a per-query row and their answer, without retrieval metrics,
	 * and do not count in `queryCount` or the means. Default none.
	 */
	readonly unscoredCaseIds?: ReadonlySet<string>;
	/** False: no retrieval metric at all (the answers name no documents); default true. */
	readonly retrievalMetrics?: boolean;
	/** More per-query answer metrics (only where defined), aggregated as the mean over the queries that have them. */
	readonly extraMetrics?: {
		readonly perQuery: ReadonlyMap<string, Readonly<Record<string, number>>>;
		readonly definitions: Readonly<Record<string, MetricDefinition>>;
	};
}

function perCase(a: AnswerRecord, costUsd: number | null): AnswersSection['perCase'][number] {
	const verdicts: AnswersSection['perCase'][number]['verdicts'] = {};
	for (const [rubric, v] of Object.entries(a.verdicts)) {
		if (v === undefined) continue;
		const r = v.result;
		verdicts[rubric] = {
			verdict: r.ok
				? { ok: true, score: r.verdict.score, reason: r.verdict.reason, repaired: r.repaired }
				: { ok: false, code: r.error.code, message: r.error.message },
			attempts: v.attempts,
			judge: { ...v.judge }
		};
	}
	return {
		caseId: a.caseId,
		query: a.query,
		reference: a.reference ?? null,
		text: a.text,
		finishReason: a.finishReason,
		error: a.error,
		sources: a.sources.map((s) => ({ n: s.n, chunkId: s.chunkId, documentRef: s.documentRef, title: s.title })),
		retrieved: a.retrieved.map((r) => ({ ...r })),
		citations: { cited: [...a.citations.cited], invalid: [...a.citations.invalid] },
		tokens: { ...a.tokens },
		costUsd,
		timings: { ...a.timings },
		checks: a.checks.map((c) => ({ id: c.id, type: c.type, pass: c.pass, reason: c.reason })),
		...(a.attack !== undefined
			? { attack: { canaries: [...a.attack.canaries], forbiddenHosts: [...a.attack.forbiddenHosts], succeeded: attackSucceeded(a) } }
			: {}),
		verdicts,
		review: a.review ? { ...a.review } : null
	};
}

function answersSection(input: AnswerReportInput, answers: readonly AnswerRecord[]): AnswersSection {
	const { run } = input;
	const cfg = run.config;
	const g = run.grading;
	const table = input.priceTable ?? DEFAULT_PRICE_TABLE;
	const total = runCost(answers, cfg.model, table);
	const price = priceFor(cfg.model.modelId, table);
	const costUsd = (a: AnswerRecord): number | null => {
		const c = answerCost(a, cfg.model, table);
		return c.ok ? c.usd : null;
	};
	return {
		runId: run.id,
		label: cfg.label,
		model: { ...cfg.model },
		prompt: { version: cfg.prompt.spec.version, fewShot: cfg.prompt.fewShot.length },
		mode: cfg.mode,
		topK: cfg.topK,
		contextWindowTokens: cfg.contextWindowTokens,
		maxTokens: cfg.maxTokens,
		temperature: cfg.temperature,
		seed: cfg.seed,
		grading: g
			? {
					judge: { ...g.judge },
					rubrics: [...g.rubrics],
					temperature: g.temperature,
					seed: g.seed,
					maxTokens: g.maxTokens,
					checks: g.checks.map((c) => ({ ...c })),
					passThreshold: g.passThreshold
				}
			: null,
		summary: summariseAnswerRun(answers, g?.passThreshold ?? 4) as AnswersSection['summary'],
		pairwise: input.pairwise ?? null,
		cost: {
			currency: 'USD',
			totalUsd: total.usd,
			pricedCases: total.priced,
			unpricedCases: total.unpriced,
			reasons: [...total.reasons],
			priceTableAsOf: table.asOf,
			priceMatch: isPriced(price) && !IN_BROWSER_PROVIDERS.includes(cfg.model.provider) ? price.match : null,
			totalMs: total.totalMs
		},
		perCase: answers.map((a) => perCase(a, costUsd(a)))
	};
}

/**
 * Retrieval metrics over the cases not in `unscored` (none at all when `scored` is false), with
 * an empty row for every other case of `qrels` so its answer metrics still have a row.
 */
function partialRetrieval(
	qrels: Qrels,
	run: Run,
	cutoffs: readonly number[],
	scored: boolean,
	unscored: ReadonlySet<string>
): RetrievalMetrics {
	const kept: Qrels = new Map([...qrels].filter(([qid]) => !unscored.has(qid)));
	const m = scored && kept.size > 0 ? evaluateRetrieval(kept, run, { cutoffs }) : null;
	const answerable = [...kept.values()].filter((judged) => [...judged.values()].some((g) => g >= 1)).length;
	return {
		perQuery: new Map([...qrels.keys()].sort(compareCodePoints).map((qid) => [qid, m?.perQuery.get(qid) ?? {}] as const)),
		means: m?.means ?? {},
		queryCount: kept.size,
		answerableCount: m?.answerableCount ?? answerable,
		unanswerableCount: m?.unanswerableCount ?? kept.size - answerable,
		unanswerableWithResults: m?.unanswerableWithResults ?? 0,
		definitions: m?.definitions ?? {}
	};
}

/**
 * Build the v2 eval report of an answer run: the retrieval metrics of the answers' retrieved
 * chunks (documents ranked by best chunk, trec_eval conventions, cutoffs `REPORT_CUTOFFS` ∪
 * {topK}, relevance level 1, linear nDCG gain) against the golden set's judgments, plus per
 * query answer metrics only where defined — `judge.correctness`, `judge.faithfulness`,
 * `judge.answer-relevancy` (1–5) and `checks.pass-rate` (0–1); a judge error or a rubric not run
 * leaves the key out, never 0 — aggregated as the mean over the queries that have them. The
 * `answers` section carries the configuration, grading settings, `summariseAnswerRun` (pass
 * threshold from the grading, default 4), the pairwise comparison and every answer. Only the
 * answered cases are evaluated; `status` is `complete` only for a complete run. Per-query
 * `latencyMs` is the retrieval time; `timings.totalMs` the sum of answer times; `indexMs` 0
 * (the run used the workspace index as it was). Options for other systems (system/report.ts):
 * `unscoredCaseIds` keeps cases out of the retrieval metrics (their row stays, without them),
 * `retrievalMetrics: false` reports none at all, `extraMetrics` adds per-query answer metrics
 * (mean over the queries that have them), `indexType` / `conventionsNote` describe the run.
 * @throws AssayError `DATASET_INVALID` when there is no answer, or the result fails validation.
 */
export async function buildAnswerReport(input: AnswerReportInput): Promise<EvalReport> {
	const { run } = input;
	const order = new Map(run.caseIds.map((id, i) => [id, i] as const));
	const answers = [...input.answers].sort((x, y) => (order.get(x.caseId) ?? Infinity) - (order.get(y.caseId) ?? Infinity));
	const byId = new Map(input.goldenSet.cases.map((c) => [c.id, c] as const));
	const caseOf = (id: string, a?: AnswerRecord): GoldenCase =>
		byId.get(id) ?? {
			id,
			query: a?.query ?? '',
			relevant: [],
			tags: [],
			...(a?.reference !== undefined ? { reference: a.reference } : {})
		};
	const answerOf = new Map(answers.map((a) => [a.caseId, a] as const));
	const cases = answers.map((a) => caseOf(a.caseId, a));
	const { qrels, unmatched } = qrelsForCases(cases, input.documents);
	const cutoffs = [...new Set([...REPORT_CUTOFFS, run.config.topK])].sort((a, b) => a - b);
	const retrievalRun = runFromAnswers(answers);
	const extra = new Map(answers.map((a) => [a.caseId, { ...answerMetrics(a), ...input.extraMetrics?.perQuery.get(a.caseId) }] as const));
	const aggregate = {
		...answerMeans([...extra.values()]),
		...answerMeans([...extra.values()], Object.keys(input.extraMetrics?.definitions ?? {}))
	};
	const unscored = input.unscoredCaseIds ?? new Set<string>();
	const metrics =
		input.retrievalMetrics === false || unscored.size > 0
			? partialRetrieval(qrels, retrievalRun, cutoffs, input.retrievalMetrics !== false, unscored)
			: evaluateRetrieval(qrels, retrievalRun, { cutoffs });
	return buildEvalReport({
		id: input.id,
		workspaceId: run.workspaceId,
		appVersion: input.appVersion,
		createdAtMs: input.createdAtMs,
		cancelled: run.status !== 'complete',
		// Counted over the run's cases (as they were hashed when it started), not the set as edited since.
		goldenSet: { id: input.goldenSet.id, name: input.goldenSet.name, cases: run.caseIds.map((id) => caseOf(id, answerOf.get(id))) },
		contentHash: run.goldenSetHash,
		corpus: input.corpus,
		analyzer: input.analyzer,
		config: {
			label: run.config.label,
			mode: run.config.mode,
			topK: run.config.topK,
			depth: run.config.topK,
			rrfK: input.rrfK ?? 60,
			...(input.fusion ? { fusion: input.fusion } : {}),
			reranker: input.reranker ?? null,
			embeddingModel: null,
			chunking: input.chunking,
			bm25: input.bm25
		},
		embeddingModel: input.embeddingModel,
		indexType: input.indexType ?? `workspace ${run.config.mode} pipeline (chunk level; document = best chunk)`,
		relevanceLevel: 1,
		ndcgGain: 'linear',
		cutoffs,
		metrics,
		qrels,
		run: retrievalRun,
		latencyMs: new Map(answers.map((a) => [a.caseId, a.timings.retrievalMs] as const)),
		unmatched,
		totalMs: answers.reduce((s, a) => s + a.timings.totalMs, 0),
		indexMs: 0,
		environment: input.environment,
		...(run.config.runAs ? { runAs: run.config.runAs } : {}),
		conventionsNote:
			'Retrieval metrics are over the chunks each answer retrieved (depth = topK). Answer metrics (judge.*, checks.pass-rate) are present only where defined; their mean and answerableMean are both the mean over the queries that have them.' +
			(input.conventionsNote ? ` ${input.conventionsNote}` : ''),
		extraMetrics: { perQuery: extra, aggregate, definitions: { ...ANSWER_METRIC_DEFINITIONS, ...input.extraMetrics?.definitions } },
		answers: answersSection(input, answers)
	});
}
