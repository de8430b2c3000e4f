import type { AssayErrorData } from '../../shared/errors.ts';
import type { SystemPromptSpec } from '../../generation/system-prompt.ts';
import { buildAnswerReport, type AnswerReportInput } from '../answers/report.ts';
import type { AnswerRecord, AnswerRunConfig, AnswerRunRecord, GradingSettings } from '../answers/types.ts';
import type { DocumentKey } from '../golden/resolve.ts';
import type { GoldenCase } from '../golden/types.ts';
import { goldenSetHash, parseEvalReport } from '../report/build.ts';
import type { EvalReport } from '../report/types.ts';
import type { CacheCounts } from './cache.ts';
import type { ContextMatchCounts } from './contexts.ts';
import { CONSISTENCY_DEFINITION, CONSISTENCY_METRIC, consistencyMetrics, summariseRepeats, type RepeatsSummary } from './consistency.ts';
import type { SystemRef } from './types.ts';
import type { PriceTable } from '../../cost/index.ts';

/**
 * The prompt recorded for a system whose prompt Assay does not know (http, exec, file): version
 * 0 and empty text. The `assay` system passes its real spec in `config.prompt`.
 */
export const EXTERNAL_PROMPT: SystemPromptSpec = { version: 0, role: '', inputFormat: '', outputFormat: '', rules: [], edgeCases: [] };

/** Inputs of {@link buildSystemReport}. */
export interface SystemReportInput {
	/** Report id. */
	readonly id: string;
	/** Run id written on the records (`AnswerRecord.runId`) and in the `answers` section. */
	readonly runId: string;
	readonly system: SystemRef;
	/** The golden set and the cases that were to be asked (after `--filter`), in golden-set order. */
	readonly goldenSet: { readonly id: string; readonly name: string; readonly cases: readonly GoldenCase[] };
	/**
	 * The graded records per repeat: `byRepeat[r]` = repeat r (`recordsByRepeat` then
	 * `gradeRepeats`). Cases never run (a stopped run) are simply absent.
	 */
	readonly byRepeat: readonly (readonly AnswerRecord[])[];
	/** The grading settings used, `null` when nothing was graded. */
	readonly grading: GradingSettings | null;
	/** Seed of repeat 0 (recorded as the run's seed). */
	readonly baseSeed: number;
	/** Cache counters (system and judge together); absent or null = no cache was used (`--no-cache`): the field is left out. */
	readonly cache?: CacheCounts | null;
	/** `runSystemEval`'s `stopped`: the report is `incomplete` with the reason. */
	readonly stopped?: { readonly error: AssayErrorData; readonly notRun: number } | null;
	/** Text-only context matching counts over every case × repeat (when a corpus was given); absent = the field is left out. */
	readonly contextMatching?: ContextMatchCounts | null;
	/** `runSystemEval`'s `cancelled`: the report is `cancelled`. */
	readonly cancelled?: boolean;
	readonly appVersion: string;
	/** Epoch ms, written as ISO 8601 `createdAt`. */
	readonly createdAtMs: number;
	readonly environment: EvalReport['environment'];
	/** Golden-set hash; default `goldenSetHash(goldenSet.cases)` (the gate compares reports only on equal hashes). */
	readonly contentHash?: string;
	/** Workspace id (the `assay` system's); default `''`. */
	readonly workspaceId?: string;
	/** Documents to resolve golden references against (the `assay` system); absent = references as written (external systems name documents as the golden set does). */
	readonly documents?: readonly DocumentKey[];
	/** Corpus, analyzer, BM25, chunking and embedding model (the `assay` system knows them); defaults describe an external system (empty corpus, analyzer `none`). */
	readonly corpus?: EvalReport['corpus'];
	readonly analyzer?: EvalReport['analyzer'];
	readonly bm25?: { readonly k1: number; readonly b: number };
	readonly chunking?: EvalReport['chunking'];
	readonly embeddingModel?: EvalReport['embeddingModel'];
	/**
	 * Answer-run configuration fields to record; defaults: mode `system:<type>`, topK = the most
	 * documents any answer named (≥ 1), model `{provider: 'system:<type>', modelId: label}`,
	 * prompt {@link EXTERNAL_PROMPT}, window/maxTokens/temperature 0, seed `baseSeed`.
	 */
	readonly config?: Partial<Omit<AnswerRunConfig, 'label'>>;
	/** Price table for the answers section's `cost` and per-case `costUsd`; default the dated defaults (docs/cost.md). */
	readonly priceTable?: PriceTable;
}

