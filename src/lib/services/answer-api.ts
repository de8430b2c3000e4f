import type { PriceTable } from '../cost/index.ts';
import type { AnswerRecord, AnswerRunConfig, AnswerRunRecord, AnswerRunStatus, GradingSettings } from '../evals/answers/types.ts';
import type { GoldenCase } from '../evals/golden/types.ts';
import type { EvalReport } from '../evals/report/types.ts';
import type { PairwiseReportSection } from '../evals/answers/report.ts';
import type { ContextMatchResult } from '../evals/system/contexts.ts';
import type { SystemContext } from '../evals/system/types.ts';
import type { AnswerCacheEntry, QuestionEmbedding } from '../cache/answer-cache.ts';

/**
 * The contract of the answer service (hosted in the library worker beside the library and eval
 * services): answer runs and their answers in storage, and the versioned report built from
 * them. Generation and judging run on the page (where the chat model lives); this service only
 * stores what they produce, one answer at a time, so a reload loses at most the answer in flight.
 */

/** Start an answer run over a stored golden set. */
export interface StartAnswerRunRequest {
	readonly workspaceId: string;
	readonly goldenSetId: string;
	readonly config: AnswerRunConfig;
	/** Repeats of a system run, 1–10 (default 1): each case asked N times (see `AnswerRunRecord.repeats`). */
	readonly repeats?: number;
}

/** A run with its answers and the golden cases it still has to answer (resume). */
export interface AnswerRunState {
	readonly run: AnswerRunRecord;
	readonly answers: AnswerRecord[];
	/** Cases of the run's own golden-set snapshot without a stored answer, in run order. */
	readonly pending: GoldenCase[];
}

/** What a report needs besides the stored run. */
export interface AnswerReportRequest {
	readonly runId: string;
	readonly appVersion: string;
	readonly environment: EvalReport['environment'];
	/** A pairwise comparison against another run, when one was made. */
	readonly pairwise?: PairwiseReportSection | null;
	/** The price table to cost the run with (Settings); default the dated defaults (docs/cost.md). */
	readonly priceTable?: PriceTable;
}

/** The answer service's API. */
export interface AnswerApi {
	/**
	 * Create a run (status `running`) over every case of the golden set, in golden-set order.
	 * @throws AssayError `CONFIG_INVALID` for bad settings (see `parseAnswerRunConfig`); `NOT_FOUND` for an unknown golden set; `DATASET_INVALID` when it has no case.
	 */
	startAnswerRun(request: StartAnswerRunRequest): Promise<AnswerRunRecord>;
	/** Runs of a workspace, oldest first. Damaged records are skipped. */
	listAnswerRuns(workspaceId: string): Promise<AnswerRunRecord[]>;
	/** A run, its answers (in run order) and what is left to answer. @throws `NOT_FOUND`. */
	answerRunState(runId: string): Promise<AnswerRunState>;
	/** Store (or replace) one answer. @throws `NOT_FOUND` when its run does not exist. */
	saveAnswer(record: AnswerRecord, repeat?: number): Promise<void>;
	/**
	 * The answers of repeats 1…N−1 of a run (`[i]` = repeat i + 1, each in run order); `[]` for a
	 * run of one repeat. `runId` on the records is the run's own id. @throws `NOT_FOUND`.
	 */
	answerRepeats(runId: string): Promise<AnswerRecord[][]>;
	/** Change a run's status, grading settings, label or context-matching counts. @throws `NOT_FOUND`. */
	updateAnswerRun(
		runId: string,
		patch: {
			readonly status?: AnswerRunStatus;
			readonly grading?: GradingSettings | null;
			readonly label?: string;
			readonly contextMatching?: AnswerRunRecord['contextMatching'];
		}
	): Promise<AnswerRunRecord>;
	/**
	 * Match text-only contexts (per answer: `contexts[i]`) to the workspace's documents and chunks
	 * (`ContextMatcher`, built once per workspace state and kept in the worker).
	 * @throws `NOT_FOUND` for an unknown workspace.
	 */
	matchContexts(workspaceId: string, contexts: readonly (readonly SystemContext[])[]): Promise<ContextMatchResult[]>;
	/** Delete a run and its answers. @throws `NOT_FOUND`. */
	deleteAnswerRun(runId: string): Promise<void>;
	/**
	 * Build the versioned eval report (v2, with the `answers` section) of a run, store it with the
	 * workspace's eval reports (so the evaluations page lists, compares and gates it) and return it.
	 * @throws AssayError `DATASET_INVALID` when the run has no answer.
	 */
	saveAnswerReport(request: AnswerReportRequest): Promise<EvalReport>;
	/**
	 * The response cache of system and judge replies (store `responseCache`, schema v5), one value
	 * per key (SHA-256 hex, see `evals/system/cache.ts`): `undefined` when nothing is cached.
	 */
	getCachedResponse(key: string): Promise<unknown>;
	/** Cache `value` (plain JSON data) under `key`, replacing an earlier one. @throws `STORAGE_QUOTA` on a full disk. */
	putCachedResponse(key: string, value: unknown): Promise<void>;
	/** How many responses are cached. */
	cachedResponseCount(): Promise<number>;
	/** Empty the response cache; resolves with how many entries it held. */
	clearResponseCache(): Promise<number>;
	/** The Ask page's answer cache (store `answerCache`, schema v6): every entry of the workspace. */
	listAnswerCache(workspaceId: string): Promise<AnswerCacheEntry[]>;
	/** Store an answer cache entry, replacing one with the same key. @throws `STORAGE_QUOTA` on a full disk. */
	putAnswerCacheEntry(entry: AnswerCacheEntry): Promise<void>;
	/** Delete answer cache entries by key; resolves with how many existed. */
	deleteAnswerCacheEntries(keys: readonly string[]): Promise<number>;
	/** Delete the workspace's answer cache; resolves with how many entries it held. */
	clearAnswerCache(workspaceId: string): Promise<number>;
	/** What invalidates the workspace's cached answers: the content hash of its documents (`corpusHash`). */
	answerCacheContext(workspaceId: string): Promise<{ readonly corpusHash: string }>;
	/**
	 * Embed a question with the workspace's embedding model (query side), for semantic cache lookups.
	 * @throws AssayError `WORKER_FAILED` when no model worker is connected; `MODEL_LOAD_FAILED`.
	 */
	embedQuestion(workspaceId: string, question: string): Promise<QuestionEmbedding>;
}
