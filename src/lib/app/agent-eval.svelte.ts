import { priceTable } from './price-table.svelte.ts';
import type { PriceTable } from '$lib/cost/index.ts';
import pkg from '../../../package.json';
import { AssayError } from '$lib/shared/errors.ts';
import { denyAllPolicy } from '$lib/agents/approval.ts';
import type { RowError } from '$lib/evals/golden/types.ts';
import {
	agentTasksHash,
	buildAgentReport,
	parseAgentTasksJsonl,
	runAgentEval,
	type AgentEvalReport,
	type AgentTask
} from '$lib/evals/agents/index.ts';
import type { AgentDesk } from './agent.svelte.ts';
import { describe } from './describe.ts';

/**
 * "Evaluate on a task set" on the Agent page (Svelte 5 runes): load an `agent-tasks` JSONL file
 * (docs/agent-evals.md; bad lines are listed with their line number, the others load), run every
 * task through the agent loop with the page's engine, ticked tools and limits, and show the
 * agent eval report (`buildAgentReport`: per-task tool-call precision / recall, argument
 * correctness, trajectory match, checks, steps, tokens, stop reason; aggregates), downloadable as
 * the same JSON `assay eval` writes. Runs are headless: side-effecting calls are denied by the
 * `deny` policy (nobody is asked), and no judge grades the answers here (`assay eval` has one).
 */
export class AgentTaskSet {
	fileName = $state('');
	tasks = $state.raw<readonly AgentTask[]>([]);
	/** Lines of the file that did not load. */
	errors = $state.raw<readonly RowError[]>([]);
	running = $state(false);
	progress = $state<{ done: number; total: number } | null>(null);
	report = $state.raw<AgentEvalReport | null>(null);
	error = $state<string | null>(null);

	private abort: AbortController | null = null;

	/** `now`: epoch ms for the report's time and the run's clock (injectable for tests). */
	constructor(
		private readonly desk: AgentDesk,
		private readonly now: () => number = Date.now
	) {}

	/** Read a task file's text; a new file drops the last report. */
	load(fileName: string, text: string): void {
		const parsed = parseAgentTasksJsonl(text);
		this.fileName = fileName;
		this.tasks = parsed.tasks;
		this.errors = parsed.errors;
		this.report = null;
		this.error = parsed.tasks.length === 0 ? `${fileName} has no task that loads.` : null;
	}

	/** Run every loaded task (one at a time, in file order) and build the report. */
	async run(): Promise<void> {
		if (this.running || this.tasks.length === 0) return;
		this.error = null;
		this.report = null;
		let model;
		try {
			model = this.desk.chatModel();
		} catch (error) {
			this.error = describe(error);
			return;
		}
		const tasks = this.tasks;
		const limits = $state.snapshot(this.desk.limits);
		const tools = this.desk.selectedTools();
		this.running = true;
		this.progress = { done: 0, total: tasks.length };
		this.abort = new AbortController();
		try {
			const run = await runAgentEval({
				tasks,
				model,
				// A fresh set per task, as the CLI does (the run-as principal read again each time).
				tools: () => this.desk.selectedTools(),
				approval: denyAllPolicy,
				validator: this.desk.validator,
				limits,
				clock: this.now,
				signal: this.abort.signal,
				onProgress: (done, total) => (this.progress = { done, total })
			});
			this.report = buildAgentReport({
				id: `agent-eval-${this.now()}`,
				// eslint-disable-next-line svelte/prefer-svelte-reactivity -- formatted once, never state
				createdAt: new Date(this.now()).toISOString(),
				appVersion: pkg.version,
				tasksName: this.fileName,
				contentHash: await agentTasksHash(tasks),
				tasks,
				run,
				priceTable: $state.snapshot(priceTable.current()) as PriceTable,
				system: {
					label: `${model.modelId} agent`,
					modelId: model.modelId,
					provider: model.provider,
					tools: tools.map((t) => t.definition),
					approval: { policy: 'deny', allow: [] },
					limits
				},
				judge: null
			});
		} catch (error) {
			this.error = error instanceof AssayError ? `${error.code}: ${error.message}` : describe(error);
		} finally {
			this.running = false;
			this.abort = null;
		}
	}

	/** Stop after the task that is running (it ends `cancelled`); the report marks the rest not run. */
	stop(): void {
		this.abort?.abort();
	}

	/** The report as the JSON file `assay eval` writes (`report.json`). */
	reportJson(): string {
		return JSON.stringify(this.report, null, 2) + '\n';
	}
}
