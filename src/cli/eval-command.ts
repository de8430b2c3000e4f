import { readFileSync } from 'node:fs';
import { parseOptions, positiveIntegerOption } from './args.ts';
import { metricsCommand } from './metrics-command.ts';
import { runSystemEvalCommand } from './eval/system-eval-command.ts';
import { isAgentEvalConfig, runAgentEvalCommand } from './eval/agent-eval-command.ts';
import { EXIT_OK, UsageError, type CliIo } from './io.ts';
import { appVersion } from './app-version.ts';
import { parsePriceTable, type PriceTable } from '../lib/cost/index.ts';

/** Usage text of `assay eval`. */
export const EVAL_USAGE = `Usage: assay eval --config <file> [--out <dir>] [--baseline <report.json>] [--concurrency <n>]
                  [--no-cache] [--filter <id> …] [--prices <prices.json>]
                  [--judge-batch-out <input.jsonl> | --judge-batch-in <output.jsonl>]
       assay eval --qrels <file> --run <file> [options]

With --config: evaluate a system — your app over HTTP, a command, a file of outputs or Assay's
own pipeline — on a golden set, headless: answers, checks, judges, retrieval and answer
metrics, gate. The config is JSON (schemas/assay-config.v1.schema.json; "assay init" writes a
starter). Writes to the output folder (default assay-out): report.json (eval report v2),
junit.xml (a testcase per case and per gate rule), results.jsonl (one line per case × repeat),
report.html (one self-contained file, opens offline) and traces.otlp.json (OTLP/JSON, one trace
per case × repeat with its scores as gen_ai.evaluation.result events; docs/observability.md). System and judge replies are cached
in the config's cache folder (default .assay-cache); hits are counted in the report.

With "system": {"type": "agent", …} the config evaluates an agent instead (docs/agent-evals.md,
schemas/agent-eval-config.v1.schema.json): "tasks" names an agent-tasks .jsonl file; each task
runs through Assay's agent loop (an OpenAI-compatible model with tool calling; the built-in
workspace tools over a BEIR dataset or folder, MCP servers; side-effecting calls denied unless
the approval policy allows them). Writes report.json (assay.agent-eval-report/v1: task success,
tool-call precision/recall, argument correctness, trajectory match, steps, tokens, time,
approvals) and junit.xml; the gate rules name those metrics. Same exit codes; --concurrency and
--no-cache do not apply (tasks run one at a time, uncached).

Exit codes (--config):
  0  complete, and the gate passed (or there is no gate)
  1  the gate failed (reasons in junit.xml, report.html and on stdout), or every case failed
     (no answer to grade: the errors are in results.jsonl and junit.xml)
  2  unusable config or input (the message names the key path and the fix); nothing was
     asked — or, for a gate that cannot be evaluated (no baseline), the outputs were written
  3  the system under test or the judge was unreachable after every retry: the run stopped,
     the report is written and marked incomplete

Options (--config):
  --config <file>        the eval configuration (JSON)
  --out <dir>            output folder (default assay-out)
  --baseline <file>      baseline report.json for the gate's drop limits (overrides gate.baseline)
  --concurrency <n>      requests in flight at most (overrides the config; default 4)
  --no-cache             neither read nor write the response cache
  --filter <id> …        only these golden case ids (repeatable)
  --prices <file>        price table (JSON, docs/cost.md) for the reports' cost; default the
                         dated defaults
  --judge-batch-out <f>  answer every case, then write the judge's requests as an OpenAI Batch
                         API input file instead of judging (no report; exit 0)
  --judge-batch-in <f>   judge from a Batch API output file (the answers from the cache, as in
                         the --judge-batch-out run); unmatched lines and missing replies are said

Without --config: the older spelling of "assay metrics" (same code, same output), kept for
existing scripts: --k, --per-query and --include-missing are metrics' --k, -q and -c; the
cutoffs default to 10 here.

Options (without --config):
  --qrels <file>       qrels: TREC (qid iter docid grade) or BEIR qrels.tsv
  --run <file>         TREC run (qid Q0 docid rank score tag); .gz accepted
  --k <list>           cutoffs for P, recall and nDCG, comma-separated (default 10)
  --per-query          also print each query's values (trec_eval -q)
  --include-missing    qrels queries absent from the run score 0 and count (trec_eval -c)
  -h, --help           this text
`;

/** Assay's version (package.json), written into reports. */
const APP_VERSION = appVersion();

