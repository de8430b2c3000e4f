import { DEFAULT_GATE_CONFIG, describeRule, parseEvalReport, parseGateConfig, runGate, type GateConfig, type GateRule, type MetricGate } from '../lib/evals/index.ts';
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
                             --max-drop and --min replace that metric's rule from the config or
                             defaults (several flags on one metric merge)
  --require-significance metric
                             repeatable; that metric's drop limits fail only when significant
  --json                     print the gate result as JSON
  -h, --help                 this text

Defaults (alpha ${DEFAULT_GATE_CONFIG.alpha}, seed ${DEFAULT_GATE_CONFIG.seed}, ${DEFAULT_GATE_CONFIG.permutations} permutations):
${defaults}
`;

function readJson(path: string, what: string): unknown {
	const text = readTextFile(path);
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new AssayError('DATASET_INVALID', `The ${what} ${path} is not JSON: ${(error as Error).message}`);
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
 * Fold the gate flags into `config`: `--max-drop` and `--min` build a new rule for their metric
 * (several flags on one metric merge) that replaces the config's; `--require-significance`
 * then sets `requireSignificance` on that metric's rule.
 * @throws UsageError for a malformed flag, or `--require-significance` on a metric without a rule.
 */
export function applyGateFlags(config: GateConfig, flags: GateFlags): GateConfig {
	const fromFlags: Record<string, GateRule> = {};
	for (const flag of flags.maxDrop ?? []) {
		const m = /^([^=\s]+)=(\d+(?:\.\d+)?)(%?)$/.exec(flag);
		if (!m) throw new UsageError(`--max-drop must be metric=value (0.02 or 5%), received "${flag}"`);
		const [, metric, num, percent] = m as unknown as [string, string, string, string];
		const rule: GateRule = fromFlags[metric] ?? {};
		fromFlags[metric] = percent ? { ...rule, maxDropPct: Number(num) } : { ...rule, maxDrop: Number(num) };
	}
	for (const flag of flags.min ?? []) {
		const m = /^([^=\s]+)=(-?\d+(?:\.\d+)?)$/.exec(flag);
		if (!m) throw new UsageError(`--min must be metric=value (e.g. judge.correctness=4.2), received "${flag}"`);
		const [, metric, num] = m as unknown as [string, string, string];
		fromFlags[metric] = { ...fromFlags[metric], min: Number(num) };
	}
	const metrics: Record<string, GateRule> = { ...config.metrics, ...fromFlags };
	for (const metric of flags.requireSignificance ?? []) {
		const rule = metrics[metric];
		if (!rule) throw new UsageError(`--require-significance ${metric}: no rule gates ${metric} (give it --max-drop or name it in --config)`);
		metrics[metric] = { ...rule, requireSignificance: true };
	}
	return { ...config, metrics };
}

/** One result line: decision, metric, the numbers, the rule and the reason. */
function resultLine(m: MetricGate): string {
	const delta = `${m.delta >= 0 ? '+' : '−'}${Math.abs(m.delta).toFixed(4)}`;
	return `  ${m.pass ? 'ok  ' : 'FAIL'} ${m.metric}: baseline ${m.baselineMean.toFixed(4)}, candidate ${m.candidateMean.toFixed(4)}, delta ${delta}, limit ${m.limit}, p = ${m.pValue.toFixed(4)} — ${m.reason}\n`;
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
	const baseline = parseEvalReport(readJson(stringOption(values, 'baseline'), 'baseline report'));
	const candidate = parseEvalReport(readJson(stringOption(values, 'candidate'), 'candidate report'));
	const fromFile = typeof values.config === 'string' ? parseGateConfig(readJson(values.config, 'gate config')) : DEFAULT_GATE_CONFIG;
	const config = parseGateConfig(
		applyGateFlags(fromFile, { maxDrop: (values['max-drop'] as string[] | undefined) ?? [], min: (values.min as string[] | undefined) ?? [], requireSignificance: (values['require-significance'] as string[] | undefined) ?? [] })
	);
	const result = runGate(baseline, candidate, config);
	if (values.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
	else {
		io.stdout(`${result.verdict}: ${candidate.retrieval.label} vs baseline ${baseline.retrieval.label} on "${baseline.dataset.name}" (${result.queryCount} queries)\n`);
		for (const m of result.metrics) io.stdout(resultLine(m));
	}
	return result.verdict === 'PASS' ? EXIT_OK : EXIT_FAILURE;
}
