import {
	DEFAULT_GATE_CONFIG,
	describeRule,
	parseEvalReport,
	parseGateConfig,
	runGate,
	type GateConfig,
	type GateRule,
	type MetricGate
} from '../lib/evals/index.ts';
import { AssayError } from '../lib/shared/errors.ts';
import { parseOptions, stringOption } from './args.ts';
import { readTextFile } from './beir-files.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIo } from './io.ts';

const defaults = Object.entries(DEFAULT_GATE_CONFIG.metrics)
	.map(([m, r]) => `  ${m}: ${describeRule(r)}`)
	.join('\n');

/** Usage text of `assay gate`. */
export const GATE_USAGE = `Usage: assay gate --baseline <a.json> --candidate <b.json> [--config <gate.json>]
       [--max-drop metric=value …] [--min metric=value …] [--require-significance metric …] [--json]

Regression gate for CI: compares two Assay eval reports (assay.eval-report/v2 or v1, exported
from the Evals or Answer evals page) on the same golden set, one rule per gated metric.

How a rule decides (means over the queries both reports share; drop = baseline − candidate;
p = two-sided paired randomization test, seeded, printed beside every rule):
  FAIL  when the candidate mean is below the rule's floor (min), whatever the baseline;
  FAIL  when the drop exceeds maxDrop (metric units) or maxDropPct (percent of the baseline
        mean), whatever the p-value — unless the rule sets requireSignificance, then only when
        the drop is also significant (p < alpha);
  PASS  otherwise. The gate passes when every rule passes.

Exit codes: 0 PASS, 1 FAIL, 2 unusable input (unreadable or invalid report or config, different
golden sets, a cancelled run, a metric missing from the reports).

Options:
  --baseline <file>          the baseline report (JSON)
  --candidate <file>         the candidate report (JSON)
  --config <file>            gate config: {"metrics": {"ndcg@10": {"maxDrop": 0.02, "maxDropPct": 5,
                             "min": 0.5, "requireSignificance": false}}, "alpha": 0.05, "seed": 42,
                             "permutations": 10000}; replaces the default metrics. The fields of
                             before (maxAbsoluteDrop, maxRelativeDrop) are refused with their new name
  --max-drop metric=value    repeatable; 0.02 = largest drop in metric units, 5% = in percent of
                             the baseline mean
  --min metric=value         repeatable; floor on the candidate mean (e.g. judge.correctness=4.2)
                             Flags change that metric's rule from the config or defaults:
                             --max-drop replaces its drop limits, --min adds a floor and keeps them
  --require-significance metric
                             repeatable; that metric's drop limits fail only when significant
                             (refused for a rule that has only a floor)
  --json                     print the gate result as JSON
  -h, --help                 this text

Defaults (alpha ${DEFAULT_GATE_CONFIG.alpha}, seed ${DEFAULT_GATE_CONFIG.seed}, ${DEFAULT_GATE_CONFIG.permutations} permutations):
${defaults}
`;

/** Read and parse a JSON file. @throws AssayError `FILE_READ`, or `DATASET_INVALID` when it is not JSON. */
export function readJson(path: string, what: string): unknown {
	const text = readTextFile(path);
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new AssayError('DATASET_INVALID', `The ${what} ${path} is not JSON: ${(error as Error).message}`);
	}
}

/** Read and check one report; a refusal names the file it is about. @throws AssayError as {@link parseEvalReport}, prefixed with `what` and `path`. */
export function readReport(path: string, what: string): ReturnType<typeof parseEvalReport> {
	const json = readJson(path, what);
	try {
		return parseEvalReport(json);
	} catch (error) {
		if (error instanceof AssayError)
			throw new AssayError(error.code, `The ${what} ${path}: ${error.message}`, {
				cause: error,
				...(error.details ? { details: error.details } : {})
			});
		throw error;
	}
}

/** Gate flags of the command line. */
export interface GateFlags {
	/** `metric=0.02` (metric units) or `metric=5%` (percent of the baseline mean). */
	readonly maxDrop?: readonly string[];
	/** `metric=4.2`: floor on the candidate mean. */
	readonly min?: readonly string[];
	/** Metric names whose drop limits fail only when significant. */
	readonly requireSignificance?: readonly string[];
}

/**
 * Fold the gate flags into `config`, on top of the rule the config (or the defaults) has for
 * that metric: `--max-drop` replaces the rule's drop limits (absolute and percent) with the
 * ones given, `--min` sets its floor and keeps its drop limits, `--require-significance` sets
 * `requireSignificance`. A metric without a rule gets one from its flags.
 * @throws UsageError for a malformed flag, or `--require-significance` on a metric whose rule has
 *   no drop limit (significance only ever qualifies a drop limit; a floor always decides alone).
 */
