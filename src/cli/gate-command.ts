import { DEFAULT_GATE_CONFIG, parseEvalReport, parseGateConfig, runGate, type GateConfig, type GateRule } from '../lib/evals/index.ts';
import { AssayError } from '../lib/shared/errors.ts';
import { parseOptions, stringOption } from './args.ts';
import { readTextFile } from './beir-files.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIo } from './io.ts';

const defaults = Object.entries(DEFAULT_GATE_CONFIG.metrics)
	.map(([m, r]) => `  ${m}: max absolute drop ${r.maxAbsoluteDrop}, max relative drop ${((r.maxRelativeDrop ?? 0) * 100).toFixed(0)} %`)
	.join('\n');

/** Usage text of `assay gate`. */
export const GATE_USAGE = `Usage: assay gate --baseline <a.json> --candidate <b.json> [--config <gate.json>] [--max-drop metric=value …] [--json]

Regression gate for CI: compares two Assay eval reports (assay.eval-report/v2 or v1, exported
from the Evals or Answer evals page) on the same golden set. For each gated metric the drop of the mean over shared
queries (baseline − candidate) is checked against its thresholds; a breach fails only when the
paired randomization test finds the candidate significantly worse (p < alpha), unless the rule
sets "requireSignificance": false.

Exit codes: 0 PASS, 1 FAIL, 2 unusable input (unreadable or invalid report or config, different
golden sets, a cancelled run, a metric missing from the reports).

Options:
  --baseline <file>          the baseline report (JSON)
  --candidate <file>         the candidate report (JSON)
  --config <file>            gate config: {"metrics": {"ndcg@10": {"maxAbsoluteDrop": 0.02,
                             "maxRelativeDrop": 0.05, "requireSignificance": true}}, "alpha": 0.05,
                             "seed": 42, "permutations": 10000}; replaces the default metrics
  --max-drop metric=value    repeatable; 0.02 = absolute drop, 5% = relative drop; replaces that
                             metric's rule from the config or defaults (two flags on one metric merge)
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

/**
 * Fold `--max-drop` flags (`metric=0.02` absolute, `metric=5%` relative) into `config`.
 * @throws UsageError for a malformed flag.
 */
export function applyMaxDropFlags(config: GateConfig, flags: readonly string[]): GateConfig {
	const fromFlags: Record<string, GateRule> = {};
	for (const flag of flags) {
		const m = /^([^=\s]+)=(\d+(?:\.\d+)?)(%?)$/.exec(flag);
		if (!m) throw new UsageError(`--max-drop must be metric=value (0.02 or 5%), received "${flag}"`);
		const [, metric, num, pct] = m as unknown as [string, string, string, string];
		const rule: GateRule = fromFlags[metric] ?? {};
		fromFlags[metric] = pct ? { ...rule, maxRelativeDrop: Number(num) / 100 } : { ...rule, maxAbsoluteDrop: Number(num) };
	}
	return { ...config, metrics: { ...config.metrics, ...fromFlags } };
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
	const config = parseGateConfig(applyMaxDropFlags(fromFile, (values['max-drop'] as string[] | undefined) ?? []));
	const result = runGate(baseline, candidate, config);
	if (values.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
	else {
		io.stdout(`${result.verdict}: ${candidate.retrieval.label} vs baseline ${baseline.retrieval.label} on "${baseline.dataset.name}" (${result.queryCount} queries)\n`);
		for (const m of result.metrics) for (const r of m.reasons) io.stdout(`  ${m.pass ? 'ok  ' : 'FAIL'} ${r}\n`);
	}
	return result.verdict === 'PASS' ? EXIT_OK : EXIT_FAILURE;
}
