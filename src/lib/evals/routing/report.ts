import { z } from '../../shared/zod.ts';
import { AssayError, toErrorData, type AssayErrorData } from '../../shared/errors.ts';
import type { ChatModel } from '../../generation/types.ts';
import type { PairedReports } from './cases.ts';
import { evaluateRouting, splitCases, tuneRules, type RoutingEvaluation, type Split } from './evaluate.ts';
import {
	RouterSpecSchema,
	routeByClassifier,
	routeByRules,
	type ClassifiedRoute,
	type Route,
	type RouteInput,
	type RouterSpec
} from './router.ts';

/** Identifier of the routing report format. */
export const ROUTING_REPORT_SCHEMA = 'assay.routing-report/v1';

const num = z.number();
const costLatency = z.object({ costUsd: num.nullable(), unpricedCases: z.number().int(), meanLatencyMs: num });
const evaluation = z.object({
	cases: z.number().int(),
	routedCheap: z.number().int(),
	routedStrong: z.number().int(),
	cheapShare: num,
	passRate: z.object({ router: num, strong: num, cheap: num }),
	meanScore: z.object({ router: num, strong: num, cheap: num }),
	discordant: z
		.object({ b: z.number().int(), c: z.number().int() })
		.meta({ description: 'b: strong passed, router failed; c: the reverse.' }),
	mcnemarP: num.meta({ description: 'Exact McNemar p-value, two-sided.' }),
	nonInferiorityP: num.meta({ description: 'One-sided exact non-inferiority p-value at the margin (pass/fail).' }),
	scoreDifference: z
		.object({ mean: num, lower: num, upper: num })
		.meta({ description: 'Router − strong score (0–1), paired percentile bootstrap; lower is the one-sided 1 − alpha bound.' }),
	accepted: z.boolean(),
	reasons: z.array(z.string()),
	router: costLatency,
	strongAlone: costLatency,
	savedUsd: num.nullable(),
	savedShare: num.nullable(),
	savedLatencyMs: num
});

/** zod form of `assay.routing-report/v1` (the JSON Schema in `schemas/routing-report.v1.schema.json` is generated from it). */
export const RoutingReportSchema = z.object({
	schema: z.literal(ROUTING_REPORT_SCHEMA),
	createdAt: z.string(),
	goldenSetId: z.string(),
	cheap: z.object({ reportId: z.string(), label: z.string() }),
	strong: z.object({ reportId: z.string(), label: z.string() }),
	router: RouterSpecSchema.meta({ description: 'The router as given (assay.router/v1).' }),
	tunedRouter: RouterSpecSchema.nullable().meta({
		description: 'The rules router after tuning on the tune split (what the confirm split tested); null when not tuned.'
	}),
	tuning: z.object({ tried: z.number().int(), accepted: z.number().int(), tuned: z.boolean() }).nullable(),
	margin: num,
	alpha: num,
	seed: z.number().int(),
	resamples: z.number().int(),
	split: z.object({ tuneShare: num, tune: z.number().int(), confirm: z.number().int(), method: z.string() }),
	unpaired: z.array(z.string()).meta({ description: 'Case ids only one report had (left out).' }),
	classifier: z.object({ model: z.string(), calls: z.number().int(), fallbacks: z.number().int(), errors: z.number().int() }).nullable(),
	tune: evaluation,
	confirm: evaluation,
	verdict: z.enum(['accepted', 'rejected']).meta({ description: 'The confirm split decides.' }),
	perCase: z.array(
		z.object({
			caseId: z.string(),
			split: z.enum(['tune', 'confirm']),
			route: z.enum(['cheap', 'strong']),
			label: z.string().nullable().optional(),
			error: z.string().nullable().optional(),
			cheapPass: z.boolean(),
			strongPass: z.boolean(),
			routedPass: z.boolean()
		})
	)
});

/** An `assay.routing-report/v1` document. */
export type RoutingReport = z.infer<typeof RoutingReportSchema>;

/** A classifier's decision for one case, or why it failed (the case then takes the fallback route). */
export type ClassifierOutcome = ClassifiedRoute | { readonly error: AssayErrorData };

/**
 * Ask a classifier router's model about every case, one after another; a failed call is kept as
 * that case's error (it then takes the fallback route), so one bad reply loses nothing else.
 */
export async function classifyCases(
	router: Extract<RouterSpec, { kind: 'classifier' }>,
	model: ChatModel,
	cases: readonly RouteInput[]
): Promise<ClassifierOutcome[]> {
	const out: ClassifierOutcome[] = [];
	for (const c of cases) {
		try {
			out.push(await routeByClassifier(router, model, c));
		} catch (error) {
			out.push({ error: toErrorData(error) });
		}
	}
	return out;
}

