import { AssayError } from '../../shared/errors.ts';
import type { RerankEffect } from '../rerank-effect/schema.ts';
import { canonicalJson, sha256Text } from '../../shared/hash.ts';
import type { GoldenCase } from '../golden/types.ts';
import { syntheticCount } from '../golden/synthetic.ts';
import type { RetrievalMetrics } from '../metrics/summary.ts';
import type { NdcgGain } from '../metrics/measures.ts';
import { formatTrecRun } from '../metrics/trec-format.ts';
import type { Qrels, Run } from '../metrics/trec-format.ts';
import type { RetrievalConfig } from '../runner/config.ts';
import { percentile } from '../runner/run.ts';
import type { RewriteReport } from '../../search/rewrite/schema.ts';
import type { ContextualReport } from '../../search/contextual/schema.ts';
import { EVAL_REPORT_SCHEMA, EVAL_REPORT_SCHEMA_V1, EvalReportSchema, type EvalReport } from './types.ts';

/**
 * The configuration fields a report records: a {@link RetrievalConfig} has them all; an answer
 * run supplies its own (its mode is the workspace pipeline's, its chunking the workspace's).
 */
export type ReportRetrievalConfig = Pick<
	RetrievalConfig,
	'label' | 'topK' | 'depth' | 'rrfK' | 'fusion' | 'rerankDepth' | 'reranker' | 'embeddingModel'
> & {
	readonly mode: string;
	readonly chunking: { readonly mode?: string | undefined; readonly chunkSizeChars: number; readonly chunkOverlapChars: number };
	readonly bm25: { readonly k1: number; readonly b: number };
};

/** Everything {@link buildEvalReport} assembles. Document ids in `run`/`qrels` are portable references. */
export interface EvalReportInput {
	readonly id: string;
	readonly workspaceId: string;
	readonly appVersion: string;
	readonly createdAtMs: number;
	readonly cancelled: boolean;
	readonly goldenSet: { readonly id: string; readonly name: string; readonly cases: readonly GoldenCase[] };
	readonly corpus: EvalReport['corpus'];
	readonly analyzer: EvalReport['analyzer'];
	readonly config: ReportRetrievalConfig;
	readonly relevanceLevel: number;
	readonly ndcgGain: NdcgGain;
	readonly cutoffs: readonly number[];
	readonly metrics: RetrievalMetrics;
	readonly qrels: Qrels;
	readonly run: Run;
	readonly latencyMs: ReadonlyMap<string, number>;
	readonly unmatched: ReadonlyMap<string, readonly string[]>;
	readonly totalMs: number;
	readonly indexMs: number;
	readonly environment: EvalReport['environment'];
	/** The embedding model that ran (backend as used); default `config.embeddingModel`. */
	readonly embeddingModel?: EvalReport['embeddingModel'];
	/** Index description; default the BM25 chunk index. */
	readonly indexType?: string;
	/** The reranker model that ran; default `config.reranker`. */
	readonly reranker?: string | null;
	/** Golden-set hash computed elsewhere (an answer run hashes its set when it starts); default {@link goldenSetHash} of `goldenSet.cases`. */
	readonly contentHash?: string;
	/** Sentence appended to the metric conventions (e.g. how answer metrics aggregate). */
	readonly conventionsNote?: string;
	/** More metrics per query (only where defined), with their means and definitions, merged into the report. */
	readonly extraMetrics?: {
		readonly perQuery: ReadonlyMap<string, Readonly<Record<string, number>>>;
		readonly aggregate: EvalReport['metrics']['aggregate'];
		readonly definitions: EvalReport['metrics']['definitions'];
	};
	/** The `answers` section (v2) of an answer run's report; default `null` (a retrieval report). */
	readonly answers?: EvalReport['answers'];
	/** The stage ablation section (`computeAblation`); absent = none. */
	readonly ablation?: EvalReport['ablation'];
	/** The principal the run retrieved as; absent = the owner. */
	readonly runAs?: { readonly user: string; readonly groups: readonly string[] };
	/** What the query rewriting of the run did and cost; absent = no rewriting. */
	readonly rewrite?: RewriteReport;
	/** What writing the chunks' contexts did and cost; absent = no contextual chunks (the report reads as before). */
	readonly contextual?: ContextualReport;
	/** Parent-document retrieval: the expansion that ran, the spans per query id, and totals (absent = none; the report then reads as before). */
	readonly expansion?: {
		readonly config: { readonly mode: 'none' | 'parent-section' | 'neighbours'; readonly maxTokens: number; readonly windowChunks: number };
		readonly perQuery: ReadonlyMap<string, readonly NonNullable<EvalReport['perQuery'][number]['spans']>[number][]>;
		readonly averageTokens: number;
		readonly spans: number;
	};
	/** Cross-encoder truncation: totals and pairs truncated per query id (hybrid-rerank runs). */
	readonly rerank?: {
		readonly pairs: number;
		readonly truncatedPairs: number;
		readonly maxTokens: number | null;
		readonly perQuery: ReadonlyMap<string, number>;
	};
	/** The reranker's effect per query and in aggregate (hybrid-rerank runs; see `computeRerankEffect`). */
	readonly rerankEffect?: RerankEffect;
}