const countBy = (codes: readonly string[]): Record<string, number> => {
	const out: Record<string, number> = {};
	for (const c of codes) out[c] = (out[c] ?? 0) + 1;
	return out;
};

/**
 * The eval report (v2) of a system evaluation, for any system type, built with
 * `buildAnswerReport` on repeat 0's records (retrieval metrics from the contexts that name a
 * document, answer metrics, the `answers` section, summary) plus:
 * - per-query `consistency` ({@link CONSISTENCY_METRIC}, from all repeats; only with ≥ 2
 *   repeats), with its mean in the aggregate, so a gate rule `{"consistency": {"min": 1}}` can
 *   require stability, and `repeats` {n, flakyCaseIds, perCase} (pass threshold from the grading, default 4);
 * - `system` (the secret-free SystemRef), `cache` {hits, requests} when a cache was used,
 *   `errors` {count, byCode} over every case × repeat the system failed;
 * - status `incomplete` with `incomplete` {reason, code, notRun} when the run stopped (system
 *   unreachable), `cancelled` when it was cancelled, else `complete`.
 * Cases the system failed in repeat 0 keep their row and answer but no retrieval metric (never
 * scored 0). When no answer of any repeat names a document (`documentRef`), the report has no
 * retrieval metric at all, and its conventions say so.
 * @throws AssayError `DATASET_INVALID` when repeat 0 has no record, or the report fails validation.
 */
