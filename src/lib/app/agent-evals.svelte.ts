import { priceTable } from './price-table.svelte.ts';
import type { PriceTable } from '$lib/cost/index.ts';
import pkg from '../../../package.json';
import { AssayError } from '$lib/shared/errors.ts';
import { newId } from '$lib/shared/ids.ts';
import type { RowError } from '$lib/evals/golden/types.ts';
import { allowListPolicy, denyAllPolicy } from '$lib/agents/approval.ts';
import type { AgentLimits, Tool } from '$lib/agents/types.ts';
import type { ChatModel } from '$lib/generation/index.ts';
import type { SchemaValidator } from '$lib/generation/structured.ts';
import { runGate, type GateResult } from '$lib/evals/gate/index.ts';
import {
	agentGateView,
	agentTasksHash,
	applyAgentReviews,
	buildAgentReport,
	DEFAULT_AGENT_GATE,
	formatAgentJunit,
	parseAgentGateText,
	parseAgentReport,
	parseAgentTasksJsonl,
	runAgentEval,
	type AgentEvalReport,
	type AgentTask,
	type AgentTaskReview
} from '$lib/evals/agents/index.ts';
import { CfworkerSchemaValidator } from '$lib/adapters/json-schema-validator.ts';
import type { AppCore } from './app-core.svelte.ts';
import type { AgentDesk } from './agent.svelte.ts';
import { chatModelFor } from './answer-engine.ts';
import { loadDemoAgentTasks } from './demo.ts';
import { download, MAX_REPORT_BYTES } from './eval-files.ts';
import { describe } from './describe.ts';
import type { JobHandle } from './shell/jobs.svelte.ts';

/**
 * What the agent evaluations need of the page: the Agent page's model, tools and limits (read
 * from its {@link AgentDesk} at the start of each run, so an evaluation runs exactly what the
 * page would run), the judge role's model, the jobs tray, the demo tasks and downloads. One seam,
 * so tests drive {@link AgentEvals} with a scripted model and fake tools.
 */
export interface AgentEvalsHost {
	readonly workspaceId: string | null;
	/** The answering role's model, as the Agent page runs it. @throws AssayError when its settings are not usable. */
	model(): ChatModel;
	/** The judge role's model (grades final answers against the reference with the correctness rubric). @throws AssayError as {@link model}. */
	judgeModel(): ChatModel;
	/** The tools ticked on the page now. */
	tools(): readonly Tool[];
	/** The page's loop limits. */
	limits(): AgentLimits;
	/** An entry in the jobs tray (null in tests). */
	startJob(label: string, total: number, cancel: () => void): JobHandle | null;
	/** The demo workspace's task set. */
	demoTasks(): Promise<{ name: string; text: string }>;
	/** Hand a file to the user (a download in the browser). */
	save(name: string, text: string, type: string): void;
}

/** The app's host: the Agent page's desk for model, tools and limits; the app's profiles, jobs and demo files. */
export function appAgentEvalsHost(app: AppCore, desk: AgentDesk): AgentEvalsHost {
	return {
		get workspaceId() {
			return app.workspaceId;
		},
		model: () => desk.chatModel(),
		judgeModel: () => {
			const kind = app.profiles.engineOf('judge');
			const model = chatModelFor(kind, $state.snapshot(app.profiles.endpointFor('judge')), app.llm.loaded);
			if (kind === 'endpoint') app.profiles.save();
			return model;
		},
		tools: () => desk.selectedTools(),
		limits: () => $state.snapshot(desk.limits),
		startJob: (label, total, cancel) =>
			app.jobs.start({ kind: 'agent-eval', label, route: '/agent/', workspaceId: app.workspaceId, total, cancel }),
		demoTasks: loadDemoAgentTasks,
		save: download
	};
}

/** The last evaluation of a workspace: the report as built (before reviews), the reviews by task id and the tasks never reached. */
export interface AgentEvalResult {
	readonly workspaceId: string;
	readonly report: AgentEvalReport;
	readonly reviews: Readonly<Record<string, AgentTaskReview>>;
	readonly notRun: readonly string[];
}