/** Input of {@link routingReport}. */
export interface RoutingReportInput {
	readonly paired: PairedReports;
	readonly goldenSetId: string;
	readonly cheapReportId: string;
	readonly strongReportId: string;
	readonly router: RouterSpec;
	/** Non-inferiority margin δ, declared before the run. */
	readonly margin: number;
	readonly alpha?: number;
	readonly seed?: number;
	readonly resamples?: number;
	/** Share of cases in the tune split, (0, 1). Default 0.5. */
	readonly tuneShare?: number;
	/** Tune a rules router's thresholds on the tune split. Default true. */
	readonly tune?: boolean;
	/** A classifier router's decisions, one per paired case (required for `classifier` routers). */
	readonly classified?: readonly ClassifierOutcome[];
	readonly classifierModel?: string;
	readonly createdAtMs: number;
}

/**
 * Evaluate a router on two answer runs: split the paired cases (seeded hash), tune a rules
 * router on the tune split (classifier routers are fixed by their prompt version), then
 * evaluate on both splits; the confirm split gives the verdict.
 * @throws AssayError `DATASET_INVALID` (empty split, missing classifier decisions), `CONFIG_INVALID` (options).
 */
export function routingReport(input: RoutingReportInput): RoutingReport {
	const alpha = input.alpha ?? 0.05;
	const seed = input.seed ?? 42;
	const resamples = input.resamples ?? 10_000;
	const tuneShare = input.tuneShare ?? 0.5;
	const options = { margin: input.margin, alpha, seed, resamples };
	const { cases } = input.paired;
	const splits = splitCases(cases, tuneShare, seed);
	const pick = <T>(xs: readonly T[], s: Split) => xs.filter((_, i) => splits[i] === s);
	const tuneCases = pick(cases, 'tune');

	let routes: Route[];
	let tunedRouter: RouterSpec | null = null;
	let tuning: RoutingReport['tuning'] = null;
	const labels: (string | null)[] = cases.map(() => null);
	const errors: (string | null)[] = cases.map(() => null);
	if (input.router.kind === 'rules') {
		let router = input.router;
		if (input.tune ?? true) {
			const t = tuneRules(router, tuneCases, options);
			tuning = { tried: t.tried, accepted: t.accepted, tuned: t.tuned };
			if (t.tuned) router = tunedRouter = t.router;
		}
		routes = cases.map((c) => routeByRules(router, c));
	} else {
		const classified = input.classified;
		if (!classified || classified.length !== cases.length)
			throw new AssayError(
				'DATASET_INVALID',
				`A classifier router needs one decision per case: ${classified?.length ?? 0} for ${cases.length}`
			);
		const fallback = input.router.fallback;
		routes = classified.map((o, i) => {
			if ('error' in o) {
				errors[i] = `${o.error.code}: ${o.error.message}`;
				return fallback;
			}
			labels[i] = o.label;
			return o.route;
		});
	}
	const tune = evaluateRouting(tuneCases, pick(routes, 'tune'), options);
	const confirm = evaluateRouting(pick(cases, 'confirm'), pick(routes, 'confirm'), options);
	const classifier =
		input.router.kind === 'classifier'
			? {
					model: input.classifierModel ?? '',
					calls: cases.length,
					fallbacks: labels.filter((l, i) => l === null && errors[i] === null).length,
					errors: errors.filter((e) => e !== null).length
				}
			: null;
	return {
		schema: ROUTING_REPORT_SCHEMA,
		createdAt: new Date(input.createdAtMs).toISOString(),
		goldenSetId: input.goldenSetId,
		cheap: { reportId: input.cheapReportId, label: input.paired.cheapLabel },
		strong: { reportId: input.strongReportId, label: input.paired.strongLabel },
		router: input.router,
		tunedRouter,
		tuning,
		margin: input.margin,
		alpha,
		seed,
		resamples,
		split: {
			tuneShare,
			tune: tuneCases.length,
			confirm: cases.length - tuneCases.length,
			method: `seeded FNV-1a + fmix32 hash of the case id (seed ${seed}): tune when hash / 2^32 < ${tuneShare}`
		},
		unpaired: input.paired.unpaired,
		classifier,
		tune: stripped(tune),
		confirm: stripped(confirm),
		verdict: confirm.accepted ? 'accepted' : 'rejected',
		perCase: cases.map((c, i) => {
			const route = routes[i] as Route;
			return {
				caseId: c.caseId,
				split: splits[i] as Split,
				route,
				...(input.router.kind === 'classifier' ? { label: labels[i] ?? null, error: errors[i] ?? null } : {}),
				cheapPass: c.cheap.pass,
				strongPass: c.strong.pass,
				routedPass: (route === 'cheap' ? c.cheap : c.strong).pass
			};
		})
	};
}

/** The evaluation as stored (a copy, so the report is plain data). */
function stripped(e: RoutingEvaluation): RoutingEvaluation {
	return structuredClone(e);
}
