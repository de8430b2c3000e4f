import { z } from '../../shared/zod.ts';
import { FusionConfigSchema } from '../../search/fusion/score.ts';
import { RewriteReportSchema } from '../../search/rewrite/schema.ts';
import { ContextualReportSchema } from '../../search/contextual/schema.ts';
import { AblationSectionSchema } from '../ablation/schema.ts';
import { AnswersSectionSchema } from '../answers/report-schema.ts';
import { RerankEffectSchema } from '../rerank-effect/schema.ts';
import { SYSTEM_REPORT_FIELDS } from '../system/report-schema.ts';
import { ExpansionSummarySchema, ReportExpandConfigSchema, ReportSpansSchema } from './expansion-schema.ts';

/**
 * The eval report: everything needed to reproduce, compare and audit one retrieval evaluation
 * or one answer evaluation. Stored as-is in the `evalRuns` store and exported as JSON. Version 2
 * (`schemas/eval-report.v2.schema.json`, docs/evals.md and docs/answer-evals.md) is version 1
 * plus an optional `answers` section (null or absent for retrieval-only reports); every new
 * report is written as v2, and v1 reports (`schemas/eval-report.v1.schema.json`) still parse.
 * Numbers are full precision; times in milliseconds; hashes SHA-256 hex.
 */
export const EVAL_REPORT_SCHEMA = 'assay.eval-report/v2';

/** The first version's identifier: retrieval only, no `answers` section. Still accepted on import. */
export const EVAL_REPORT_SCHEMA_V1 = 'assay.eval-report/v1';

const num = z.number().finite();
const meanSchema = z.object({ mean: num, answerableMean: num.nullable() });

