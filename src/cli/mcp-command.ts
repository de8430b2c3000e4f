import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, parse, relative, resolve } from 'node:path';
import { serveHttp, serveStdio, type McpServerInfo, type ServedTool } from '../lib/adapters/mcp-server.ts';
import { BUILTIN_OUTPUT_SCHEMAS, builtinTools, toolVersion, type BuiltinToolName } from '../lib/agents/builtin-tools.ts';
import type { Tool, ToolDefinition } from '../lib/agents/types.ts';
import { DEFAULT_GATE_CONFIG, evaluateRun, parseGateConfig, parseQrels, parseRun, runGate, TREC_EVAL_CUTOFFS } from '../lib/evals/index.ts';
import { AssayError } from '../lib/shared/errors.ts';
import { parseOptions } from './args.ts';
import { readTextFile } from './beir-files.ts';
import { readReport, resultLine } from './gate-command.ts';
import { EXIT_OK, UsageError, type CliIo } from './io.ts';
import { formatJson, formatText } from './metrics-command.ts';
import { loadCliWorkspace, type CliWorkspaceSource } from './workspace-tools.ts';

/** Usage text of `assay mcp`. */
export const MCP_USAGE = `Usage: assay mcp (--dataset <BEIR folder> | --folder <dir>) [--http <port>] [options]

Serve Assay as an MCP server (Model Context Protocol): over stdio by default (for Claude
Desktop, VS Code, Cursor, …: the client starts the command), or over Streamable HTTP at
http://127.0.0.1:<port>/mcp with --http (0 = any free port; the URL is printed on stderr).
Only the protocol goes to stdout; messages go to stderr. See docs/mcp.md.

Tools (all read-only):
  search_documents  BM25 search: query, top_k (1–20, default 5); hits with the document id
                    (BEIR _id, or the file path) in structuredContent — with --dataset, the
                    same top documents as "assay bm25" with its defaults
  read_chunk        a passage by chunk_id
  read_document     a range of a document's text by id (start, length ≤ 4000)
  list_documents    ids, titles and chunk counts
  metrics           trec_eval measures of a run against qrels (paths or inline TREC text)
  gate              the regression gate: candidate vs baseline eval report → PASS / FAIL

Options:
  --dataset <dir>        BEIR folder (corpus.jsonl[.gz]); each document indexed whole
  --folder <dir>         folder of files, parsed and chunked as "assay ingest" does
  --http <port>          serve Streamable HTTP on 127.0.0.1:<port> instead of stdio
  --allow-origin <url>   repeatable; a browser origin allowed to call the HTTP server (CORS).
                         Other origins, and Host headers other than 127.0.0.1/localhost:<port>,
                         are refused (DNS-rebinding protection)
  --root <dir>           repeatable; folders whose files metrics and gate may read (default:
                         the current folder and the --dataset/--folder folder)
  -h, --help             this text
`;

/** Name and version the server reports. */
const SERVER_NAME = 'assay';
const SERVER_VERSION = '0.1.0';

/**
 * `assay mcp`: see {@link MCP_USAGE}. Resolves when the client disconnects (stdio) or the
 * process is asked to stop (SIGINT/SIGTERM, HTTP); returns 0.
 * @throws UsageError for bad arguments; AssayError for an unreadable dataset or folder.
 */
