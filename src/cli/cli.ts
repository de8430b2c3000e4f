import { isAssayError } from '../lib/shared/errors.ts';
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
  bench-serving
          serving benchmark of an OpenAI-compatible endpoint, with vLLM's metrics and flags:
            assay bench-serving --base-url URL --model NAME [--request-rate 1,4,inf]
                                [--max-concurrency 1,2,4] [--goodput ttft:200 tpot:50] [--out FILE]
  help    show help for a command: assay help bm25

Run "assay <command> --help" for a command's options.
`;

/** One command of the table: its module is imported only when the command runs or its help is asked for. */
interface CommandEntry {
	/** Load the command's module and return its runner and usage text. */
	readonly load: () => Promise<{ run: (argv: readonly string[], io: CliIo) => Promise<number>; usage: string }>;
}

/**
 * The commands. Each entry imports its module on demand (a dynamic import, a separate chunk of
 * the built CLI), so `assay --help` and a light command never load transformers.js, ONNX
 * Runtime or the MCP SDK (issue 17, item 7).
 */
const COMMANDS: Record<string, CommandEntry> = {
	'agent-injection': {
		load: async () => {
			const m = await import('./agent-injection-command.ts');
			return { run: (argv, io) => m.agentInjectionCommand(argv, io), usage: m.AGENT_INJECTION_USAGE };
		}
	},
	'bench-serving': {
		load: async () => {
			const m = await import('./bench-serving-command.ts');
			return { run: (argv, io) => m.benchServingCommand(argv, io), usage: m.BENCH_SERVING_USAGE };
		}
	},
	bm25: {
		load: async () => {
			const m = await import('./bm25-command.ts');
			return { run: m.bm25Command, usage: m.BM25_USAGE };
		}
	},
	eval: {
		load: async () => {
			const m = await import('./eval-command.ts');
			return { run: m.evalCommand, usage: m.EVAL_USAGE };
		}
	},
	gate: {
		load: async () => {
			const m = await import('./gate-command.ts');
			return { run: m.gateCommand, usage: m.GATE_USAGE };
		}
	},
	ingest: {
		load: async () => {
			const m = await import('./ingest-command.ts');
			return { run: m.ingestCommand, usage: m.INGEST_USAGE };
		}
	},
	init: {
		load: async () => {
			const m = await import('./init-command.ts');
			return { run: m.initCommand, usage: m.INIT_USAGE };
		}
	},
	mcp: {
		load: async () => {
			const m = await import('./mcp-command.ts');
			return { run: m.mcpCommand, usage: m.MCP_USAGE };
		}
	},
	metrics: {
		load: async () => {
			const m = await import('./metrics-command.ts');
			return { run: m.metricsCommand, usage: m.METRICS_USAGE };
		}
	},
	'cache-eval': {
		load: async () => {
			const m = await import('./cache-eval-command.ts');
			return { run: (argv, io) => m.cacheEvalCommand(argv, io), usage: m.CACHE_EVAL_USAGE };
		}
	},
	'route-eval': {
		load: async () => {
			const m = await import('./route-eval-command.ts');
			return { run: (argv, io) => m.routeEvalCommand(argv, io, { env: process.env }), usage: m.ROUTE_EVAL_USAGE };
		}
	},
	run: {
		load: async () => {
			const m = await import('./run-command.ts');
			return { run: m.runCommand, usage: m.RUN_USAGE };
		}
	}
};

/** The command named `name`, or undefined (an own key only: `assay toString` is unknown). */
function lookup(name: string | undefined): CommandEntry | undefined {
	return name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

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
		const topic = lookup(rest[0]);
		io.stdout(topic ? (await topic.load()).usage : USAGE);
		return EXIT_OK;
	}
	const entry = lookup(name);
	if (!entry) {
		io.stderr(`assay: unknown command "${name}"\n\n${USAGE}`);
		return EXIT_USAGE;
	}
	try {
		const command = await entry.load();
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
