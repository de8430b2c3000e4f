import { z } from '../../shared/zod.ts';
import { canonicalJson, sha256Text } from '../../shared/hash.ts';
import { AssayError } from '../../shared/errors.ts';
import type { AgentLimits, ToolDefinition } from '../../agents/types.ts';
import type { GateableReport } from '../report/compare.ts';
import { DEFAULT_PRICE_TABLE, costFor, totalCost, type CostResult, type PriceTable } from '../../cost/index.ts';
import type { AgentTask } from './format.ts';
import { aggregateAgentScores, metricValues, AGENT_METRICS } from './metrics.ts';
import type { AgentEvalRun } from './runner.ts';

/**
 * The agent eval report (`assay.agent-eval-report/v1`, `schemas/agent-eval-report.v1.schema.json`
 * generated from {@link AgentEvalReportSchema}): what ran (model, tools with versions, approval
 * policy, limits), one row per task (calls, trajectory, metrics, checks, judge, failures or the
 * error) and the aggregates. Gate rules name the per-task metrics ({@link AGENT_METRICS}); the
 * gate takes the mean over tasks (`agentGateView` → `runGate`), so `task-success ≥ 0.8` is a floor
 * on the task success rate. Times in ms; hashes SHA-256 hex.
 */
export const AGENT_EVAL_REPORT_SCHEMA = 'assay.agent-eval-report/v1';

const num = z.number().finite();
const int = z.number().int();
const d = (description: string) => ({ description });

/** How each per-task metric is defined (written into every report). */
export const AGENT_METRIC_DEFINITIONS: Readonly<Record<(typeof AGENT_METRICS)[number], string>> = {
	'task-success': 'stopped with final_answer, every check passed and (with a judge) the judge passed; 1 or 0',
	'tool-precision': 'actual calls paired with an expected call (maximum bipartite matching on name + argument constraints) / actual calls',
	'tool-recall': 'expected calls paired with an actual call / expected calls',
	'argument-correctness': 'actual calls of an expected name whose arguments satisfy one expected call of that name / those calls',
	'trajectory-match': "call names match the expected names in the task's mode (exact, in_order, any_order); 1 or 0"
};

const callSchema = z.object({
	step: int,
	id: z.string(),
	name: z.string(),
	status: z.enum(['ok', 'tool_error', 'invalid', 'denied', 'timeout', 'cancelled']),
	arguments: z.record(z.string(), z.unknown()).optional(),
	argumentsJson: z.string().meta(d('The raw JSON the model wrote.')),
	matchedExpected: int.nullable().meta(d('Index of the expected call this call was paired with, or null.')),
	argumentsCorrect: z.boolean().nullable(),
	approval: z.object({ decision: z.enum(['approve', 'edit', 'deny']), by: z.string(), note: z.string().optional() }).optional(),
	durationMs: num,
	resultPreview: z.string().meta(d('The first 300 characters of the result the model saw (untrusted text).'))
});

const rowSchema = z.object({
	id: z.string(),
	task: z.string(),
	tags: z.array(z.string()),
	metrics: z
		.record(z.string(), num.min(0).max(1))
		.meta(d('The per-task metrics in [0, 1]; a metric that does not apply is absent, never 0.')),
	stopReason: z.string().nullable(),
	stopDetail: z.string().nullable(),
	answer: z.string().nullable(),
	steps: int.nullable(),
	usage: z.object({ inputTokens: int, outputTokens: int }).nullable(),
	costUsd: num
		.nullable()
		.optional()
		.meta(
			d('Tokens × the price of the model, USD (docs/cost.md); null when unpriced (in-browser model, no price) or the task did not run.')
		),
	durationMs: num.nullable(),
	approvalsAsked: int.nullable(),
	calls: z.array(callSchema),
	trajectory: z
		.object({
			mode: z.enum(['exact', 'in_order', 'any_order']),
			actual: z.array(z.string()),
			expected: z.array(z.string()).nullable(),
			exact: z.boolean().nullable(),
			inOrder: z.boolean().nullable(),
			anyOrder: z.boolean().nullable()
		})
		.nullable(),
	checks: z.array(z.object({ id: z.string(), type: z.string(), pass: z.boolean(), reason: z.string() })),
	judge: z
		.union([
			z.object({ ok: z.literal(true), score: num, pass: z.boolean(), rationale: z.string() }),
			z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) })
		])
		.nullable(),
	failures: z.array(z.string()),
	documentRefs: z.array(z.string()),
	error: z
		.object({ code: z.string(), message: z.string() })
		.nullable()
		.meta(d('Set when the task could not run (e.g. its tools failed): not scored.')),
	review: z
		.object({
			pass: z.boolean().meta(d("The person's verdict: it replaces task-success in metrics and in the aggregate.")),
			notes: z.string(),
			reviewedAt: z.string().meta(d('ISO 8601 time of the review.')),
			automaticTaskSuccess: z.boolean().nullable().meta(d('task-success as the run scored it before the review (null: not scored).'))
		})
		.optional()
		.meta(d('A human review of the task (the Agent page), absent when nobody reviewed it (see evals/agents/review.ts).'))
});