export async function mcpCommand(argv: readonly string[], io: CliIo): Promise<number> {
	const values = parseOptions(argv, {
		dataset: { type: 'string' },
		folder: { type: 'string' },
		http: { type: 'string' },
		'allow-origin': { type: 'string', multiple: true },
		root: { type: 'string', multiple: true },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout(MCP_USAGE);
		return EXIT_OK;
	}
	const dataset = values.dataset as string | undefined;
	const folder = values.folder as string | undefined;
	if ((dataset === undefined) === (folder === undefined)) throw new UsageError('give exactly one of --dataset <dir> or --folder <dir>');
	const httpText = values.http as string | undefined;
	if (httpText !== undefined && (!/^\d+$/.test(httpText) || Number(httpText) > 65535)) {
		throw new UsageError(`--http must be a port number 0–65535, received "${httpText}"`);
	}
	const origins = (values['allow-origin'] as string[] | undefined) ?? [];
	for (const o of origins) {
		if (!/^https?:\/\/[^/\s]+$/.test(o))
			throw new UsageError(`--allow-origin must be an origin like https://assay.example (no path), received "${o}"`);
	}
	const source: CliWorkspaceSource = dataset !== undefined ? { dataset } : { folder: folder! };
	const given = values.root as string[] | undefined;
	const roots = given ? given.map((r) => resolve(r)) : defaultRoots(process.cwd(), dataset ?? folder!);
	if (!given && !roots.includes(resolve(process.cwd())))
		io.stderr(
			`assay mcp: metrics and gate read only inside ${roots.join(', ')} (the current folder ${process.cwd()} is not used as a root: pass --root to allow a folder)\n`
		);

	const workspace = await loadCliWorkspace(source);
	const served = mcpTools(builtinTools(workspace.port), roots);
	const info: McpServerInfo = {
		name: SERVER_NAME,
		version: SERVER_VERSION,
		instructions: `Assay over ${workspace.description}. Search with search_documents, read more with read_chunk or read_document, and cite documents by their id.`
	};
	const names = served.map((s) => s.tool.definition.name).join(', ');
	if (httpText === undefined) {
		io.stderr(`assay mcp: ${workspace.description}; serving ${names} over stdio\n`);
		await serveStdio(served, info);
		return EXIT_OK;
	}
	let handle;
	try {
		handle = await serveHttp(served, info, { port: Number(httpText), allowedOrigins: origins });
	} catch (error) {
		const code = (error as { code?: unknown }).code;
		if (code === 'EADDRINUSE' || code === 'EACCES')
			throw new UsageError(
				`--http ${httpText}: ${code === 'EADDRINUSE' ? 'the port is already in use' : 'this user may not listen on the port'} on 127.0.0.1 — pick another, or --http 0 for any free port`
			);
		throw error;
	}
	io.stderr(`assay mcp: ${workspace.description}; serving ${names}\nassay mcp: listening on ${handle.url}\n`);
	await new Promise<void>((done) => {
		process.once('SIGINT', done);
		process.once('SIGTERM', done);
	});
	await handle.close();
	return EXIT_OK;
}

/**
 * What `assay mcp` serves: the built-in tools (with their output schemas) plus `metrics` and
 * `gate`, all annotated `readOnlyHint: true`. `roots`: folders whose files metrics and gate
 * may read (absolute).
 */
export function mcpTools(builtins: readonly Tool[], roots: readonly string[]): ServedTool[] {
	return [
		...builtins.map((tool) => ({
			tool,
			outputSchema: BUILTIN_OUTPUT_SCHEMAS[tool.definition.name as BuiltinToolName],
			annotations: { readOnlyHint: true, openWorldHint: false }
		})),
		{
			tool: metricsTool(roots),
			outputSchema: { type: 'object', properties: { all: { type: 'object' }, per_query: { type: 'object' } }, required: ['all'] },
			annotations: { readOnlyHint: true, openWorldHint: false }
		},
		{
			tool: gateTool(roots),
			outputSchema: {
				type: 'object',
				properties: { verdict: { type: 'string', enum: ['PASS', 'FAIL'] }, queryCount: { type: 'integer' }, metrics: { type: 'array' } },
				required: ['verdict', 'queryCount', 'metrics']
			},
			annotations: { readOnlyHint: true, openWorldHint: false }
		}
	];
}

/**
 * The folders `metrics` and `gate` may read without `--root`: the dataset or folder served and
 * the current folder — unless the current folder is a filesystem root or the home folder. A
 * desktop client (Claude Desktop, …) often starts the command in `/` or `~`, and a root there
 * would let the model read any file.
 */
export function defaultRoots(cwd: string, source: string, home: string = homedir()): string[] {
	const here = resolve(cwd);
	const broad = parse(here).root === here || here === resolve(home);
	return broad ? [resolve(here, source)] : [here, resolve(here, source)];
}

/**
 * A path the tools may read: resolved against the current folder, symlinks followed, and
 * inside one of `roots`.
 * @throws AssayError `FILE_READ` for a path outside them.
 */
export function confinedPath(path: string, roots: readonly string[]): string {
	const absolute = resolve(path);
	let real = absolute;
	try {
		real = realpathSync(absolute);
	} catch {
		// A missing file is reported by the reader, with its own message.
	}
	const inside = roots.some((root) => {
		let r = root;
		try {
			r = realpathSync(root);
		} catch {
			/* keep as given */
		}
		const rel = relative(r, real);
		return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
	});
	if (!inside)
		throw new AssayError(
			'FILE_READ',
			`${path} is outside the folders this server may read (${roots.join(', ')}); start it with --root to allow more.`
		);
	return absolute;
}

function define(name: string, description: string, inputSchema: Record<string, unknown>): ToolDefinition {
	return {
		name,
		description,
		inputSchema,
		version: toolVersion({ name, description, inputSchema }),
		effect: 'read-only',
		source: { kind: 'builtin' }
	};
}

function metricsTool(roots: readonly string[]): Tool {
	const schema = {
		type: 'object',
		properties: {
			qrels: { type: 'string', description: 'Path of a qrels file (TREC "qid iter docid grade" or BEIR qrels.tsv; .gz accepted).' },
			qrels_text: { type: 'string', description: 'The qrels themselves, instead of a path.' },
			run: { type: 'string', description: 'Path of a TREC run file (qid Q0 docid rank score tag; .gz accepted).' },
			run_text: { type: 'string', description: 'The run itself, instead of a path.' },
			cutoffs: {
				type: 'array',
				items: { type: 'integer', minimum: 1 },
				minItems: 1,
				description: `Cutoffs k for P, recall and nDCG (default ${TREC_EVAL_CUTOFFS.join(', ')}).`
			},
			include_missing_queries: {
				type: 'boolean',
				description: 'trec_eval -c: qrels queries missing from the run score 0 (default false).'
			},
			relevance_level: { type: 'integer', description: 'trec_eval -l: minimum grade counted relevant (default 1).' },
			per_query: { type: 'boolean', description: 'Also return each query’s values (default false).' }
		},
		additionalProperties: false
	};
	return {
		definition: define(
			'metrics',
			'Score a TREC run against qrels with trec_eval’s measures (map, ndcg_cut_k, P_k, recall_k, recip_rank, Rprec, counts), computed by Assay’s trec_eval-compatible code. Give each file as a path or inline text.',
			schema
		),
		run: async (args) => {
			const qrels = fileOrText(args, 'qrels', roots);
			const run = fileOrText(args, 'run', roots);
			const cutoffs = (args['cutoffs'] as number[] | undefined) ? [...new Set(args['cutoffs'] as number[])] : TREC_EVAL_CUTOFFS;
			const evaluation = evaluateRun(parseQrels(qrels.text, qrels.name), parseRun(run.text, run.name), {
				cutoffs,
				includeMissingQueries: args['include_missing_queries'] === true,
				relevanceLevel: typeof args['relevance_level'] === 'number' ? args['relevance_level'] : 1
			});
			const json = JSON.parse(formatJson(evaluation, cutoffs)) as {
				all: Record<string, number>;
				per_query: Record<string, Record<string, number>>;
			};
			const perQuery = args['per_query'] === true;
			return {
				content: formatText(evaluation, perQuery, cutoffs),
				structured: perQuery ? json : { all: json.all }
			};
		}
	};
}

function fileOrText(args: Readonly<Record<string, unknown>>, key: string, roots: readonly string[]): { text: string; name: string } {
	const path = args[key];
	const text = args[`${key}_text`];
	if ((path === undefined) === (text === undefined))
		throw new AssayError('CONFIG_INVALID', `Give exactly one of "${key}" (a path) or "${key}_text".`);
	if (typeof text === 'string') return { text, name: `${key}_text` };
	return { text: readTextFile(confinedPath(path as string, roots)), name: path as string };
}

function gateTool(roots: readonly string[]): Tool {
	const schema = {
		type: 'object',
		properties: {
			baseline: { type: 'string', description: 'Path of the baseline eval report (JSON, assay.eval-report/v2 or v1).' },
			candidate: { type: 'string', description: 'Path of the candidate eval report (JSON).' },
			config: {
				type: 'object',
				description:
					'Gate config, as assay gate --config takes it: {"metrics": {"ndcg@10": {"maxDrop": 0.02, "maxDropPct": 5, "min": 0.5}}, "alpha": 0.05}. Default: Assay’s default rules.'
			}
		},
		required: ['baseline', 'candidate'],
		additionalProperties: false
	};
	return {
		definition: define(
			'gate',
			'The regression gate of assay gate: compare a candidate eval report with a baseline on the same golden set, one rule per metric, and answer PASS or FAIL with the numbers.',
			schema
		),
		run: async (args) => {
			const baseline = readReport(confinedPath(args['baseline'] as string, roots), 'baseline report');
			const candidate = readReport(confinedPath(args['candidate'] as string, roots), 'candidate report');
			const config = args['config'] === undefined ? DEFAULT_GATE_CONFIG : parseGateConfig(args['config']);
			const result = runGate(baseline, candidate, config);
			const head = `${result.verdict}: ${candidate.retrieval.label} vs baseline ${baseline.retrieval.label} on "${baseline.dataset.name}" (${result.queryCount} queries)\n`;
			return { content: head + result.metrics.map(resultLine).join(''), structured: result };
		}
	};
}
