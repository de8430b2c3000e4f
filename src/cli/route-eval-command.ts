import { OpenAiChatModel } from '../lib/adapters/openai-chat.ts';
import type { ChatModel } from '../lib/generation/types.ts';
import {
	pairReports,
	parseRouterSpec,
	classifyCases,
	routingReport,
	type ClassifierOutcome,
	type RoutingEvaluation,
	type RoutingReport
} from '../lib/evals/routing/index.ts';
import { numberOption, parseOptions, positiveIntegerOption, stringOption } from './args.ts';
import { writeFileAtomic } from './eval/atomic-write.ts';
import { readJson, readReport } from './gate-command.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_UNREACHABLE, UsageError, type CliIo } from './io.ts';

/** Usage text of `assay route-eval`. */
export const ROUTE_EVAL_USAGE = `Usage: assay route-eval --cheap <report.json> --strong <report.json> --router <router.json>
       --margin <δ> [--alpha 0.05] [--tune-share 0.5] [--seed 42] [--resamples 10000] [--no-tune]
       [--classifier-base-url URL --classifier-model NAME [--classifier-api-key-env VAR]]
       [--out routing.json] [--json]

Model routing, accepted only when it is not worse than the strong model alone. Takes two answer
runs on the same golden set (assay.eval-report/v2 with an answers section: one of the cheap model,
one of the strong model, e.g. two "assay eval" runs) and a router (assay.router/v1: rules on the
top retrieval score, query length and keywords, or a classifier prompt for a small model).

The cases are split by a seeded hash of their id into a tune and a confirm split. A rules
router's thresholds are tuned on the tune split (most cases to the cheap model while still
non-inferior); the confirm split then decides, at the margin δ declared here before the run:
  pass/fail  one-sided exact non-inferiority test on the discordant pairs (H0: the router's pass
             rate is δ or more below the strong model's), p < alpha; the two-sided exact McNemar
             p-value is printed beside it
  score      the one-sided (1 − alpha) lower bound of the paired bootstrap interval of the mean
             score difference (router − strong, judge scores mapped to 0–1) is above −δ
The report gives the share routed to each model and the cost and latency saved against the strong
model alone. Definitions: docs/routing.md.

Exit codes: 0 accepted, 1 rejected, 2 unusable input, 3 classifier endpoint unreachable.

Options:
  --cheap <file>              the cheap model's answer-run report
  --strong <file>             the strong model's answer-run report
  --router <file>             the router spec (assay.router/v1 JSON)
  --margin <δ>                non-inferiority margin in [0, 1), e.g. 0.05 (required: declare it first)
  --alpha <a>                 one-sided level, (0, 0.25]; default 0.05
  --tune-share <s>            share of cases in the tune split, (0, 1); default 0.5
  --seed <n>                  split and bootstrap seed; default 42
  --resamples <n>             bootstrap resamples; default 10000
  --no-tune                   evaluate the rules router as given
  --score-rubric <id>         judge rubric that gives the score; default correctness
  --classifier-base-url <url> OpenAI-compatible endpoint of a classifier router's model (…/v1)
  --classifier-model <name>   its model name
  --classifier-api-key-env <VAR>  environment variable holding its API key
  --out <file>                write the assay.routing-report/v1 JSON there
  --json                      print the report as JSON
  -h, --help                  this text
`;

/** What `assay route-eval` needs from outside (tests inject a model and a clock). */
export interface RouteEvalSurroundings {
	readonly env?: Readonly<Record<string, string | undefined>>;
	readonly classifier?: ChatModel;
	readonly clock?: () => number;
}

function formatEvaluation(name: string, e: RoutingEvaluation): string {
	const usd = (x: number | null) => (x === null ? 'unpriced' : `$${x.toFixed(6)}`);
	return [
		`${name}: ${e.cases} cases, ${e.routedCheap} cheap (${(e.cheapShare * 100).toFixed(1)} %), ${e.routedStrong} strong — ${e.accepted ? 'non-inferior' : 'NOT shown non-inferior'}`,
		`  pass rate router ${e.passRate.router.toFixed(4)}, strong ${e.passRate.strong.toFixed(4)}, cheap ${e.passRate.cheap.toFixed(4)}; discordant b=${e.discordant.b} c=${e.discordant.c}; non-inferiority p = ${e.nonInferiorityP.toPrecision(4)}, McNemar p = ${e.mcnemarP.toPrecision(4)}`,
		`  score difference ${e.scoreDifference.mean.toFixed(4)} (lower bound ${e.scoreDifference.lower.toFixed(4)})`,
		`  cost router ${usd(e.router.costUsd)} vs strong alone ${usd(e.strongAlone.costUsd)}${e.savedShare === null ? '' : ` — saved ${(e.savedShare * 100).toFixed(1)} %`}; mean latency ${e.router.meanLatencyMs.toFixed(0)} ms vs ${e.strongAlone.meanLatencyMs.toFixed(0)} ms`,
		...e.reasons.map((r) => `  ✗ ${r}`)
	].join('\n');
}