export function applyGateFlags(config: GateConfig, flags: GateFlags): GateConfig {
	const drops: Record<string, { maxDrop?: number; maxDropPct?: number }> = {};
	for (const flag of flags.maxDrop ?? []) {
		const m = /^([^=\s]+)=(\d+(?:\.\d+)?)(%?)$/.exec(flag);
		if (!m) throw new UsageError(`--max-drop must be metric=value (0.02 or 5%), received "${flag}"`);
		const [, metric, num, percent] = m as unknown as [string, string, string, string];
		drops[metric] = { ...drops[metric], [percent ? 'maxDropPct' : 'maxDrop']: Number(num) };
	}
	const metrics: Record<string, GateRule> = { ...config.metrics };
	for (const [metric, limits] of Object.entries(drops)) {
		const { maxDrop: _maxDrop, maxDropPct: _maxDropPct, ...rest } = metrics[metric] ?? {};
		metrics[metric] = { ...rest, ...limits };
	}
	for (const flag of flags.min ?? []) {
		const m = /^([^=\s]+)=(-?\d+(?:\.\d+)?)$/.exec(flag);
		if (!m) throw new UsageError(`--min must be metric=value (e.g. judge.correctness=4.2), received "${flag}"`);
		const [, metric, num] = m as unknown as [string, string, string];
		metrics[metric] = { ...metrics[metric], min: Number(num) };
	}
	for (const metric of flags.requireSignificance ?? []) {
		const rule = metrics[metric];
		if (!rule)
			throw new UsageError(`--require-significance ${metric}: no rule gates ${metric} (give it --max-drop or name it in --config)`);
		if (rule.maxDrop === undefined && rule.maxDropPct === undefined)
			throw new UsageError(
				`--require-significance ${metric}: its rule has no drop limit to qualify (only a floor, which always decides alone); give it --max-drop`
			);
		metrics[metric] = { ...rule, requireSignificance: true };
	}
	return { ...config, metrics };
}

/** One result line: decision, metric, the numbers, the rule and the reason. */
export function resultLine(m: MetricGate): string {
	const delta = `${m.delta >= 0 ? '+' : '−'}${Math.abs(m.delta).toFixed(4)}`;
	return `  ${m.pass ? 'ok  ' : 'FAIL'} ${m.metric}: baseline ${m.baselineMean.toFixed(4)}, candidate ${m.candidateMean.toFixed(4)}, delta ${delta}, limit ${m.limit}${m.reason.includes('p = ') ? '' : `, p = ${m.pValue.toFixed(4)}`} — ${m.reason}\n`;
}

/**
 * `assay gate`: see {@link GATE_USAGE}. Returns 0 on PASS, 1 on FAIL.
 * @throws UsageError for bad arguments; AssayError (`FILE_READ`, `DATASET_INVALID`, `CONFIG_INVALID`) for unusable input — exit 2 via runCli.
 */
export async function gateCommand(argv: readonly string[], io: CliIo): Promise<number> {
	const values = parseOptions(argv, {
		baseline: { type: 'string' },
		candidate: { type: 'string' },
		config: { type: 'string' },
		'max-drop': { type: 'string', multiple: true },
		min: { type: 'string', multiple: true },
		'require-significance': { type: 'string', multiple: true },
		json: { type: 'boolean' },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout(GATE_USAGE);
		return EXIT_OK;
	}
	try {
		return gateReports(values, io);
	} catch (error) {
		// With --json a script reads stdout: it gets the error there too (exit 2 stays with runCli).
		if (values.json)
			io.stdout(
				`${JSON.stringify({ verdict: 'ERROR', error: { code: error instanceof AssayError ? error.code : 'USAGE', message: (error as Error).message } }, null, 2)}\n`
			);
		throw error;
	}
}

/** Read, check and gate the two reports named in `values` (see {@link gateCommand}). */
function gateReports(values: Record<string, string | boolean | string[] | undefined>, io: CliIo): number {
	const baseline = readReport(stringOption(values, 'baseline'), 'baseline report');
	const candidate = readReport(stringOption(values, 'candidate'), 'candidate report');
	const fromFile = typeof values.config === 'string' ? parseGateConfig(readJson(values.config, 'gate config')) : DEFAULT_GATE_CONFIG;
	const config = parseGateConfig(
		applyGateFlags(fromFile, {
			maxDrop: (values['max-drop'] as string[] | undefined) ?? [],
			min: (values.min as string[] | undefined) ?? [],
			requireSignificance: (values['require-significance'] as string[] | undefined) ?? []
		})
	);
	const result = runGate(baseline, candidate, config);
	if (values.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
	else {
		io.stdout(
			`${result.verdict}: ${candidate.retrieval.label} vs baseline ${baseline.retrieval.label} on "${baseline.dataset.name}" (${result.queryCount} queries)\n`
		);
		for (const m of result.metrics) io.stdout(resultLine(m));
	}
	return result.verdict === 'PASS' ? EXIT_OK : EXIT_FAILURE;
}