/** A baseline report loaded to gate against. */
export interface AgentBaseline {
	readonly name: string;
	readonly report: AgentEvalReport;
}

/** Progress of a running evaluation: tasks finished of all, and the task in flight. */
export interface AgentEvalProgress {
	readonly done: number;
	readonly total: number;
	readonly taskId: string | null;
}

/**
 * State and actions of "Evaluate the agent" on the Agent page (Svelte 5 runes): an agent-tasks
 * JSONL file (or the demo set), bad lines listed by number while the good ones load; a run of
 * every task with the page's model, ticked tools and limits (`runAgentEval`), side-effecting calls
 * decided by a batch policy — deny all (the default) or allow the tools the user ticks, never a
 * silent execute; progress and cancel; the report (`assay.agent-eval-report/v1`, the CLI's
 * schema) with per-task metrics and the aggregates; a pass/fail review with a note per task,
 * stored in the report (it overrides task success: `evals/agents/review.ts`); a gate against a
 * loaded baseline report (the CLI's `runGate` over `agentGateView`); the report JSON and the JUnit
 * XML for download. The last evaluation of each workspace is kept in memory for the visit (not in
 * IndexedDB).
 */
export class AgentEvals {
	/** The loaded task file's name, or null. */
	tasksName = $state<string | null>(null);
	tasks = $state.raw<AgentTask[]>([]);
	/** The task file's bad lines (1-based), each with what is wrong. */
	taskErrors = $state.raw<RowError[]>([]);
	/** Side-effecting tools the batch policy approves (ticked); none ticked = deny every side-effecting call. */
	allow = $state<Record<string, boolean>>({});
	/** Grade each final answer against its reference with the judge role's model (correctness rubric). */
	useJudge = $state(false);
	/** Score (1–5) at or above which the judge passes an answer. */
	passThreshold = $state(4);
	progress = $state.raw<AgentEvalProgress | null>(null);
	error = $state<string | null>(null);
	notice = $state<string | null>(null);
	/** The last evaluation per workspace id. */
	private results = $state.raw<Record<string, AgentEvalResult>>({});
	baseline = $state.raw<AgentBaseline | null>(null);
	/** Gate rules as JSON text (`assay gate --config` format, agent metrics only). */
	gateText = $state(JSON.stringify(DEFAULT_AGENT_GATE, null, 2));
	gate = $state.raw<GateResult | null>(null);
	gateError = $state<string | null>(null);

	/** This workspace's last evaluation. */
	readonly result = $derived<AgentEvalResult | null>(this.resultOf(this.currentWorkspaceId()));
	/** Its report with the reviews applied: what the page shows and exports. */
	readonly report = $derived<AgentEvalReport | null>(this.result ? applyAgentReviews(this.result.report, this.result.reviews) : null);
	readonly running = $derived(this.progress !== null);

	private abort: AbortController | null = null;

	constructor(
		private readonly host: AgentEvalsHost,
		readonly validator: SchemaValidator = new CfworkerSchemaValidator(),
		/** The time reviews and reports are stamped with (ISO 8601). */
		private readonly now: () => string = isoNow
	) {}

	private currentWorkspaceId(): string | null {
		return this.host.workspaceId;
	}

	private resultOf(workspaceId: string | null): AgentEvalResult | null {
		return workspaceId ? (this.results[workspaceId] ?? null) : null;
	}

	/** The side-effecting tools among the page's ticked tools (the ones the batch policy decides). */
	sideEffectingTools(): Tool[] {
		return this.host.tools().filter((t) => t.definition.effect === 'side-effecting');
	}

	/** The names the policy approves: ticked and still offered. */
	allowedNames(): string[] {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, not state
		const offered = new Set(this.sideEffectingTools().map((t) => t.definition.name));
		return Object.keys(this.allow).filter((n) => this.allow[n] && offered.has(n));
	}

	setAllowed(name: string, on: boolean): void {
		if (on) this.allow[name] = true;
		else delete this.allow[name];
	}