/**
 * `assay route-eval`: see {@link ROUTE_EVAL_USAGE}. Returns 0 when the router is accepted, 1 when rejected.
 * Returns 3 when a classifier router's model answered no case.
 * @throws UsageError for bad arguments; AssayError for unusable input (exit 2 via runCli).
 */
export async function routeEvalCommand(argv: readonly string[], io: CliIo, surroundings: RouteEvalSurroundings = {}): Promise<number> {
	const values = parseOptions(argv, {
		cheap: { type: 'string' },
		strong: { type: 'string' },
		router: { type: 'string' },
		margin: { type: 'string' },
		alpha: { type: 'string' },
		'tune-share': { type: 'string' },
		seed: { type: 'string' },
		resamples: { type: 'string' },
		'no-tune': { type: 'boolean' },
		'score-rubric': { type: 'string' },
		'classifier-base-url': { type: 'string' },
		'classifier-model': { type: 'string' },
		'classifier-api-key-env': { type: 'string' },
		out: { type: 'string' },
		json: { type: 'boolean' },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout(ROUTE_EVAL_USAGE);
		return EXIT_OK;
	}
	if (typeof values.margin !== 'string')
		throw new UsageError('--margin is required: declare the non-inferiority margin before the run (e.g. 0.05)');
	const cheapPath = stringOption(values, 'cheap');
	const strongPath = stringOption(values, 'strong');
	const cheap = readReport(cheapPath, 'cheap report');
	const strong = readReport(strongPath, 'strong report');
	const router = parseRouterSpec(readJson(stringOption(values, 'router'), 'router spec'));
	const paired = pairReports(cheap, strong, stringOption(values, 'score-rubric', 'correctness'));
	let classified: ClassifierOutcome[] | undefined;
	let classifierModel: string | undefined;
	if (router.kind === 'classifier') {
		const model = surroundings.classifier ?? classifierFrom(values, surroundings.env ?? {});
		classifierModel = model.modelId;
		classified = await classifyCases(router, model, paired.cases);
		if (classified.every((o) => 'error' in o)) {
			const first = classified[0] as { error: { code: string; message: string } };
			io.stderr(`assay route-eval: the classifier model answered no case: ${first.error.code}: ${first.error.message}\n`);
			return EXIT_UNREACHABLE;
		}
	}
	const report: RoutingReport = routingReport({
		paired,
		goldenSetId: cheap.dataset.goldenSetId,
		cheapReportId: cheap.id,
		strongReportId: strong.id,
		router,
		margin: numberOption(values, 'margin', 0),
		alpha: numberOption(values, 'alpha', 0.05),
		seed: Math.trunc(numberOption(values, 'seed', 42)),
		resamples: positiveIntegerOption(values, 'resamples', 10_000),
		tuneShare: numberOption(values, 'tune-share', 0.5),
		tune: values['no-tune'] !== true,
		...(classified ? { classified, classifierModel } : {}),
		createdAtMs: (surroundings.clock ?? Date.now)()
	});
	const json = `${JSON.stringify(report, null, 2)}\n`;
	if (typeof values.out === 'string') writeFileAtomic(values.out, json);
	if (values.json) io.stdout(json);
	else {
		io.stdout(
			`${report.verdict.toUpperCase()}: router ${report.router.id} v${report.router.version} (${report.cheap.label} / ${report.strong.label}) at margin ${report.margin}, alpha ${report.alpha}\n`
		);
		if (report.tuning)
			io.stdout(
				`tuning: ${report.tuning.tried} settings tried, ${report.tuning.accepted} non-inferior on the tune split${report.tuning.tuned ? '' : ' — none: evaluated as given'}\n`
			);
		if (report.unpaired.length) io.stdout(`left out (in one report only): ${report.unpaired.join(', ')}\n`);
		if (report.classifier)
			io.stdout(
				`classifier ${report.classifier.model}: ${report.classifier.calls} calls, ${report.classifier.fallbacks} unreadable replies, ${report.classifier.errors} errors (fallback route)\n`
			);
		io.stdout(`${formatEvaluation('tune', report.tune)}\n${formatEvaluation('confirm', report.confirm)}\n`);
	}
	return report.verdict === 'accepted' ? EXIT_OK : EXIT_FAILURE;
}

function classifierFrom(values: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): ChatModel {
	const baseUrl = values['classifier-base-url'];
	const model = values['classifier-model'];
	if (typeof baseUrl !== 'string' || typeof model !== 'string')
		throw new UsageError('A classifier router needs --classifier-base-url and --classifier-model');
	const keyEnv = values['classifier-api-key-env'];
	const apiKey = typeof keyEnv === 'string' ? env[keyEnv] : undefined;
	if (typeof keyEnv === 'string' && !apiKey) throw new UsageError(`--classifier-api-key-env ${keyEnv}: the variable is not set`);
	return new OpenAiChatModel({ baseUrl, model, ...(apiKey ? { apiKey } : {}) });
}