const meanSchema = z.object({ mean: num, n: int }).nullable();

/** zod form of the report. */
export const AgentEvalReportSchema = z.object({
	schema: z.literal(AGENT_EVAL_REPORT_SCHEMA),
	id: z.string().min(1),
	createdAt: z.string(),
	app: z.object({ name: z.literal('assay'), version: z.string() }),
	status: z.enum(['complete', 'incomplete']),
	incomplete: z.object({ reason: z.string(), code: z.string(), notRun: int }).nullable(),
	tasks: z.object({ name: z.string(), contentHash: z.string(), count: int, evaluated: int }),
	system: z.object({
		type: z.literal('agent'),
		label: z.string(),
		model: z.object({ id: z.string(), provider: z.string() }),
		tools: z.array(
			z.object({ name: z.string(), version: z.string(), effect: z.enum(['read-only', 'side-effecting']), source: z.string() })
		),
		approval: z.object({ policy: z.enum(['deny', 'allow']), allow: z.array(z.string()) }),
		limits: z.record(z.string(), num)
	}),
	judge: z.object({ modelId: z.string(), rubric: z.literal('correctness'), passThreshold: int }).nullable(),
	definitions: z.record(z.string(), z.string()),
	aggregate: z.object({
		tasks: int,
		scored: int,
		errors: int,
		means: z.record(z.string(), meanSchema),
		taskSuccess: z.object({
			passed: int,
			n: int,
			rate: num.nullable(),
			wilson95: z.object({ low: num, high: num }).nullable().meta(d('95 % Wilson score interval of the success rate.'))
		}),
		meanSteps: num.nullable(),
		meanInputTokens: num.nullable(),
		meanOutputTokens: num.nullable(),
		meanDurationMs: num.nullable(),
		cost: z
			.object({
				currency: z.literal('USD'),
				totalUsd: num
					.nullable()
					.meta(d('Sum over the priced tasks, USD (exact in pico-dollars, then a double); null when none was priced.')),
				pricedTasks: int,
				unpricedTasks: int,
				reasons: z.array(z.string()).meta(d('Why tasks have no cost, e.g. "in-browser model: time only".')),
				priceTableAsOf: z.string().meta(d('asOf date (YYYY-MM-DD) of the price table used.'))
			})
			.optional()
			.meta(d('Cost of the run; absent in reports written before cost was recorded.')),
		approvalsAsked: int,
		stopReasons: z.record(z.string(), int)
	}),
	perTask: z.array(rowSchema),
	timings: z.object({ totalMs: num })
});

export type AgentEvalReport = z.infer<typeof AgentEvalReportSchema>;
export type AgentReportRow = AgentEvalReport['perTask'][number];

/** What the report records about the system (secret-free). */
export interface AgentSystemDescription {
	readonly label: string;
	readonly modelId: string;
	readonly provider: string;
	readonly tools: readonly ToolDefinition[];
	readonly approval: { readonly policy: 'deny' | 'allow'; readonly allow: readonly string[] };
	readonly limits: AgentLimits;
}

/** A content hash of a task set (canonical JSON of the parsed tasks): the gate refuses to compare reports on different task sets. */
export function agentTasksHash(tasks: readonly AgentTask[]): Promise<string> {
	return sha256Text(canonicalJson(tasks));
}

/** Input of {@link buildAgentReport}. */
export interface AgentReportInput {
	readonly id: string;
	readonly createdAt: string;
	readonly appVersion: string;
	readonly tasksName: string;
	/** Hash of the whole task set (see {@link agentTasksHash}). */
	readonly contentHash: string;
	readonly tasks: readonly AgentTask[];
	readonly run: AgentEvalRun;
	readonly system: AgentSystemDescription;
	readonly judge: { readonly modelId: string; readonly passThreshold: number } | null;
	/** Price table for `costUsd` and `aggregate.cost` (docs/cost.md); default the dated `DEFAULT_PRICE_TABLE`. */
	readonly priceTable?: PriceTable;
}

