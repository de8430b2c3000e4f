import type { PriceTable } from '../../lib/cost/index.ts';
import { existsSync, rmSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { CfworkerSchemaValidator } from '../../lib/adapters/json-schema-validator.ts';
import { connectMcpServer, mcpTools, type McpConnection } from '../../lib/adapters/mcp-client.ts';
import { OpenAiChatModel } from '../../lib/adapters/openai-chat.ts';
import { allowListPolicy, denyAllPolicy } from '../../lib/agents/approval.ts';
import { DEFAULT_AGENT_LIMITS } from '../../lib/agents/loop.ts';
import type { Tool } from '../../lib/agents/types.ts';
import { parseAgentEvalConfig, type AgentEvalConfig } from '../../lib/evals/agents/config.ts';
import { parseAgentTasksJsonl, type AgentTask } from '../../lib/evals/agents/format.ts';
import { AGENT_METRICS } from '../../lib/evals/agents/metrics.ts';
import { agentGateView, agentTasksHash, buildAgentReport, parseAgentReport, type AgentEvalReport } from '../../lib/evals/agents/report.ts';
import { runAgentEval, type ToolProvider } from '../../lib/evals/agents/runner.ts';
import { parseGateConfig, runGate, type GateConfig } from '../../lib/evals/gate/index.ts';
import type { ChatModel } from '../../lib/generation/types.ts';
import { AssayError, toErrorData } from '../../lib/shared/errors.ts';
import { readTextFile } from '../beir-files.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_UNREACHABLE, UsageError, type CliIo } from '../io.ts';
import { cliBuiltinTools } from '../workspace-tools.ts';
import { formatAgentJunit, type AgentGateOutcome } from './agent-junit.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { parseJsonText, readJsonFile } from './load-config.ts';

/**
 * `assay eval --config FILE` when the config's `system.type` is `"agent"` (see
 * `lib/evals/agents/config.ts`): load and check everything first (exit 2 before any request),
 * connect the tools (built-in tools over the dataset or folder, MCP servers), run each task
 * through the agent loop with the approval policy (deny by default), grade (checks, optional
 * judge), build the report, gate, write `report.json` and `junit.xml` (report.json last; stale
 * ones removed first), and return 0 pass, 1 gate failed (or nothing could be scored), 2 config,
 * 3 the model, an MCP server or the judge was unreachable (report written, `incomplete`).
 */

/** The files an agent eval writes to the output folder. */
export const AGENT_OUTPUT_FILES = ['report.json', 'junit.xml'] as const;

/** Options of the command (as `assay eval` parsed them). */
export interface AgentEvalOptions {
	readonly config: string;
	readonly out?: string;
	readonly baseline?: string;
	readonly filter?: readonly string[];
	/** Price table for the report's cost (`--prices`); default the dated defaults (docs/cost.md). */
	readonly priceTable?: PriceTable;
}

/** What the command takes from its surroundings; tests inject the model and the tools. */
export interface AgentEvalSurroundings {
	readonly env: Readonly<Record<string, string | undefined>>;
	/** Milliseconds. */
	readonly clock: () => number;
	readonly appVersion: string;
	/** Replaces the OpenAI-compatible model of `system.model` (tests: a scripted model). */
	readonly model?: ChatModel;
	/** Replaces the tools of `system.tools` and `system.mcp` (tests: fakes). */
	readonly tools?: ToolProvider;
}

/** Whether the config file at `path` is an agent eval (`system.type: "agent"`). Unreadable or invalid JSON → false (the system eval reports it). */
export function isAgentEvalConfig(path: string): boolean {
	try {
		const value = JSON.parse(readTextFile(resolve(path)).replace(/^\uFEFF/, '')) as { system?: { type?: unknown } } | null;
		return value?.system?.type === 'agent';
	} catch {
		return false;
	}
}

const withoutComment = <T extends { $comment?: unknown }>(o: T): Omit<T, '$comment'> => {
	const { $comment: _c, ...rest } = o;
	return rest;
};

const abs = (dir: string, p: string) => (isAbsolute(p) ? p : resolve(dir, p));

function envValue(env: AgentEvalSurroundings['env'], name: string, key: string, file: string): string {
	const value = env[name];
	if (value === undefined)
		throw new AssayError(
			'CONFIG_INVALID',
			`Invalid configuration ${file} — ${key}: environment variable ${name} is not set — export ${name}=… (in GitHub Actions: env: ${name}: \${{ secrets.${name} }})`
		);
	return value;
}

function loadTasks(path: string, filter: readonly string[]): { all: AgentTask[]; run: AgentTask[] } {
	if (!existsSync(path))
		throw new AssayError(
			'CONFIG_INVALID',
			`tasks: ${path} does not exist — fix the path (relative paths are resolved against the config file's folder)`
		);
	const parsed = parseAgentTasksJsonl(readTextFile(path));
	if (parsed.errors.length > 0) {
		const first = parsed.errors
			.slice(0, 5)
			.map((e) => `line ${e.line}: ${e.message}`)
			.join('; ');
		throw new AssayError('DATASET_INVALID', `The agent tasks ${path} have ${parsed.errors.length} bad line(s) — ${first}`, {
			details: { path, errors: parsed.errors.slice(0, 50) }
		});
	}
	if (parsed.tasks.length === 0) throw new AssayError('DATASET_INVALID', `The agent tasks ${path} hold no task`);
	if (filter.length === 0) return { all: parsed.tasks, run: parsed.tasks };
	const ids = new Set(parsed.tasks.map((t) => t.id));
	const unknown = filter.filter((id) => !ids.has(id));
	if (unknown.length > 0) throw new UsageError(`--filter: no task has the id ${unknown.map((id) => `"${id}"`).join(', ')}`);
	const wanted = new Set(filter);
	return { all: parsed.tasks, run: parsed.tasks.filter((t) => wanted.has(t.id)) };
}

function gateConfigOf(config: AgentEvalConfig, file: string): GateConfig | null {
	if (!config.gate) return null;
	const metrics: GateConfig['metrics'] = {};
	config.gate.rules.forEach((rule, i) => {
		const { metric, $comment: _c, ...limits } = rule;
		if (!(AGENT_METRICS as readonly string[]).includes(metric))
			throw new AssayError(
				'CONFIG_INVALID',
				`Invalid configuration ${file} — gate.rules.${i}.metric: "${metric}" is not an agent metric — use one of ${AGENT_METRICS.join(', ')}`
			);
		if (metrics[metric])
			throw new AssayError('CONFIG_INVALID', `Invalid configuration ${file} — gate.rules.${i}.metric: "${metric}" already has a rule`);
		metrics[metric] = limits;
	});
	return parseGateConfig({
		metrics,
		...(config.gate.alpha !== undefined ? { alpha: config.gate.alpha } : {}),
		...(config.gate.seed !== undefined ? { seed: config.gate.seed } : {}),
		...(config.gate.permutations !== undefined ? { permutations: config.gate.permutations } : {})
	});
}

/** Connect every configured MCP server and take its enabled tools. @throws AssayError from the client (MCP_*), `CONFIG_INVALID` for a missing token variable or tool name. */
async function mcpToolsOf(
	config: AgentEvalConfig,
	env: AgentEvalSurroundings['env'],
	file: string,
	connections: McpConnection[]
): Promise<Tool[]> {
	const out: Tool[] = [];
	for (const [i, server] of (config.system.mcp ?? []).entries()) {
		const token = server.tokenEnv ? envValue(env, server.tokenEnv, `system.mcp.${i}.tokenEnv`, file) : undefined;
		const connection = await connectMcpServer({
			url: server.url,
			label: server.label,
			...(token ? { bearerToken: token } : {}),
			...(server.timeoutMs ? { timeoutMs: server.timeoutMs } : {})
		});
		connections.push(connection);
		const listed = await connection.listTools();
		const names = server.tools ?? listed.map((t) => t.name);
		const missing = names.filter((n) => !listed.some((t) => t.name === n));
		if (missing.length > 0)
			throw new AssayError(
				'CONFIG_INVALID',
				`Invalid configuration ${file} — system.mcp.${i}.tools: the server "${server.label}" has no tool ${missing.map((n) => `"${n}"`).join(', ')} (it lists ${listed.map((t) => t.name).join(', ') || 'none'})`
			);
		out.push(...mcpTools(connection, names));
	}
	return out;
}

/**
 * Refuse (exit 2, before any request) expected calls and allow-list entries that name no tool
 * of the run: such an expectation can never be met and such an allow entry never applies, so a
 * typo would otherwise show up only as low recall or a silent denial.
 * @throws AssayError `DATASET_INVALID` (tasks) or `CONFIG_INVALID` (approval.allow).
 */
function checkToolNames(tasks: readonly AgentTask[], allow: readonly string[], tools: readonly Tool[], tasksPath: string, file: string) {
	const names = new Set(tools.map((t) => t.definition.name));
	const available = [...names].join(', ') || 'none';
	const bad = tasks.flatMap((t) =>
		(t.expectedToolCalls ?? []).filter((e) => !names.has(e.name)).map((e) => `task "${t.id}" expects a call to "${e.name}"`)
	);
	if (bad.length > 0)
		throw new AssayError(
			'DATASET_INVALID',
			`The agent tasks ${tasksPath} name tools the agent does not have — ${[...new Set(bad)].slice(0, 5).join('; ')}${bad.length > 5 ? `; and ${bad.length - 5} more` : ''} — its tools are ${available} (MCP tools are "<label>__<tool>")`
		);
	const unknown = allow.filter((n) => !names.has(n));
	if (unknown.length > 0)
		throw new AssayError(
			'CONFIG_INVALID',
			`Invalid configuration ${file} — system.approval.allow: no tool is named ${unknown.map((n) => `"${n}"`).join(', ')} — the agent's tools are ${available} (MCP tools are "<label>__<tool>")`
		);
}

/**
 * Run the agent eval (see the module comment). Returns the exit code.
 * @throws AssayError (`CONFIG_INVALID`, `DATASET_INVALID`, `FILE_READ`, `MCP_AUTH_FAILED`) or UsageError — exit 2.
 */
export async function runAgentEvalCommand(options: AgentEvalOptions, io: CliIo, surroundings: AgentEvalSurroundings): Promise<number> {
	const started = surroundings.clock();
	const outDir = resolve(options.out ?? 'assay-out');
	for (const f of AGENT_OUTPUT_FILES) rmSync(join(outDir, f), { force: true });
	const file = resolve(options.config);
	const config = parseAgentEvalConfig(parseJsonText(readTextFile(file), file), `configuration ${file}`);
	const dir = dirname(file);
	const tasksPath = abs(dir, config.tasks);
	const tasks = loadTasks(tasksPath, options.filter ?? []);
	const gateConfig = gateConfigOf(config, file);
	const baselinePath = options.baseline ? resolve(options.baseline) : config.gate?.baseline ? abs(dir, config.gate.baseline) : null;
	const needsBaseline =
		gateConfig !== null && Object.values(gateConfig.metrics).some((r) => r.maxDrop !== undefined || r.maxDropPct !== undefined);
	let baseline: AgentEvalReport | null = null;
	if (baselinePath && existsSync(baselinePath)) {
		try {
			baseline = parseAgentReport(readJsonFile(baselinePath, 'baseline report'));
		} catch (error) {
			if (error instanceof AssayError)
				throw new AssayError(error.code, `The baseline report ${baselinePath}: ${error.message}`, { cause: error });
			throw error;
		}
	}
	const system = config.system;
	const apiKey = system.model.apiKeyEnv ? envValue(surroundings.env, system.model.apiKeyEnv, 'system.model.apiKeyEnv', file) : undefined;
	const model =
		surroundings.model ??
		new OpenAiChatModel({
			baseUrl: system.model.baseUrl,
			model: system.model.model,
			...(apiKey ? { apiKey } : {}),
			...(system.model.timeoutMs ? { idleTimeoutMs: system.model.timeoutMs } : {}),
			...(system.model.retry ? { retry: withoutComment(system.model.retry) } : {})
		});
	const judgeCfg = config.judge;
	if (judgeCfg?.rubrics && judgeCfg.rubrics.some((r) => r !== 'correctness'))
		throw new AssayError(
			'CONFIG_INVALID',
			`Invalid configuration ${file} — judge.rubrics: agent evals grade with the "correctness" rubric only — remove the key or set ["correctness"]`
		);
	const judgeKey = judgeCfg?.apiKeyEnv ? envValue(surroundings.env, judgeCfg.apiKeyEnv, 'judge.apiKeyEnv', file) : undefined;
	const judgeModel = judgeCfg
		? new OpenAiChatModel({
				baseUrl: judgeCfg.baseUrl,
				model: judgeCfg.model,
				...(judgeKey ? { apiKey: judgeKey } : {}),
				...(judgeCfg.timeoutMs ? { idleTimeoutMs: judgeCfg.timeoutMs } : {})
			})
		: null;

	// Tools: fixed once for the run (the built-in tools are stateless; MCP servers are connected once).
	const connections: McpConnection[] = [];
	let provider: ToolProvider;
	let toolList: Tool[] = [];
	if (surroundings.tools) provider = surroundings.tools;
	else {
		const builtin = system.tools?.builtin;
		if (builtin) {
			const source =
				builtin.dataset !== undefined ? { dataset: abs(dir, builtin.dataset) } : { folder: abs(dir, builtin.folder as string) };
			const { tools, workspace } = await cliBuiltinTools(source);
			io.stderr(`assay eval: built-in tools over ${workspace.description}\n`);
			toolList.push(...tools);
		}
		try {
			toolList.push(...(await mcpToolsOf(config, surroundings.env, file, connections)));
		} catch (error) {
			await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
			const data = toErrorData(error);
			if (data.code === 'MCP_UNREACHABLE' || data.code === 'MCP_TIMEOUT') {
				io.stderr(`assay eval: stopped — ${data.code}: ${data.message}; no task was run.\n`);
				return EXIT_UNREACHABLE;
			}
			throw error;
		}
		if (toolList.length === 0)
			io.stderr('assay eval: warning — no tools configured (system.tools.builtin, system.mcp): the agent can only answer directly\n');
		const fixed = toolList;
		provider = () => fixed;
	}
	if (surroundings.tools) toolList = [...(await surroundings.tools(tasks.run[0] as AgentTask))];
	const approvalCfg = system.approval ?? { policy: 'deny' as const };
	const allow = approvalCfg.policy === 'allow' ? (approvalCfg.allow ?? []) : [];
	if (!surroundings.tools) {
		try {
			checkToolNames(tasks.all, allow, toolList, tasksPath, file);
		} catch (error) {
			await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
			throw error;
		}
	}
	const limits = { ...DEFAULT_AGENT_LIMITS, ...Object.fromEntries(Object.entries(system.limits ?? {}).filter(([k]) => k !== '$comment')) };
	const label = system.label ?? `agent ${system.model.model}`;
	io.stderr(
		`assay eval: ${label} on ${tasks.run.length} tasks, ${toolList.length} tools, approvals: ${approvalCfg.policy === 'deny' ? 'deny all' : `allow ${allow.join(', ')}`}\n`
	);

	const validator = new CfworkerSchemaValidator();
	let run;
	try {
		run = await runAgentEval({
			tasks: tasks.run,
			model,
			tools: provider,
			approval: () => (approvalCfg.policy === 'allow' ? allowListPolicy(allow) : denyAllPolicy()),
			validator,
			limits,
			...(system.systemPrompt ? { systemPrompt: system.systemPrompt } : {}),
			temperature: system.temperature ?? 0,
			...(system.seed !== undefined ? { seed: system.seed } : {}),
			...(judgeModel
				? {
						judge: {
							model: judgeModel,
							passThreshold: judgeCfg?.passThreshold ?? 4,
							temperature: judgeCfg?.temperature ?? 0,
							seed: judgeCfg?.seed ?? 42,
							maxTokens: judgeCfg?.maxTokens ?? 512
						}
					}
				: {}),
			clock: surroundings.clock,
			onProgress: (done, total) => io.stderr(`assay eval: ${done}/${total} tasks\n`)
		});
	} finally {
		await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
	}
	const report = buildAgentReport({
		id: `cli-${new Date().toISOString()}`,
		createdAt: new Date().toISOString(),
		appVersion: surroundings.appVersion,
		tasksName: basename(tasksPath),
		contentHash: await agentTasksHash(tasks.all),
		tasks: tasks.run,
		run,
		...(options.priceTable ? { priceTable: options.priceTable } : {}),
		system: {
			label,
			modelId: model.modelId,
			provider: model.provider,
			tools: toolList.map((t) => t.definition),
			approval: { policy: approvalCfg.policy, allow },
			limits
		},
		judge: judgeModel ? { modelId: judgeModel.modelId, passThreshold: judgeCfg?.passThreshold ?? 4 } : null
	});
	const reached = new Set(run.outcomes.map((o) => o.task.id));
	const notRun = tasks.run.filter((t) => !reached.has(t.id)).map((t) => t.id);
	const nothingScored = !run.incomplete && report.tasks.evaluated === 0;

	let gate: AgentGateOutcome = null;
	let gateUnusable = false;
	if (gateConfig) {
		if (run.incomplete) gate = { skipped: 'not evaluated: the run is incomplete' };
		else if (nothingScored) gate = { skipped: 'not evaluated: no task could be scored' };
		else if (needsBaseline && !baseline) {
			gateUnusable = true;
			gate = {
				skipped: baselinePath
					? `not evaluated: the baseline report ${baselinePath} does not exist — commit a report.json of an earlier run there`
					: 'not evaluated: a rule has maxDrop/maxDropPct but no baseline is set — set gate.baseline or pass --baseline'
			};
		} else {
			try {
				gate = { result: runGate(agentGateView(baseline ?? report), agentGateView(report), gateConfig) };
			} catch (error) {
				if (!(error instanceof AssayError)) throw error;
				gateUnusable = true;
				gate = { skipped: `not evaluated: ${error.message}` };
			}
		}
	}
	writeFileAtomic(join(outDir, 'junit.xml'), formatAgentJunit(report, gate, notRun, surroundings.clock() - started));
	writeFileAtomic(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);

	const a = report.aggregate;
	io.stdout(
		`${report.status === 'complete' ? 'complete' : 'INCOMPLETE'}: ${label} — ${report.tasks.evaluated} of ${tasks.run.length} tasks scored, ${a.errors} error(s)\n`
	);
	const ts = a.taskSuccess;
	if (ts.rate !== null)
		io.stdout(
			`  ${'task-success'.padEnd(22)} ${ts.rate.toFixed(4)} (${ts.passed}/${ts.n}${ts.wilson95 ? `, 95 % CI ${ts.wilson95.low.toFixed(3)}–${ts.wilson95.high.toFixed(3)}` : ''})\n`
		);
	for (const m of AGENT_METRICS.slice(1)) {
		const v = a.means[m];
		if (v) io.stdout(`  ${m.padEnd(22)} ${v.mean.toFixed(4)} (n ${v.n})\n`);
	}
	io.stdout(
		`  steps ${a.meanSteps?.toFixed(2) ?? '–'}, tokens in ${a.meanInputTokens?.toFixed(0) ?? '–'} / out ${a.meanOutputTokens?.toFixed(0) ?? '–'}, ${a.meanDurationMs?.toFixed(0) ?? '–'} ms per task, ${a.approvalsAsked} approval(s) asked; stops: ${Object.entries(
			a.stopReasons
		)
			.map(([k, n]) => `${k} ${n}`)
			.join(', ')}\n`
	);
	if (gate && 'result' in gate) {
		io.stdout(`gate ${gate.result.verdict}${baseline ? ` vs ${baselinePath}` : ' (floors only)'}\n`);
		for (const m of gate.result.metrics) io.stdout(`  ${m.pass ? 'ok  ' : 'FAIL'} ${m.metric}: ${m.reason}\n`);
	} else if (gate) io.stdout(`gate ${gate.skipped}\n`);
	io.stdout(`wrote ${AGENT_OUTPUT_FILES.map((f) => join(outDir, f)).join(', ')}\n`);
	if (run.incomplete) {
		io.stderr(
			`assay eval: stopped — ${run.incomplete.code}: ${run.incomplete.reason}; ${run.incomplete.notRun} task(s) not run. The report is marked incomplete.\n`
		);
		return EXIT_UNREACHABLE;
	}
	if (nothingScored) {
		io.stderr('assay eval: FAILED — no task could be scored; the errors are in report.json and junit.xml.\n');
		return EXIT_FAILURE;
	}
	if (gateUnusable)
		throw new AssayError(
			'CONFIG_INVALID',
			`The gate was ${gate && 'skipped' in gate ? gate.skipped : 'not evaluated'} (the outputs were written)`
		);
	return gate && 'result' in gate && gate.result.verdict === 'FAIL' ? EXIT_FAILURE : EXIT_OK;
}
