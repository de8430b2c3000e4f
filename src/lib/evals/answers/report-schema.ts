import { z } from '../../shared/zod.ts';

/**
 * zod form of the `answers` section of an eval report (v2). Kept apart from report/types.ts so
 * the report module stays small; it imports nothing from the report. The JSON Schema of this
 * section inside `schemas/eval-report.v2.schema.json` is generated from it
 * (`z.toJSONSchema(…, {target: 'draft-7'})`) and a unit test keeps the two equal.
 * Times in milliseconds, scores 1–5, rates in [0, 1].
 */

const num = z.number().finite();
const int = z.number().int();
const d = (description: string) => ({ description });

const modelRef = z
	.object({ provider: z.string(), modelId: z.string(), baseUrl: z.string().optional() })
	.meta(d('Chat model as recorded (never an API key).'));
const errorData = z.object({
	name: z.literal('AssayError'),
	code: z.string(),
	message: z.string(),
	details: z.record(z.string(), z.unknown()).optional(),
	cause: z.string().optional()
});
const provenance = z
	.object({ modelId: z.string(), provider: z.string(), promptId: z.string(), promptVersion: int, temperature: num, seed: int })
	.meta(d('Judge model, prompt id/version and sampling of a verdict.'));
const agreementOf = <C extends z.ZodType>(category: C) =>
	z.object({
		n: int,
		accuracy: num,
		kappa: num.nullable(),
		weightedKappaLinear: num.nullable(),
		weightedKappaQuadratic: num.nullable(),
		confusion: z
			.object({ categories: z.array(category), counts: z.array(z.array(int)), n: int })
			.meta(d('counts[i][j]: human said categories[i], judge categories[j].'))
	});
const lengthBias = z
	.object({ n: int, pearson: num.nullable(), spearman: num.nullable() })
	.meta(d('Correlation of valid scores with answer length (characters).'));

/** Summary of one answer run (`AnswerRunSummary` in answers/summary.ts). */
export const AnswerSummarySchema = z.object({
	answered: int,
	failed: int,
	graded: int,
	checks: z.record(z.string(), z.object({ passed: int, failed: int, passRate: num })),
	judges: z.record(
		z.string(),
		z.object({
			total: int,
			okCount: int,
			errorCount: int,
			errorRate: num.nullable(),
			meanScore: num.nullable(),
			repairedCount: int,
			errorsByCode: z.record(z.string(), int),
			lengthBias
		})
	),
	agreement: z
		.object({
			rubric: z.literal('correctness'),
			passFail: agreementOf(z.enum(['fail', 'pass'])).nullable(),
			score: agreementOf(int).nullable(),
			excluded: int
		})
		.nullable(),
	attack: z
		.object({ cases: int, graded: int, succeeded: int, successRate: num.nullable(), succeededCaseIds: z.array(z.string()) })
		.nullable()
		.optional()
		.meta(d('Prompt-injection cases: succeeded = graded cases where an attack check failed; null or absent when the run has none.')),
	tokens: z.object({ inputMean: num.nullable(), outputMean: num.nullable() }),
	timings: z.object({ ttftP50Ms: num.nullable(), tpotP50Ms: num.nullable(), totalP50Ms: num.nullable() })
});

const preferred = z.enum(['first', 'second', 'tie']).nullable();

/** A pairwise comparison of this run (`first`) with another run (`second`). */
export const PairwiseSectionSchema = z.object({
	otherRunId: z.string(),
	otherLabel: z.string(),
	summary: z.object({
		pairs: int,
		judged: int,
		errorCount: int,
		firstWins: int,
		secondWins: int,
		ties: int,
		positionConsistency: num.nullable(),
		judge: provenance.nullable()
	}),
	lengthBias: z.object({ n: int, longerWinsRate: num.nullable() }).meta(d('Share of agreed wins taken by the longer answer.')),
	outcomes: z.array(
		z.object({
			id: z.string(),
			forward: preferred,
			swapped: preferred,
			consistent: z.boolean().nullable(),
			preferred,
			errors: z.array(errorData),
			attempts: int
		})
	)
});

const verdict = z.union([
	z.object({ ok: z.literal(true), score: int, reason: z.string(), repaired: z.boolean() }),
	z.object({ ok: z.literal(false), code: z.string(), message: z.string() })
]);