/** Build the report of a finished {@link AgentEvalRun}. */
export function buildAgentReport(input: AgentReportInput): AgentEvalReport {
	const scores = input.run.outcomes.flatMap((o) => (o.score ? [o.score] : []));
	const errors = input.run.outcomes.filter((o) => o.score === null).length;
	const agg = aggregateAgentScores(scores, errors);
	const table = input.priceTable ?? DEFAULT_PRICE_TABLE;
	const model = { provider: input.system.provider, modelId: input.system.modelId };
	const costs: CostResult[] = input.run.outcomes.map((o) =>
		o.run ? costFor(model, o.run.usage, table) : { ok: false, reason: 'no-usage', text: 'the task did not run' }
	);
	const cost = totalCost(costs);
	const perTask = input.run.outcomes.map((o, i): AgentReportRow => {
		const c = costs[i]!;
		const records = new Map((o.run?.steps ?? []).flatMap((s) => s.calls.map((c) => [c.id, c] as const)));
		const s = o.score;
		return {
			id: o.task.id,
			task: o.task.task,
			tags: [...o.task.tags],
			metrics: s ? metricValues(s) : {},
			stopReason: o.run?.stopReason ?? null,
			stopDetail: o.run?.stopDetail ?? null,
			answer: o.run?.answer ?? null,
			steps: o.run ? o.run.steps.length : null,
			usage: o.run ? { ...o.run.usage } : null,
			costUsd: c.ok ? c.usd : null,
			durationMs: o.run?.durationMs ?? null,
			approvalsAsked: o.run?.approvalsAsked ?? null,
			calls: (s?.calls ?? []).map((c) => {
				const r = records.get(c.id);
				return {
					step: c.step,
					id: c.id,
					name: c.name,
					status: c.status,
					...(c.arguments ? { arguments: { ...c.arguments } } : {}),
					argumentsJson: r?.argumentsJson ?? '',
					matchedExpected: c.matchedExpected,
					argumentsCorrect: c.argumentsCorrect,
					...(r?.approval
						? { approval: { decision: r.approval.decision, by: r.approval.by, ...(r.approval.note ? { note: r.approval.note } : {}) } }
						: {}),
					durationMs: r?.durationMs ?? 0,
					resultPreview: (r?.result.content ?? '').slice(0, 300)
				};
			}),
			trajectory: s
				? { ...s.trajectory, actual: [...s.trajectory.actual], expected: s.trajectory.expected ? [...s.trajectory.expected] : null }
				: null,
			checks: (s?.checks ?? []).map((c) => ({ id: c.id, type: c.type, pass: c.pass, reason: c.reason })),
			judge: s?.judge ?? null,
			failures: o.error ? [`error: ${o.error.code}: ${o.error.message}`] : [...(s?.failures ?? [])],
			documentRefs: [...(o.run?.documentRefs ?? [])],
			error: o.error ? { code: o.error.code, message: o.error.message } : null
		};
	});
	return {
		schema: AGENT_EVAL_REPORT_SCHEMA,
		id: input.id,
		createdAt: input.createdAt,
		app: { name: 'assay', version: input.appVersion },
		status: input.run.incomplete ? 'incomplete' : 'complete',
		incomplete: input.run.incomplete,
		tasks: { name: input.tasksName, contentHash: input.contentHash, count: input.tasks.length, evaluated: scores.length },
		system: {
			type: 'agent',
			label: input.system.label,
			model: { id: input.system.modelId, provider: input.system.provider },
			tools: input.system.tools.map((t) => ({
				name: t.name,
				version: t.version,
				effect: t.effect,
				source: t.source.kind === 'mcp' ? `mcp:${t.source.server}` : 'builtin'
			})),
			approval: { policy: input.system.approval.policy, allow: [...input.system.approval.allow] },
			limits: { ...input.system.limits }
		},
		judge: input.judge ? { modelId: input.judge.modelId, rubric: 'correctness', passThreshold: input.judge.passThreshold } : null,
		definitions: { ...AGENT_METRIC_DEFINITIONS },
		aggregate: {
			...agg,
			means: { ...agg.means },
			stopReasons: { ...agg.stopReasons } as Record<string, number>,
			cost: {
				currency: 'USD',
				totalUsd: cost.usd,
				pricedTasks: cost.priced,
				unpricedTasks: cost.unpriced,
				reasons: [...cost.reasons],
				priceTableAsOf: table.asOf
			}
		},
		perTask,
		timings: { totalMs: input.run.totalMs }
	};
}

/**
 * Validate a report read from disk (a baseline).
 * @throws AssayError `DATASET_INVALID` naming the first problems.
 */
export function parseAgentReport(value: unknown): AgentEvalReport {
	const parsed = AgentEvalReportSchema.safeParse(value);
	if (parsed.success) return parsed.data;
	throw new AssayError(
		'DATASET_INVALID',
		`Not an agent eval report (${AGENT_EVAL_REPORT_SCHEMA}) — ${parsed.error.issues
			.slice(0, 5)
			.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
			.join('; ')}`
	);
}

/** The report as the gate reads reports (`gate/index.ts` `runGate`): one query per task, its metrics per task. */
export function agentGateView(report: AgentEvalReport): GateableReport {
	return {
		id: report.id,
		status: report.status,
		dataset: { name: report.tasks.name, contentHash: report.tasks.contentHash },
		retrieval: { label: report.system.label },
		perQuery: report.perTask.map((r) => ({ id: r.id, query: r.task, metrics: r.metrics }))
	};
}