/**
 * `assay eval`: see {@link EVAL_USAGE}. Returns the exit code.
 * @throws UsageError for bad arguments; AssayError for unreadable or malformed files.
 */
export async function evalCommand(argv: readonly string[], io: CliIo): Promise<number> {
	const values = parseOptions(argv, {
		config: { type: 'string' },
		out: { type: 'string' },
		baseline: { type: 'string' },
		concurrency: { type: 'string' },
		'no-cache': { type: 'boolean' },
		filter: { type: 'string', multiple: true },
		prices: { type: 'string' },
		'judge-batch-out': { type: 'string' },
		'judge-batch-in': { type: 'string' },
		qrels: { type: 'string' },
		run: { type: 'string' },
		k: { type: 'string' },
		'per-query': { type: 'boolean' },
		'include-missing': { type: 'boolean' },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout(EVAL_USAGE);
		return EXIT_OK;
	}
	if (typeof values.config === 'string') {
		for (const name of ['qrels', 'run', 'k', 'per-query', 'include-missing']) {
			if (values[name] !== undefined)
				throw new UsageError(`--${name} belongs to the TREC form of assay eval; it cannot be combined with --config`);
		}
		const prices = typeof values.prices === 'string' ? readPrices(values.prices) : undefined;
		if (isAgentEvalConfig(values.config)) {
			for (const name of ['judge-batch-out', 'judge-batch-in'])
				if (values[name] !== undefined) throw new UsageError(`--${name} applies to a system eval, not to an agent eval`);
			for (const name of ['concurrency', 'no-cache'])
				if (values[name] !== undefined)
					io.stderr(`assay eval: note — --${name} does not apply to an agent eval (tasks run one at a time, uncached)\n`);
			return runAgentEvalCommand(
				{
					config: values.config,
					...(typeof values.out === 'string' ? { out: values.out } : {}),
					...(typeof values.baseline === 'string' ? { baseline: values.baseline } : {}),
					filter: (values.filter as string[] | undefined) ?? [],
					...(prices ? { priceTable: prices } : {})
				},
				io,
				{ env: process.env, clock: () => performance.now(), appVersion: APP_VERSION }
			);
		}
		return runSystemEvalCommand(
			{
				config: values.config,
				...(typeof values.out === 'string' ? { out: values.out } : {}),
				...(typeof values.baseline === 'string' ? { baseline: values.baseline } : {}),
				...(values.concurrency !== undefined ? { concurrency: positiveIntegerOption(values, 'concurrency', 4) } : {}),
				noCache: values['no-cache'] === true,
				filter: (values.filter as string[] | undefined) ?? [],
				...(prices ? { priceTable: prices } : {}),
				...(typeof values['judge-batch-out'] === 'string' ? { judgeBatchOut: values['judge-batch-out'] } : {}),
				...(typeof values['judge-batch-in'] === 'string' ? { judgeBatchIn: values['judge-batch-in'] } : {})
			},
			io,
			{ env: process.env, stderrIsTTY: process.stderr.isTTY === true, clock: () => performance.now(), appVersion: APP_VERSION }
		);
	}
	for (const name of ['out', 'baseline', 'concurrency', 'no-cache', 'filter', 'prices', 'judge-batch-out', 'judge-batch-in']) {
		if (values[name] !== undefined) throw new UsageError(`--${name} needs --config`);
	}
	if (values.qrels === undefined && values.run === undefined)
		throw new UsageError('--config is required (or, to score a TREC run, --qrels and --run: see assay metrics)');
	return metricsCommand(
		[
			...(typeof values.qrels === 'string' ? ['--qrels', values.qrels] : []),
			...(typeof values.run === 'string' ? ['--run', values.run] : []),
			'--k',
			typeof values.k === 'string' ? values.k : '10',
			...(values['per-query'] === true ? ['-q'] : []),
			...(values['include-missing'] === true ? ['-c'] : [])
		],
		io
	);
}

/**
 * Read `--prices`: a price table as JSON (docs/cost.md).
 * @throws UsageError naming the file and each bad row and field.
 */
export function readPrices(path: string): PriceTable {
	let json: unknown;
	try {
		json = JSON.parse(readFileSync(path, 'utf8'));
	} catch (error) {
		throw new UsageError(`--prices ${path}: not a readable JSON file (${error instanceof Error ? error.message : String(error)})`);
	}
	const parsed = parsePriceTable(json);
	if (parsed.ok) return parsed.table;
	throw new UsageError(`--prices ${path}: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
}