/** SHA-256 of a golden set's cases in canonical JSON: equal sets hash equal, whatever their file format. */
export function goldenSetHash(cases: readonly GoldenCase[]): Promise<string> {
	return sha256Text(canonicalJson(cases));
}

/** Assemble and validate a retrieval report (written as v2, `answers: null`). */
export async function buildEvalReport(input: EvalReportInput): Promise<EvalReport> {
	const m = input.metrics;
	const latencies = [...input.latencyMs.values()];
	const byId = new Map(input.goldenSet.cases.map((c) => [c.id, c]));
	const report: EvalReport = {
		schema: EVAL_REPORT_SCHEMA,
		id: input.id,
		workspaceId: input.workspaceId,
		app: { name: 'assay', version: input.appVersion },
		createdAt: new Date(input.createdAtMs).toISOString(),
		status: input.cancelled ? 'cancelled' : 'complete',
		dataset: {
			goldenSetId: input.goldenSet.id,
			name: input.goldenSet.name,
			contentHash: input.contentHash ?? (await goldenSetHash(input.goldenSet.cases)),
			cases: input.goldenSet.cases.length,
			synthetic: syntheticCount(input.goldenSet.cases),
			evaluatedCases: m.queryCount,
			judgments: input.goldenSet.cases.reduce((n, c) => n + c.relevant.length, 0),
			unmatchedReferences: [...input.unmatched.values()].reduce((n, l) => n + l.length, 0)
		},
		corpus: input.corpus,
		chunking: {
			mode: input.config.chunking.mode ?? 'recursive',
			chunkSizeChars: input.config.chunking.chunkSizeChars,
			chunkOverlapChars: input.config.chunking.chunkOverlapChars
		},
		analyzer: input.analyzer,
		embeddingModel: input.embeddingModel !== undefined ? input.embeddingModel : input.config.embeddingModel,
		index: {
			type: input.indexType ?? 'bm25-inverted-index (chunk level; document = best chunk)',
			bm25: { k1: input.config.bm25.k1, b: input.config.bm25.b }
		},
		retrieval: {
			label: input.config.label,
			mode: input.config.mode,
			topK: input.config.topK,
			depth: input.config.depth,
			rrfK: input.config.rrfK,
			...(input.config.fusion ? { fusion: input.config.fusion } : {}),
			...(input.rewrite ? { rewrite: { ...input.rewrite } } : {}),
			...(input.contextual ? { contextual: { ...input.contextual } } : {}),
			...(input.config.rerankDepth !== undefined ? { rerankDepth: input.config.rerankDepth } : {}),
			reranker: input.reranker !== undefined ? input.reranker : input.config.reranker,
			...(input.expansion ? { expand: { ...input.expansion.config } } : {}),
			...(input.runAs ? { runAs: { user: input.runAs.user, groups: [...input.runAs.groups] } } : {})
		},
		...(input.rerank
			? { rerank: { pairs: input.rerank.pairs, truncatedPairs: input.rerank.truncatedPairs, maxTokens: input.rerank.maxTokens } }
			: {}),
		...(input.rerankEffect ? { rerankEffect: input.rerankEffect } : {}),
		...(input.expansion ? { expansion: { spans: input.expansion.spans, averageTokens: input.expansion.averageTokens } } : {}),
		metrics: {
			cutoffs: [...input.cutoffs],
			relevanceLevel: input.relevanceLevel,
			ndcgGain: input.ndcgGain,
			conventions:
				'trec_eval 9.0.8/10.0: documents ordered by score (6 decimals) descending, ties by document id descending; every case is evaluated (a query without results scores 0); "mean" counts unanswerable cases (no relevant document) as 0, "answerableMean" leaves them out; a document ranks by its best chunk.' +
				(input.conventionsNote ? ` ${input.conventionsNote}` : ''),
			definitions: { ...m.definitions, ...input.extraMetrics?.definitions },
			aggregate: { ...m.means, ...input.extraMetrics?.aggregate },
			queryCount: m.queryCount,
			answerableCount: m.answerableCount,
			unanswerableCount: m.unanswerableCount,
			unanswerableWithResults: m.unanswerableWithResults
		},
		perQuery: [...m.perQuery].map(([qid, values]) => {
			const judged = input.qrels.get(qid) ?? new Map<string, number>();
			const c = byId.get(qid);
			return {
				id: qid,
				query: c?.query ?? '',
				tags: [...(c?.tags ?? [])],
				metrics: { ...values, ...input.extraMetrics?.perQuery.get(qid) },
				latencyMs: input.latencyMs.get(qid) ?? 0,
				relevant: [...judged].map(([doc, grade]) => ({
					doc: doc.startsWith('?') ? doc.slice(1) : doc,
					grade,
					matched: !doc.startsWith('?')
				})),
				ranked: (input.run.get(qid) ?? []).map((e): [string, number] => [e.docId, e.score]),
				...(input.rerank ? { rerankTruncatedPairs: input.rerank.perQuery.get(qid) ?? 0 } : {}),
				...(input.expansion ? { spans: (input.expansion.perQuery.get(qid) ?? []).map((s) => ({ ...s })) } : {})
			};
		}),
		timings: {
			totalMs: input.totalMs,
			indexMs: input.indexMs,
			latencyP50Ms: percentile(latencies, 50),
			latencyP95Ms: percentile(latencies, 95)
		},
		environment: input.environment,
		answers: input.answers ?? null,
		...(input.ablation ? { ablation: input.ablation } : {})
	};
	return parseEvalReport(report);
}

