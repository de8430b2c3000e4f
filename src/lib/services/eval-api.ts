import type { GoldenCase, GoldenSetFormat, GoldenSetRecord, RowError } from '../evals/golden/types.ts';
import type { EvalReport } from '../evals/report/types.ts';
import type { RetrievalConfigInput } from '../evals/runner/config.ts';
import type { NdcgGain } from '../evals/metrics/measures.ts';
import type { AnalyzerName } from '../config/schema.ts';
import type { WorkspaceRecord } from '../ingest/types.ts';
import type { Bm25Explanation } from '../search/index.ts';
import type { Principal } from '../search/filters/index.ts';
import type { QueryPlan } from '../search/rewrite/types.ts';
import type { RewriteReport } from '../search/rewrite/schema.ts';
import type { ContextualReport } from '../search/contextual/schema.ts';
import type { ContextualChunk } from '../search/contextual/types.ts';
import type { ChunkingConfigInput } from '../config/schema.ts';

/**
 * The contract of the eval service (hosted in the library worker beside the library, over
 * the same error-preserving Comlink RPC). Structured-clone data only.
 */

/** A golden-set import: the file texts, by format. */
export type GoldenSetSource =
	| { readonly format: 'jsonl' | 'csv'; readonly text: string }
	| { readonly format: 'trec'; readonly qrelsText: string; readonly queriesText: string };

/** Result of a golden-set import: the stored set (good rows) and each bad row. */
export interface GoldenSetImportResult {
	readonly goldenSet: GoldenSetRecord;
	readonly errors: readonly RowError[];
}

/** The files of a BEIR folder, as picked. `corpus` may be gzipped (`corpus.jsonl.gz`). */
export interface BeirFolderInput {
	readonly name: string;
	readonly corpus: Blob;
	readonly corpusGzipped: boolean;
	readonly queries: Blob;
	readonly qrels: Blob;
	/** Analyzer of the new workspace. Default `auto`. */
	readonly analyzer?: AnalyzerName;
}

/** Progress of a BEIR import. */
export interface BeirImportProgress {
	readonly phase: 'reading' | 'storing' | 'indexing';
	readonly done: number;
	readonly total: number;
}

/** Result of a BEIR import. */
export interface BeirImportResult {
	readonly workspace: WorkspaceRecord;
	readonly goldenSet: GoldenSetRecord;
	readonly documents: number;
	readonly errors: readonly RowError[];
	readonly durationMs: number;
}

/** An evaluation request. */
export interface EvalRequest {
	readonly workspaceId: string;
	readonly goldenSetId: string;
	readonly config: RetrievalConfigInput;
	readonly jobId: string;
	/** Minimum grade counted relevant (trec_eval `-l`). Default 1. */
	readonly relevanceLevel?: number;
	/** nDCG gain. Default `linear` (trec_eval). */
	readonly ndcgGain?: NdcgGain;
	readonly appVersion: string;
	readonly environment: EvalReport['environment'];
	/**
	 * Evaluate as this user/groups: documents whose access list excludes them are left out of the
	 * corpus (never retrieved, counted, or named in the report; judgments on them count as
	 * unmatched). Absent = the workspace owner (sees everything). Recorded as `retrieval.runAs`.
	 */
	readonly runAs?: Principal;
	/**
	 * The rewrites of every case's query, by query text, made beforehand where the answering model
	 * lives (the page: `rewriteQuery` over the app's model and its `responseCache`), with the
	 * report section they add (calls, tokens, cost). Required when `config.rewrite` is set; ignored
	 * otherwise. A query without a plan is retrieved as typed.
	 */
	readonly rewrite?: { readonly plans: Readonly<Record<string, QueryPlan>>; readonly report: RewriteReport };
	/**
	 * The contexts of the configuration's chunks, by chunk id, written beforehand where the
	 * answering model lives (the page: `contextualizeChunks` over the chunks `contextualChunks`
	 * lists, cached in `responseCache`), with the report section they add. Required when
	 * `config.contextual` is set; ignored otherwise. A chunk without a context is indexed as is.
	 */
	readonly contextual?: { readonly contexts: Readonly<Record<string, string>>; readonly report: ContextualReport };
	/**
	 * Also write a stage ablation (`report.ablation`, `computeAblation` at the run's depth): dense,
	 * hybrid and hybrid-rerank modes (a lexical run has one stage and writes none). Default false.
	 */
	readonly ablation?: boolean;
}