	/** Load agent tasks from JSONL text: every good line loads, bad lines are listed (line number, what is wrong). */
	loadText(name: string, text: string): void {
		const parsed = parseAgentTasksJsonl(text);
		this.tasksName = name;
		this.tasks = parsed.tasks;
		this.taskErrors = parsed.errors;
		this.notice = `Loaded ${parsed.tasks.length} task${parsed.tasks.length === 1 ? '' : 's'} from ${name}${
			parsed.errors.length > 0 ? `; ${parsed.errors.length} line${parsed.errors.length === 1 ? '' : 's'} skipped (listed below)` : ''
		}.`;
		this.error = parsed.tasks.length === 0 ? `${name} holds no valid task.` : null;
	}

	/** Load an agent-tasks file the user picked. */
	async loadFile(file: File | null): Promise<void> {
		if (!file) return;
		await this.guard(async () => {
			if (file.size > MAX_REPORT_BYTES)
				throw new AssayError('DATASET_INVALID', `${file.name} is larger than the ${MAX_REPORT_BYTES / 1048576} MiB a task file may be.`);
			this.loadText(file.name, await file.text());
		});
	}

	/** Load the demo workspace's tasks (served with the site). */
	async loadDemo(): Promise<void> {
		await this.guard(async () => {
			const demo = await this.host.demoTasks();
			this.loadText(demo.name, demo.text);
		});
	}

	/**
	 * Run every loaded task with the page's model, ticked tools and limits (one after another), under
	 * the batch approval policy; the report replaces this workspace's last one (reviews start empty).
	 */
	async run(): Promise<void> {
		const workspaceId = this.host.workspaceId;
		const tasks = this.tasks;
		if (!workspaceId || tasks.length === 0 || this.running) return;
		await this.guard(async () => {
			const model = this.host.model();
			const judge = this.useJudge ? this.host.judgeModel() : null;
			const tools = [...this.host.tools()];
			const limits = this.host.limits();
			const allow = this.allowedNames();
			const passThreshold = this.passThreshold;
			const abort = new AbortController();
			this.abort = abort;
			const job = this.host.startJob(`Agent evaluation of ${tasks.length} tasks`, tasks.length, () => this.cancel());
			this.progress = { done: 0, total: tasks.length, taskId: tasks[0]?.id ?? null };
			let failure: string | null = null;
			try {
				const run = await runAgentEval({
					tasks,
					model,
					tools: (task) => {
						this.progress = { done: this.progress?.done ?? 0, total: tasks.length, taskId: task.id };
						return tools;
					},
					approval: () => (allow.length > 0 ? allowListPolicy(allow) : denyAllPolicy()),
					validator: this.validator,
					limits,
					temperature: 0,
					...(judge ? { judge: { model: judge, passThreshold } } : {}),
					signal: abort.signal,
					onProgress: (done, total) => {
						this.progress = { done, total, taskId: null };
						job?.progress(done, total);
					}
				});
				const createdAt = this.now();
				const report = buildAgentReport({
					id: newId('agent-eval'),
					createdAt,
					appVersion: pkg.version,
					tasksName: this.tasksName ?? 'tasks.jsonl',
					contentHash: await agentTasksHash(tasks),
					tasks,
					run,
					priceTable: $state.snapshot(priceTable.current()) as PriceTable,
					system: {
						label: `agent ${model.modelId}`,
						modelId: model.modelId,
						provider: model.provider,
						tools: tools.map((t) => t.definition),
						approval: { policy: allow.length > 0 ? 'allow' : 'deny', allow },
						limits
					},
					judge: judge ? { modelId: judge.modelId, passThreshold } : null
				});
				// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, not state
				const reached = new Set(run.outcomes.map((o) => o.task.id));
				this.results = {
					...this.results,
					[workspaceId]: { workspaceId, report, reviews: {}, notRun: tasks.filter((t) => !reached.has(t.id)).map((t) => t.id) }
				};
				this.gate = null;
				this.gateError = null;
				const a = report.aggregate;
				this.notice = run.incomplete
					? `Stopped: ${run.incomplete.reason}; ${report.tasks.evaluated} of ${tasks.length} tasks scored.`
					: `Evaluated ${tasks.length} tasks: ${a.taskSuccess.passed} of ${a.taskSuccess.n} succeeded.`;
			} catch (error) {
				failure = describe(error);
				throw error;
			} finally {
				job?.finish(failure ? 'failed' : abort.signal.aborted ? 'cancelled' : 'done', failure);
				this.progress = null;
				this.abort = null;
			}
		});
	}