/** zod form of the report (validates stored and re-imported reports). */
export const EvalReportSchema = z
	.object({
		schema: z.enum([EVAL_REPORT_SCHEMA_V1, EVAL_REPORT_SCHEMA]),
		id: z.string().min(1),
		workspaceId: z.string(),
		app: z.object({ name: z.literal('assay'), version: z.string() }),
		createdAt: z.string(),
		/** `incomplete` (v2, system evaluations): the system under test was unreachable and the run stopped (see `incomplete`). */
		status: z.enum(['complete', 'cancelled', 'incomplete']),
		dataset: z.object({
			goldenSetId: z.string(),
			name: z.string(),
			contentHash: z.string(),
			cases: z.number().int(),
			/** How many of `cases` are synthetic (generated, accepted after review; v2, optional: absent in older reports). */
			synthetic: z.number().int().min(0).optional(),
			evaluatedCases: z.number().int(),
			judgments: z.number().int(),
			unmatchedReferences: z.number().int()
		}),
		corpus: z.object({ workspaceName: z.string(), documents: z.number().int(), chunks: z.number().int(), contentHash: z.string() }),
		chunking: z.object({ mode: z.string(), chunkSizeChars: z.number(), chunkOverlapChars: z.number() }),
		analyzer: z.object({ name: z.string(), fingerprint: z.string() }),
		/** `pooling` and the prefixes (optional: absent in older reports) say how texts were embedded. */
		embeddingModel: z
			.object({
				id: z.string(),
				dtype: z.string(),
				backend: z.string(),
				pooling: z.string().optional(),
				queryPrefix: z.string().optional(),
				passagePrefix: z.string().optional()
			})
			.nullable(),
		index: z.object({ type: z.string(), bm25: z.object({ k1: num, b: num }) }),
		retrieval: z.object({
			label: z.string(),
			mode: z.string(),
			topK: z.number().int(),
			depth: z.number().int(),
			rrfK: z.number().int(),
			/** How the hybrid modes fused their lists (v2, optional); absent = RRF with `rrfK`. */
			fusion: FusionConfigSchema.optional(),
			/** Query rewriting of the run (v2, optional): technique, model, calls, tokens and cost; absent = none. */
			rewrite: RewriteReportSchema.optional(),
			/** Contextual chunks of the run (v2, optional): model, prompt version, contexts generated / cached / failed, tokens and cost; absent = none. */
			contextual: ContextualReportSchema.optional(),
			/** Rerank pool depth the configuration asked for (v2, optional); absent = the workspace's pool (factor × topK by default). */
			rerankDepth: z.number().int().optional(),
			reranker: z.string().nullable(),
			/** Parent-document retrieval that ran (v2, optional); absent = none. */
			expand: ReportExpandConfigSchema.optional(),
			/** The principal the run retrieved as (documents outside its access lists were left out); absent/null = the owner. */
			runAs: z
				.object({ user: z.string(), groups: z.array(z.string()) })
				.nullable()
				.optional()
		}),
		/** Cross-encoder pairs scored and pairs whose passage was cut to fit `maxTokens` (hybrid-rerank runs; absent otherwise). */
		rerank: z
			.object({ pairs: z.number().int(), truncatedPairs: z.number().int(), maxTokens: z.number().int().nullable() })
			.nullable()
			.optional(),
		/** The reranker's effect (v2, optional; hybrid-rerank runs): per query the metric of the fused list vs the reranked one, moved relevant documents, helped / hurt / unchanged. */
		rerankEffect: RerankEffectSchema.nullable().optional(),
		/** Spans returned by parent-document retrieval and their mean estimated tokens (v2, optional; with `retrieval.expand`). */
		expansion: ExpansionSummarySchema.optional(),
		metrics: z.object({
			cutoffs: z.array(z.number().int()),
			relevanceLevel: z.number().int(),
			ndcgGain: z.enum(['linear', 'exponential']),
			conventions: z.string(),
			definitions: z.record(z.string(), z.object({ definition: z.string(), source: z.string() })),
			aggregate: z.record(z.string(), meanSchema),
			queryCount: z.number().int(),
			answerableCount: z.number().int(),
			unanswerableCount: z.number().int(),
			unanswerableWithResults: z.number().int()
		}),
		perQuery: z.array(
			z.object({
				id: z.string(),
				query: z.string(),
				tags: z.array(z.string()),
				metrics: z.record(z.string(), num),
				latencyMs: num,
				relevant: z.array(z.object({ doc: z.string(), grade: z.number().int(), matched: z.boolean() })),
				ranked: z.array(z.tuple([z.string(), num])),
				/** Reranked pairs of this query whose passage was truncated (hybrid-rerank runs). */
				rerankTruncatedPairs: z.number().int().optional(),
				/** Spans parent-document retrieval returned for this query, best first (with `retrieval.expand`). */
				spans: ReportSpansSchema.optional()
			})
		),
		timings: z.object({ totalMs: num, indexMs: num, latencyP50Ms: num.nullable(), latencyP95Ms: num.nullable() }),
		environment: z.object({ userAgent: z.string(), gpuAdapter: z.string().nullable(), hardwareConcurrency: z.number().int().nullable() }),
		/** Answer evaluation (v2): null or absent for retrieval-only reports. */
		answers: AnswersSectionSchema.nullable().optional(),
		/** Stage ablation (v2, optional): the configuration's metrics after each stage, paired stage tests, where relevant documents were lost. */
		ablation: AblationSectionSchema.nullable().optional(),
		/** System evaluation (v2, all optional): system under test, cache counters, repeats, errors, why a run is incomplete. */
		...SYSTEM_REPORT_FIELDS
	})
	.superRefine((report, ctx) => {
		// Values a tool could not have written: an edited or forged report must not gate a release.
		if (report.schema === EVAL_REPORT_SCHEMA_V1 && report.answers)
			ctx.addIssue({ code: 'custom', path: ['answers'], message: 'a v1 report has no answers section' });
		if (report.status === 'incomplete' && !report.incomplete)
			ctx.addIssue({ code: 'custom', path: ['incomplete'], message: 'an incomplete report says why (incomplete.reason, notRun)' });
		if (report.incomplete && report.status !== 'incomplete')
			ctx.addIssue({
				code: 'custom',
				path: ['status'],
				message: `a report with "incomplete" set has status "incomplete", found "${report.status}"`
			});
		const check = (values: Record<string, number>, path: (string | number)[]) => {
			for (const [name, value] of Object.entries(values)) {
				const [lo, hi] = metricRange(name);
				if (value < lo || value > hi)
					ctx.addIssue({ code: 'custom', path: [...path, name], message: `${name} must lie in [${lo}, ${hi}], found ${value}` });
			}
		};
		check(Object.fromEntries(Object.entries(report.metrics.aggregate).map(([m, v]) => [m, v.mean])), ['metrics', 'aggregate']);
		report.perQuery.forEach((q, i) => check(q.metrics, ['perQuery', i, 'metrics']));
		for (const [stage, means] of Object.entries(report.ablation?.aggregate ?? {}))
			check(Object.fromEntries(Object.entries(means).map(([m, v]) => [m, v.mean])), ['ablation', 'aggregate', stage]);
	});

/** The range a metric's value can take: judge rubric scores 1–5; every other metric Assay writes (retrieval metrics, check pass rates) 0–1. */
export function metricRange(name: string): readonly [number, number] {
	return name.startsWith('judge.') ? [1, 5] : [0, 1];
}

/** An eval report (v1 or v2). */
export type EvalReport = z.infer<typeof EvalReportSchema>;