/** Progress of an evaluation. */
export interface EvalRunProgress {
	readonly jobId: string;
	/**
	 * `rewriting`: the page is rewriting the queries with the answering model; `contextualising`:
	 * the page is writing the chunks' contexts (contextual chunks; `total` = chunks). Both before the
	 * worker runs. `embedding`: the worker is embedding `context + chunk` for a dense mode with
	 * contextual chunks (`total` = chunks, cached ones counted done).
	 */
	readonly phase: 'rewriting' | 'contextualising' | 'indexing' | 'embedding' | 'querying';
	readonly done: number;
	readonly total: number;
}

/** Why one document ranked where it did for one query, under one configuration. */
export interface ExplainRequest {
	readonly workspaceId: string;
	readonly config: RetrievalConfigInput;
	readonly query: string;
	/** Portable document reference, as in reports (corpus id, else relative path). */
	readonly documentRef: string;
	/** Explain as this user/groups: a document they may not see is `NOT_FOUND`, like a missing one. */
	readonly runAs?: Principal;
	/**
	 * With `config.contextual`: the model that wrote the contexts (a report's
	 * `retrieval.contextual.model`). The index and the chunk are then scored with the contexts that
	 * model has stored (`responseCache`, no model call), as the run indexed them. Ignored without
	 * `config.contextual`.
	 */
	readonly contextModel?: string;
}

/** The explain view: the document's best chunk and its BM25 score term by term. */
export interface ExplainResult {
	readonly documentRef: string;
	readonly documentName: string;
	readonly chunkOrdinal: number;
	/** The best chunk's text, cut to 1 000 UTF-16 units (the original text, without its context). */
	readonly chunkText: string;
	readonly explanation: Bm25Explanation;
	/**
	 * Contextual configurations only (`config.contextual` and `contextModel`): the best chunk's
	 * stored context (model-written, untrusted; `null` when it has none), which the score counts
	 * (the chunk was scored as `context + "\n\n" + chunk`), and how many of the configuration's
	 * chunks had a stored context (the index statistics include them). Absent otherwise.
	 */
	readonly contextual?: { readonly context: string | null; readonly withContext: number; readonly chunks: number };
}

/** The eval service's API. */
export interface EvalApi {
	listGoldenSets(workspaceId: string): Promise<GoldenSetRecord[]>;
	/** Parse and store a golden set; bad rows are reported, good ones kept. @throws `DATASET_INVALID` when no row is good. */
	importGoldenSet(workspaceId: string, name: string, source: GoldenSetSource): Promise<GoldenSetImportResult>;
	/**
	 * Create or replace a golden set's cases (the editor). `synthetic`: the new synthetic review
	 * queue (pending or rejected synthetic cases only); absent = keep the stored one. Case ids are
	 * unique across both lists.
	 * @throws `DATASET_INVALID` for a bad case, a repeated id or an accepted / real case in the queue.
	 */
	saveGoldenSet(
		workspaceId: string,
		goldenSetId: string | null,
		name: string,
		cases: readonly GoldenCase[],
		format?: GoldenSetFormat,
		synthetic?: readonly GoldenCase[]
	): Promise<GoldenSetRecord>;
	deleteGoldenSet(goldenSetId: string): Promise<void>;
	/** Make a workspace from a BEIR folder (one chunk per document) and its golden set from queries + qrels. */
	importBeirFolder(input: BeirFolderInput, onProgress?: (p: BeirImportProgress) => void): Promise<BeirImportResult>;
	/** Evaluate one retrieval configuration over a golden set; the report is stored and returned. */
	runEval(request: EvalRequest, onProgress?: (p: EvalRunProgress) => void): Promise<EvalReport>;
	/** The chunks an evaluation with `chunking` indexes, to write their contexts on the page (contextual chunks; see `contextualChunksFor`). */
	contextualChunks(workspaceId: string, chunking: ChunkingConfigInput): Promise<ContextualChunk[]>;
	cancelEval(jobId: string): Promise<void>;
	listEvalReports(workspaceId: string): Promise<EvalReport[]>;
	/** Validate and store a report exported earlier (it keeps its id; re-importing replaces it). */
	importEvalReport(workspaceId: string, json: string): Promise<EvalReport>;
	deleteEvalReport(reportId: string): Promise<void>;
	/** Explain a document's BM25 score for a query (its best chunk). @throws `NOT_FOUND` for an unknown document. */
	explainResult(request: ExplainRequest): Promise<ExplainResult>;
}
