import { isAssayError } from '../lib/shared/errors.ts';
import { agentInjectionCommand, AGENT_INJECTION_USAGE } from './agent-injection-command.ts';
import { bm25Command, BM25_USAGE } from './bm25-command.ts';
import { cacheEvalCommand, CACHE_EVAL_USAGE } from './cache-eval-command.ts';
import { evalCommand, EVAL_USAGE } from './eval-command.ts';
import { gateCommand, GATE_USAGE } from './gate-command.ts';
import { ingestCommand, INGEST_USAGE } from './ingest-command.ts';
import { initCommand, INIT_USAGE } from './init-command.ts';
import { mcpCommand, MCP_USAGE } from './mcp-command.ts';
import { metricsCommand, METRICS_USAGE } from './metrics-command.ts';
import { routeEvalCommand, ROUTE_EVAL_USAGE } from './route-eval-command.ts';
import { runCommand, RUN_USAGE } from './run-command.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type CliIo } from './io.ts';

/** Top-level usage text. */
export const USAGE = `Usage: assay <command> [options]

Commands:
  bm25    index a BEIR collection with BM25 and write a TREC run
  metrics score a TREC run against qrels: trec_eval's measures, -c -q -l, --k, --json
  init    write a starter eval config (assay.config.json) and a sample golden set
  eval    evaluate a system (your app over HTTP, a command, a file of outputs, Assay's own
          pipeline) on a golden set, headless, with a gate:
            assay eval --config <file> [--out <dir>] [--baseline <report.json>]
                       [--concurrency <n>] [--no-cache] [--filter <id> …]
          exit 0 pass, 1 gate failed, 2 unusable config or input, 3 system or judge unreachable.
          Without --config: the older spelling of metrics (--qrels --run, --k; same output)
  ingest  parse and chunk files/folders (PDF, DOCX, HTML, CSV, JSON, code, text) into chunks JSONL
  run     retrieve with lexical, dense, hybrid or hybrid-rerank and write a TREC run
  gate    regression gate: candidate eval report vs baseline; exit 0 PASS, 1 FAIL, 2 unusable input
  route-eval
          model routing: a router between a cheap and a strong model's answer runs, accepted
          only by a paired non-inferiority test at a margin declared first; exit 0 accepted, 1 rejected
  cache-eval
          answer-cache quality: question pairs with the semantic cache on vs off, paired score
          difference and wrong-hit rate; exit 0 wrong-hit rate within --max-wrong-hit-rate, 1 above
  mcp     serve Assay's search, reading, metrics and gate tools over MCP (stdio, or --http on 127.0.0.1):
            assay mcp --dataset <dir> | --folder <dir> [--http <port>]
  agent-injection
          the agent injection suite: documents and tool results that tell the agent to call
          side-effecting tools or send data to a URL; exit 1 when an attack gets through
  help    show help for a command: assay help bm25

Run "assay <command> --help" for a command's options.
`;

const COMMANDS: Record<string, { run: (argv: readonly string[], io: CliIo) => Promise<number>; usage: string }> = {
	'agent-injection': { run: (argv, io) => agentInjectionCommand(argv, io), usage: AGENT_INJECTION_USAGE },
	bm25: { run: bm25Command, usage: BM25_USAGE },
	'cache-eval': { run: (argv, io) => cacheEvalCommand(argv, io, { env: process.env }), usage: CACHE_EVAL_USAGE },
	eval: { run: evalCommand, usage: EVAL_USAGE },
	gate: { run: gateCommand, usage: GATE_USAGE },
	ingest: { run: ingestCommand, usage: INGEST_USAGE },
	init: { run: initCommand, usage: INIT_USAGE },
	mcp: { run: mcpCommand, usage: MCP_USAGE },
	metrics: { run: metricsCommand, usage: METRICS_USAGE },
	'route-eval': { run: (argv, io) => routeEvalCommand(argv, io, { env: process.env }), usage: ROUTE_EVAL_USAGE },
	run: { run: runCommand, usage: RUN_USAGE }
};

/**
 * Run the CLI on `argv` (without the node and script paths) and return the exit code:
 * 0 success, 2 bad usage or bad input (readable message on stderr, no stack), 1 anything
 * unexpected (with its stack) — or, for `assay gate`, a FAIL verdict.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
	const [name, ...rest] = argv;
	if (name === undefined || name === '--help' || name === '-h') {
		(name === undefined ? io.stderr : io.stdout)(USAGE);
		return name === undefined ? EXIT_USAGE : EXIT_OK;
	}
	if (name === 'help') {
		const topic = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
		io.stdout(topic ? topic.usage : USAGE);
		return EXIT_OK;
	}
	const command = COMMANDS[name];
	if (!command) {
		io.stderr(`assay: unknown command "${name}"\n\n${USAGE}`);
		return EXIT_USAGE;
	}
	try {
		return await command.run(rest, io);
	} catch (error) {
		if (error instanceof UsageError) {
			// The message alone, so it stays in view in a CI log; the options are one command away.
			io.stderr(`assay ${name}: ${error.message}\nRun "assay ${name} --help" for the options.\n`);
			return EXIT_USAGE;
		}
		if (isAssayError(error) && error.code !== 'INTERNAL') {
			io.stderr(`assay ${name}: ${error.message}\n`);
			return EXIT_USAGE;
		}
		io.stderr(`assay ${name}: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		return EXIT_FAILURE;
	}
}