/** Cost of the run (one configuration): tokens × a dated price table (docs/cost.md). */
export const CostSectionSchema = z
	.object({
		currency: z.literal('USD'),
		totalUsd: num
			.nullable()
			.meta(d('Sum over the priced cases, USD (exact in pico-dollars, then rounded to a double); null when none was priced.')),
		pricedCases: int,
		unpricedCases: int,
		reasons: z.array(z.string()).meta(d('Why cases have no cost, e.g. "in-browser model: time only", "no price for model X".')),
		priceTableAsOf: z.string().meta(d('asOf date (YYYY-MM-DD) of the price table used.')),
		priceMatch: z.string().nullable().meta(d('The price-table row (match) that priced the model; null when none did.')),
		totalMs: num.meta(d('Sum of whole-answer times, ms (what an in-browser model costs).'))
	})
	.meta(d('Cost of the run; absent in reports written before cost was recorded.'));

/** One answer of the run, as exported. */
export const AnswerCaseSchema = z.object({
	caseId: z.string(),
	query: z.string(),
	reference: z.string().nullable(),
	text: z.string(),
	finishReason: z.enum(['stop', 'length', 'abort']).nullable(),
	error: errorData.nullable(),
	sources: z.array(z.object({ n: int, chunkId: z.string(), documentRef: z.string(), title: z.string() })),
	retrieved: z.array(z.object({ rank: int, chunkId: z.string(), documentRef: z.string(), score: num })),
	citations: z.object({ cited: z.array(int), invalid: z.array(int) }),
	tokens: z.object({ input: int.nullable(), output: int.nullable(), promptTokensEstimate: int }),
	costUsd: num
		.nullable()
		.optional()
		.meta(d('Tokens × the price of the run model, USD (docs/cost.md); null when unpriced (in-browser model, no price, no token counts).')),
	timings: z.object({ retrievalMs: num, ttftMs: num.nullable(), tpotMs: num.nullable(), totalMs: num }),
	checks: z.array(z.object({ id: z.string(), type: z.string(), pass: z.boolean(), reason: z.string() })),
	attack: z
		.object({ canaries: z.array(z.string()), forbiddenHosts: z.array(z.string()), succeeded: z.boolean().nullable() })
		.optional()
		.meta(d('Prompt-injection case only: what its documents plant and whether the answer obeyed (null before grading).')),
	verdicts: z
		.record(z.string(), z.object({ verdict, attempts: int, judge: provenance }))
		.meta(d('By rubric id; a rubric not judged is absent.')),
	review: z
		.object({
			kind: z.enum(['pass-fail', 'score']),
			pass: z.boolean().optional(),
			score: int.optional(),
			notes: z.string(),
			reviewedAtMs: num
		})
		.nullable()
});

/** The `answers` section of a v2 eval report: configuration, grading, summary, pairwise, per case. */
export const AnswersSectionSchema = z
	.object({
		runId: z.string(),
		label: z.string(),
		model: modelRef,
		prompt: z.object({ version: int, fewShot: int }).meta(d('System-prompt spec version and number of few-shot examples.')),
		mode: z.string(),
		topK: int,
		contextWindowTokens: int,
		maxTokens: int,
		temperature: num,
		seed: int,
		grading: z
			.object({
				judge: modelRef,
				rubrics: z.array(z.string()),
				temperature: num,
				seed: int,
				maxTokens: int,
				checks: z.array(z.looseObject({ id: z.string(), type: z.string() })).meta(d('Layer-1 check specs as configured.')),
				passThreshold: num
			})
			.nullable(),
		summary: AnswerSummarySchema,
		pairwise: PairwiseSectionSchema.nullable(),
		cost: CostSectionSchema.optional(),
		perCase: z.array(AnswerCaseSchema)
	})
	.meta(d('Answer evaluation (v2 only): null or absent for a retrieval-only report.'));

/** The `answers` section of a report. */
export type AnswersSection = z.infer<typeof AnswersSectionSchema>;
/** A pairwise comparison as stored in the report. */
export type PairwiseReportSection = z.infer<typeof PairwiseSectionSchema>;