export async function buildSystemReport(input: SystemReportInput): Promise<EvalReport> {
	const { system } = input;
	const cases = input.goldenSet.cases;
	const repeat0 = input.byRepeat[0] ?? [];
	const all = input.byRepeat.flat();
	const namesDocuments = all.some((a) => a.retrieved.length > 0);
	// A reduce, not Math.max(...): a spread of every record would overflow the argument limit on a large run.
	const topK = input.config?.topK ?? all.reduce((k, a) => Math.max(k, new Set(a.retrieved.map((r) => r.documentRef)).size), 1);
	const contentHash = input.contentHash ?? (await goldenSetHash(cases));
	const repeats =
		input.byRepeat.length >= 2
			? summariseRepeats(
					cases.map((c) => c.id),
					input.byRepeat,
					input.grading?.passThreshold ?? 4
				)
			: null;
	const stopped = input.stopped ?? null;
	const config: AnswerRunConfig = {
		label: system.label,
		mode: `system:${system.type}`,
		model: { provider: `system:${system.type}`, modelId: system.label },
		prompt: { spec: EXTERNAL_PROMPT, fewShot: [] },
		contextWindowTokens: 0,
		maxTokens: 0,
		temperature: 0,
		seed: input.baseSeed,
		...input.config,
		topK
	};
	const run: AnswerRunRecord = {
		id: input.runId,
		workspaceId: input.workspaceId ?? '',
		goldenSetId: input.goldenSet.id,
		goldenSetName: input.goldenSet.name,
		goldenSetHash: contentHash,
		caseIds: cases.map((c) => c.id),
		cases,
		config,
		status: stopped !== null || input.cancelled === true ? 'cancelled' : 'complete',
		grading: input.grading,
		createdAtMs: input.createdAtMs,
		updatedAtMs: input.createdAtMs
	};
	const notes: string[] = [
		`System under test: ${system.type} "${system.label}"; a document ranks by the first context naming it; per-query latencyMs is 0 (the system reports no retrieval time; answer times are in the answers section).`
	];
	if (!namesDocuments)
		notes.push("The system's contexts name no document (no documentRef): the report has no retrieval metric (not zeros).");
	notes.push('Requests the system failed are counted in "errors" and left out of every metric, never scored 0.');
	if (repeats !== null)
		notes.push(`Repeats: n = ${repeats.n}; retrieval and answer metrics are from repeat 0, consistency from all repeats.`);
	const answerInput: AnswerReportInput = {
		id: input.id,
		run,
		answers: repeat0,
		...(input.priceTable ? { priceTable: input.priceTable } : {}),
		goldenSet: input.goldenSet,
		...(input.documents !== undefined ? { documents: input.documents } : {}),
		corpus: input.corpus ?? { workspaceName: '', documents: 0, chunks: 0, contentHash: '' },
		analyzer: input.analyzer ?? { name: 'none', fingerprint: '' },
		bm25: input.bm25 ?? { k1: 0, b: 0 },
		chunking: input.chunking ?? { mode: 'none', chunkSizeChars: 0, chunkOverlapChars: 0 },
		embeddingModel: input.embeddingModel ?? null,
		appVersion: input.appVersion,
		createdAtMs: input.createdAtMs,
		environment: input.environment,
		indexType: `system under test (${system.type}): the documents its contexts name, in its rank order`,
		conventionsNote: notes.join(' '),
		unscoredCaseIds: new Set(repeat0.filter((a) => a.error !== null).map((a) => a.caseId)),
		retrievalMetrics: namesDocuments,
		extraMetrics: extraMetricsOf(repeat0, repeats)
	};
	const report = await buildAnswerReport(answerInput);
	const failed = all.filter((a) => a.error !== null).map((a) => (a.error as AssayErrorData).code);
	return parseEvalReport({
		...report,
		...(stopped !== null
			? { status: 'incomplete', incomplete: { reason: stopped.error.message, code: stopped.error.code, notRun: stopped.notRun } }
			: {}),
		system: { type: system.type, label: system.label, details: { ...system.details } },
		...(input.cache ? { cache: { hits: input.cache.hits, requests: input.cache.requests } } : {}),
		...(repeats !== null ? { repeats } : {}),
		...(input.contextMatching ? { contextMatching: { ...input.contextMatching } } : {}),
		errors: { count: failed.length, byCode: countBy(failed) }
	});
}

/**
 * Per-query metric `answered`: 1 when the system answered the case (repeat 0), 0 when it failed
 * it. Failed cases are left out of every other metric, so without this a system that fails its
 * hard cases would score higher; `{"metric": "answered", "min": 1}` gates on "no case failed",
 * and a drop rule catches a rise in failures against the baseline.
 */
export const ANSWERED_METRIC = 'answered';

const ANSWERED_DEFINITION = {
	definition:
		'system evaluations: 1 when the system answered the case, 0 when its request failed (the failure is in "errors"); the mean is the share of cases answered',
	source: 'Assay system evaluation (src/lib/evals/system/report.ts)'
};

function extraMetricsOf(repeat0: readonly AnswerRecord[], repeats: RepeatsSummary | null): NonNullable<AnswerReportInput['extraMetrics']> {
	const perQuery = new Map<string, Record<string, number>>(repeat0.map((a) => [a.caseId, { [ANSWERED_METRIC]: a.error === null ? 1 : 0 }]));
	const definitions: Record<string, typeof ANSWERED_DEFINITION> = { [ANSWERED_METRIC]: ANSWERED_DEFINITION };
	if (repeats !== null) {
		for (const [caseId, values] of consistencyMetrics(repeats)) perQuery.set(caseId, { ...perQuery.get(caseId), ...values });
		definitions[CONSISTENCY_METRIC] = CONSISTENCY_DEFINITION;
	}
	return { perQuery, definitions };
}

/** Sum of cache counters (the system's and each judge's `CachingChatModel`). */
export function addCacheCounts(...counts: readonly CacheCounts[]): CacheCounts {
	return { hits: counts.reduce((s, c) => s + c.hits, 0), requests: counts.reduce((s, c) => s + c.requests, 0) };
}
