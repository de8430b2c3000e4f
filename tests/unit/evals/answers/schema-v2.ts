import { z } from 'zod';
import { AblationSectionSchema } from '../../../../src/lib/evals/ablation/schema.ts';
import { AnswersSectionSchema } from '../../../../src/lib/evals/answers/report-schema.ts';
import { FusionConfigSchema } from '../../../../src/lib/search/fusion/score.ts';
import { RewriteReportSchema } from '../../../../src/lib/search/rewrite/schema.ts';
import { ContextualReportSchema } from '../../../../src/lib/search/contextual/schema.ts';
import { RerankEffectSchema } from '../../../../src/lib/evals/rerank-effect/schema.ts';
import { ExpansionSummarySchema, ReportExpandConfigSchema, ReportSpansSchema } from '../../../../src/lib/evals/report/expansion-schema.ts';
import { SYSTEM_TYPES } from '../../../../src/lib/evals/system/types.ts';
import {
	CacheCountsSchema,
	ContextMatchingSchema,
	ErrorsSchema,
	IncompleteSchema,
	RepeatsSchema,
	SystemRefSchema
} from '../../../../src/lib/evals/system/report-schema.ts';

type Json = Record<string, unknown>;
const nullable = (schema: Json): Json => ({ anyOf: [schema, { type: 'null' }] });

/**
 * Fields v2 reports may carry beyond v1 (all optional): the number of synthetic cases (issue 18), the embedding recipe (pooling,
 * query and passage prefixes), the run-as principal, the fusion configuration (issue 18), query rewriting (issue 18), cross-encoder truncation counts (issue 11),
 * and the `hybrid-rerank` mode that v1's enum lacked.
 */
function withV2RetrievalFields(properties: Json): Json {
	const embedding = properties.embeddingModel as { anyOf: Json[] };
	const retrieval = properties.retrieval as { properties: Json };
	const perQuery = properties.perQuery as { items: { properties: Json } };
	const dataset = properties.dataset as { properties: Json };
	const mode = retrieval.properties.mode as Json & { enum: string[] };
	return {
		...properties,
		dataset: {
			...dataset,
			properties: {
				...dataset.properties,
				synthetic: {
					type: 'integer',
					minimum: 0,
					description: 'How many of the evaluated cases are synthetic (generated from the documents by a model, accepted after review).'
				}
			}
		},
		embeddingModel: {
			...embedding,
			anyOf: embedding.anyOf.map((branch) =>
				branch.type === 'object'
					? {
							...branch,
							properties: {
								...(branch.properties as Json),
								pooling: { type: 'string', description: 'Pooling of token vectors (mean, cls).' },
								queryPrefix: { type: 'string', description: 'Text put before every query.' },
								passagePrefix: { type: 'string', description: 'Text put before every passage.' }
							}
						}
					: branch
			)
		},
		retrieval: {
			...retrieval,
			properties: {
				...retrieval.properties,
				mode: { ...mode, enum: [...mode.enum.filter((m) => m !== 'hybrid-rerank'), 'hybrid-rerank'] },
				fusion: {
					description: 'How the hybrid modes fused their lists (src/lib/search/fusion); absent = RRF with rrfK.',
					...fromZod(FusionConfigSchema)
				},
				rewrite: {
					description:
						'Query rewriting before retrieval (multi-query, hyde, expand; src/lib/search/rewrite): the model, its calls, tokens and cost; absent = none.',
					...fromZod(RewriteReportSchema)
				},
				contextual: {
					description:
						'Contextual chunks (Anthropic, "Contextual Retrieval", 2024; src/lib/search/contextual): a model-written context prepended to each chunk for indexing only; the model, prompt version, contexts generated, cached and failed, tokens and cost, and (dense modes) the context + chunk passages embedded and read from the cache; absent = none.',
					...fromZod(ContextualReportSchema)
				},
				rerankDepth: {
					type: 'integer',
					minimum: 1,
					description:
						"Rerank pool depth the configuration asked for (fused candidates the cross-encoder scored); absent = the workspace's pool (rerankPoolFactor × topK by default)."
				},
				expand: {
					description: 'Parent-document retrieval that ran (src/lib/search/retrieval/expand.ts); absent = none.',
					...fromZod(ReportExpandConfigSchema)
				},
				runAs: {
					description: 'The principal the run retrieved as (documents outside its access lists were left out); absent/null = the owner.',
					...nullable({
						type: 'object',
						additionalProperties: false,
						required: ['user', 'groups'],
						properties: { user: { type: 'string' }, groups: { type: 'array', items: { type: 'string' } } }
					})
				}
			}
		},
		perQuery: {
			...perQuery,
			items: {
				...perQuery.items,
				properties: {
					...perQuery.items.properties,
					rerankTruncatedPairs: {
						type: 'integer',
						description: 'Reranked pairs of this query whose passage was truncated (hybrid-rerank runs).'
					},
					spans: {
						description:
							'Spans parent-document retrieval returned for this query, best first: document reference, UTF-16 offsets into its text (end exclusive), estimated tokens, what was returned.',
						...fromZod(ReportSpansSchema)
					}
				}
			}
		},
		rerankEffect: {
			description:
				"The reranker's effect (hybrid-rerank runs): per query the metric of the fused list (before) vs the reranked list (after), the delta, relevant documents moved into / out of the top-k; helped / hurt / unchanged counts.",
			...fromZod(RerankEffectSchema.nullable())
		},
		expansion: {
			description:
				'Spans returned by parent-document retrieval over all evaluated cases and their mean estimated tokens (with retrieval.expand).',
			...fromZod(ExpansionSummarySchema)
		},
		rerank: {
			description: 'Cross-encoder pairs scored and pairs whose passage was cut to fit maxTokens (hybrid-rerank runs).',
			...nullable({
				type: 'object',
				additionalProperties: false,
				required: ['pairs', 'truncatedPairs', 'maxTokens'],
				properties: { pairs: { type: 'integer' }, truncatedPairs: { type: 'integer' }, maxTokens: { type: ['integer', 'null'] } }
			})
		}
	};
}