/**
 * Validate a stored or re-imported report (v1 or v2).
 * @throws AssayError `DATASET_INVALID` naming the first problems (not a v1/v2 report, a missing field…).
 */
export function parseEvalReport(value: unknown): EvalReport {
	const parsed = EvalReportSchema.safeParse(value);
	if (parsed.success) return parsed.data;
	const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
	throw new AssayError(
		'DATASET_INVALID',
		`Not an Assay eval report (${EVAL_REPORT_SCHEMA_V1} or ${EVAL_REPORT_SCHEMA}) — ${issues.join('; ')}`,
		{ details: { issues } }
	);
}

/** The report's ranked lists as a TREC run (`qid Q0 doc rank score tag`), for trec_eval and other tools. */
export function reportToTrecRun(report: EvalReport): string {
	const tag = report.retrieval.label.replace(/\s+/g, '_') || 'assay';
	return formatTrecRun(
		report.perQuery.map((q) => ({ queryId: q.id, hits: q.ranked.map(([id, score]) => ({ id, score })) })),
		tag
	);
}

/** The report's judgments as TREC qrels (`qid 0 doc grade`), so `assay metrics` can re-score the run. */
export function reportToQrels(report: EvalReport): string {
	return report.perQuery.flatMap((q) => q.relevant.map((r) => `${q.id} 0 ${r.doc} ${r.grade}\n`)).join('');
}
