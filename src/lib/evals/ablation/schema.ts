import { FusionConfigSchema } from '../../search/fusion/score.ts';
import { z } from '../../shared/zod.ts';

/**
 * The `ablation` section of an eval report (v2, optional) and of `assay run --ablation`: one
 * retrieval configuration measured after each of its stages (lexical, dense, fused, reranked),
 * each stage's list cut to the evaluated depth (`topK`) and scored as a separate run of that
 * stage's mode would be. Numbers are full precision; metric names are the report's
 * (`ndcg@10`, `recall@100`, `recip_rank`, …; see `evaluateRetrieval`).
 */

/** Stages in pipeline order (the names of `StageLists`). */
export const ABLATION_STAGES = ['lexical', 'dense', 'fused', 'rerank'] as const;

/** One stage of the pipeline. */
export type AblationStage = (typeof ABLATION_STAGES)[number];

/**
 * Where a relevant document can be lost: a stage, or `retrievers` when a mode runs both
 * retrievers and the document is in neither one's cut list.
 */
export const ABLATION_STEPS = ['retrievers', ...ABLATION_STAGES] as const;

/** A step of {@link ABLATION_STEPS}. */
export type AblationStep = (typeof ABLATION_STEPS)[number];

const num = z.number().finite();
const stage = z.enum(ABLATION_STAGES);
const byStage = <T extends z.ZodType>(value: T) => z.partialRecord(stage, value);

/** A paired comparison of two consecutive stages on one metric (`to − from`, per query then averaged). */
export const StageComparisonSchema = z.object({
	from: stage,
	to: stage,
	metric: z.string(),
	/** Means of `metric` over the compared queries, at `from` and at `to`. */
	fromMean: num,
	toMean: num,
	queryCount: z.number().int(),
	meanDifference: num,
	ciLow: num,
	ciHigh: num,
	pValue: num,
	verdict: z.enum(['better', 'worse', 'no significant difference']),
	improved: z.number().int(),
	regressed: z.number().int(),
	tied: z.number().int()
});

/** One relevant document of a query: its 1-based rank in each stage's full list (`null` = absent) and where it was lost. */
export const AblationRelevantSchema = z.object({
	doc: z.string(),
	grade: z.number().int(),
	ranks: byStage(z.number().int().positive().nullable()),
	/** The step whose cut list dropped it for good; `null` when the last stage's cut list still holds it. */
	lostAt: z.enum(ABLATION_STEPS).nullable()
});

/** zod form of the ablation section. */
export const AblationSectionSchema = z.object({
	/** Evaluated depth: every stage list is cut to its first `topK` documents. */
	topK: z.number().int().positive(),
	/** The stages the mode runs, in pipeline order. */
	stages: z.array(stage).min(1),
	/** The metric the paired comparisons test. */
	metric: z.string(),
	/** The significance tests' description (seed, resamples, permutations). */
	method: z.string(),
	/** Per stage: every metric's trec_eval mean and answerable-only mean. */
	aggregate: byStage(z.record(z.string(), z.object({ mean: num, answerableMean: num.nullable() }))),
	/** Consecutive stages: lexical→fused, dense→fused, fused→rerank (those the mode runs). */
	comparisons: z.array(StageComparisonSchema),
	perQuery: z.array(
		z.object({
			id: z.string(),
			metrics: byStage(z.record(z.string(), num)),
			relevant: z.array(AblationRelevantSchema)
		})
	)
});

/** The ablation section. */
export type AblationSection = z.infer<typeof AblationSectionSchema>;

/** A paired comparison between stages. */
export type StageComparison = z.infer<typeof StageComparisonSchema>;

/** A relevant document's path through the stages. */
export type AblationRelevant = z.infer<typeof AblationRelevantSchema>;

/** Identifier of the file `assay run --ablation` writes. */
export const STAGE_ABLATION_SCHEMA = 'assay.stage-ablation/v1';

/**
 * What `assay run --ablation <file>` writes (`schemas/stage-ablation.v1.schema.json`, generated
 * from this): the dataset, the configuration (`topK` = evaluated depth; `depth` candidates per
 * retriever; RRF `rrfK`; rerank pool = `rerankPoolFactor` × `topK`; `fusion` absent = RRF), the
 * models by id, and the ablation section as an eval report's `ablation`.
 */
export const StageAblationReportSchema = z.object({
	schema: z.literal(STAGE_ABLATION_SCHEMA),
	dataset: z.string(),
	mode: z.enum(['lexical', 'dense', 'hybrid', 'hybrid-rerank']),
	config: z.object({
		topK: z.number().int().positive(),
		depth: z.number().int().positive(),
		rrfK: num,
		rerankPoolFactor: z.number().int().positive(),
		/** Rerank pool depth when `--rerank-depth` set one (then the pool is this, not factor × topK); absent = factor × topK. */
		rerankDepth: z.number().int().positive().optional(),
		fusion: FusionConfigSchema.optional()
	}),
	models: z.object({ embedding: z.string().nullable(), reranker: z.string().nullable() }),
	ablation: AblationSectionSchema
});

/** The file `assay run --ablation` writes. */
export type StageAblationReport = z.infer<typeof StageAblationReportSchema>;