	/** Stop the evaluation: the task in flight ends `cancelled`, later tasks are not run (the report is incomplete). */
	cancel(): void {
		this.abort?.abort();
	}

	/** Record a person's verdict on a task (it overrides task success in the report); `null` removes the review. */
	review(taskId: string, verdict: { pass: boolean; notes: string } | null): void {
		const result = this.result;
		if (!result) return;
		const row = result.report.perTask.find((r) => r.id === taskId);
		if (!row || row.error) return;
		const reviews = { ...result.reviews };
		if (verdict) reviews[taskId] = { pass: verdict.pass, notes: verdict.notes.trim(), reviewedAt: this.now() };
		else delete reviews[taskId];
		this.results = { ...this.results, [result.workspaceId]: { ...result, reviews } };
		this.gate = null;
	}

	/** Load a baseline report (`report.json` of `assay eval` or one exported here); a file that is not one is refused with the fields that are wrong. */
	async loadBaseline(file: File | null): Promise<void> {
		if (!file) return;
		await this.guard(async () => {
			if (file.size > MAX_REPORT_BYTES)
				throw new AssayError('DATASET_INVALID', `${file.name} is larger than the ${MAX_REPORT_BYTES / 1048576} MiB a report may be.`);
			let value: unknown;
			try {
				value = JSON.parse(await file.text());
			} catch (cause) {
				throw new AssayError('DATASET_INVALID', `${file.name} is not JSON (${(cause as Error).message}).`, { cause });
			}
			this.baseline = { name: file.name, report: parseAgentReport(value) };
			this.gate = null;
			this.notice = `Baseline ${file.name} loaded (${this.baseline.report.perTask.length} tasks, ${this.baseline.report.system.label}).`;
		});
	}

	/** Use the current report (with its reviews) as the baseline of the next run's gate. */
	useAsBaseline(): void {
		if (!this.report) return;
		this.baseline = { name: `this run (${this.report.id})`, report: this.report };
		this.gate = null;
	}

	/** Gate the current report against the baseline with {@link gateText}'s rules; a problem is shown as the gate error. */
	runGate(): void {
		this.gate = null;
		this.gateError = null;
		const report = this.report;
		const baseline = this.baseline;
		if (!report || !baseline) return;
		try {
			this.gate = runGate(agentGateView(baseline.report), agentGateView(report), parseAgentGateText(this.gateText));
		} catch (error) {
			this.gateError = describe(error);
		}
	}

	/** The report as `assay eval` writes `report.json` (2-space JSON and a newline). */
	reportJson(): string | null {
		return this.report ? `${JSON.stringify(this.report, null, 2)}\n` : null;
	}

	/** The JUnit XML of the report (and of the gate, when it was run on it). */
	junitXml(): string | null {
		const report = this.report;
		const result = this.result;
		if (!report || !result) return null;
		return formatAgentJunit(report, this.gate ? { result: this.gate } : null, result.notRun, report.timings.totalMs);
	}

	/** Download the report JSON. */
	exportReport(): void {
		const json = this.reportJson();
		if (json && this.report) this.host.save(`assay-agent-eval-${safeName(this.report.id)}.json`, json, 'application/json');
	}

	/** Download the JUnit XML. */
	exportJunit(): void {
		const xml = this.junitXml();
		if (xml && this.report) this.host.save(`assay-agent-eval-${safeName(this.report.id)}.junit.xml`, xml, 'application/xml');
	}

	private async guard(fn: () => Promise<void>): Promise<void> {
		this.error = null;
		this.notice = null;
		try {
			await fn();
		} catch (error) {
			this.error = describe(error);
		}
	}
}

/** The time now, ISO 8601. */
function isoNow(): string {
	return new Date(Date.now()).toISOString();
}

const safeName = (s: string) => s.replace(/[^\w.-]+/g, '_');