/** JSON Schema (draft 7) of one zod schema, without its `$schema` line. */
function fromZod(schema: z.ZodType): Json {
	const out = z.toJSONSchema(schema, { target: 'draft-7', io: 'output' }) as Json;
	delete out.$schema;
	return out;
}

/**
 * The optional system-evaluation fields of v2 (issue 12): `system`, `cache`, `repeats`, `errors`,
 * `incomplete`, `contextMatching`, generated from their zod forms, the `incomplete` status, and the retrieval mode
 * `system:<type>` of a system under test whose search Assay does not run.
 */
function withSystemFields(properties: Json): Json {
	const status = properties.status as Json & { enum: string[] };
	const retrieval = properties.retrieval as { properties: Json };
	const mode = retrieval.properties.mode as Json & { enum: string[] };
	return {
		...properties,
		retrieval: {
			...retrieval,
			properties: { ...retrieval.properties, mode: { ...mode, enum: [...mode.enum, ...SYSTEM_TYPES.map((t) => `system:${t}`)] } }
		},
		status: {
			...status,
			enum: [...status.enum, 'incomplete'],
			description: `${String(status.description)} incomplete: the system under test was unreachable and the run stopped (see "incomplete").`
		},
		system: fromZod(SystemRefSchema),
		cache: fromZod(CacheCountsSchema),
		repeats: fromZod(RepeatsSchema),
		errors: fromZod(ErrorsSchema),
		incomplete: fromZod(IncompleteSchema),
		contextMatching: fromZod(ContextMatchingSchema)
	};
}

/**
 * How schemas/eval-report.v2.schema.json is made: the hand-written v1 schema, with `schema`
 * accepting both versions, the v2 retrieval fields ({@link withV2RetrievalFields}) and the
 * `answers` section, the system-evaluation fields ({@link withSystemFields}) and the stage `ablation` section generated from their zod forms. The test in
 * report-schema.test.ts keeps the checked-in file equal to this, so the two cannot drift.
 * Regenerate: `npx tsx tests/unit/evals/answers/schema-v2.ts > schemas/eval-report.v2.schema.json`
 */
export function evalReportV2Schema(v1: Record<string, unknown>): Record<string, unknown> {
	const answers = z.toJSONSchema(AnswersSectionSchema.nullable(), { target: 'draft-7', io: 'output' }) as Record<string, unknown>;
	delete answers.$schema;
	const properties = withSystemFields(withV2RetrievalFields(v1.properties as Json));
	return {
		...v1,
		$id: 'https://assay.invalid/schemas/eval-report.v2.schema.json',
		title: 'Assay eval report, version 2',
		description:
			'One retrieval evaluation, or one answer evaluation, of a golden set with one configuration. Version 1 plus the optional "answers" section (null or absent for retrieval-only reports); v1 documents remain valid. Times in milliseconds, hashes SHA-256 hex, retrieval metric values in [0, 1], judge scores 1–5. See docs/evals.md and docs/answer-evals.md.',
		properties: {
			...properties,
			schema: { enum: ['assay.eval-report/v1', 'assay.eval-report/v2'], description: 'Format and version of this document.' },
			answers,
			ablation: fromZod(AblationSectionSchema.nullable())
		}
	};
}

if (process.argv[1]?.endsWith('schema-v2.ts')) {
	const { readFileSync } = await import('node:fs');
	const v1 = JSON.parse(readFileSync(new URL('../../../../schemas/eval-report.v1.schema.json', import.meta.url), 'utf8')) as Record<
		string,
		unknown
	>;
	process.stdout.write(`${JSON.stringify(evalReportV2Schema(v1), null, '\t')}\n`);
}
