import type { AgentRun, StopReason, ToolCallRecord } from '../../agents/types.ts';
import type { SchemaValidator } from '../../generation/structured.ts';
import { compileChecks, type CheckResult } from '../checks/index.ts';
import { argumentsSatisfy, type AgentTask, type ExpectedToolCall, type TrajectoryMode } from './format.ts';
import { maximumBipartiteMatching } from './matching.ts';

/**
 * Agent metrics of one task (pure, over a finished {@link AgentRun}). Definitions:
 *
 * Which calls count: every {@link ToolCallRecord} of every step, in order — calls that ran
 * (`ok`, `tool_error`, `timeout`, `cancelled`) and calls that were attempted but refused
 * (`invalid`: bad JSON, unknown tool, schema-invalid arguments or a duplicate within the step; `denied` by the approval
 * port). A call the loop stopped the run on (`repeated_call`) is not recorded by the loop and so
 * not counted. An `invalid` call counts as made but never matches an expected call (it did not
 * run, and its arguments are not known to be valid); a `denied` call matches on the arguments the
 * model proposed (the model chose right; the policy said no); an edited call on the arguments that ran.
 *
 * - `toolPrecision` = matched actual calls / actual calls; `toolRecall` = matched expected
 *   calls / expected calls, where a match pairs one actual call with one expected call of the
 *   same name whose argument constraints all hold, paired by maximum bipartite matching
 *   (`matching.ts`). No expected and no actual calls → 1 and 1; calls made when none were
 *   expected → precision 0, recall 1; no call made when some were expected → precision 0, recall 0.
 *   Both `null` when the task names no `expectedToolCalls`.
 * - `argumentCorrectness` = among actual calls whose name equals some expected call's name,
 *   the share whose arguments satisfy the constraints of at least one expected call of that
 *   name (invalid calls: not satisfied); `null` when there is no such call.
 * - `trajectoryMatch` (the task's mode): `exact` the run's call names equal the expected names
 *   in order; `in_order` the expected names are a subsequence of the run's (other calls may sit
 *   between); `any_order` the expected names as a multiset are contained in the run's. These
 *   map onto LangChain agentevals' trajectory match modes (strict / unordered / subset /
 *   superset, https://docs.langchain.com/oss/python/langchain/test/evals): `exact` is `strict`
 *   on tool names; `any_order` is `superset` (the run may call more); `in_order` is an ordered
 *   `superset`, which agentevals lacks. agentevals' `unordered` (same multiset) and `subset` have
 *   no mode here. Names only: arguments are scored by precision/recall/argument correctness.
 * - `taskSuccess` = the run stopped with `final_answer` AND every check of the task passes AND,
 *   when a judge graded it, the judge passed. `null` when a configured judge failed (an error is
 *   never scored as a fail).
 */

/** One actual call as scored. */
export interface ScoredCall {
	readonly step: number;
	readonly id: string;
	readonly name: string;
	readonly status: ToolCallRecord['status'];
	/** The arguments the call was scored on (see the module comment), absent for invalid calls. */
	readonly arguments?: Readonly<Record<string, unknown>>;
	/** Index into the task's `expectedToolCalls` this call was paired with, or null. */
	readonly matchedExpected: number | null;
	/** Whether it satisfies some expected call of its name; null when no expected call has its name (or no expectation). */
	readonly argumentsCorrect: boolean | null;
}

/** The judge's grade of the final answer against the reference (correctness rubric), as the runner got it. */
export type AgentJudgeGrade =
	| { readonly ok: true; readonly score: number; readonly pass: boolean; readonly rationale: string }
	| { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

/** The scores of one task's run. */
export interface AgentTaskScore {
	readonly taskId: string;
	readonly calls: readonly ScoredCall[];
	readonly trajectory: {
		readonly mode: TrajectoryMode;
		readonly actual: readonly string[];
		/** Null when the task has no expectation. */
		readonly expected: readonly string[] | null;
		readonly exact: boolean | null;
		readonly inOrder: boolean | null;
		readonly anyOrder: boolean | null;
	};
	/** For each expected call, the index into `calls` it was paired with, or -1 (empty without an expectation). */
	readonly expectedMatched: readonly number[];
	readonly toolPrecision: number | null;
	readonly toolRecall: number | null;
	readonly argumentCorrectness: number | null;
	readonly trajectoryMatch: boolean | null;
	readonly checks: readonly CheckResult[];
	readonly judge: AgentJudgeGrade | null;
	readonly taskSuccess: boolean | null;
	/** Why the task failed, one line each (empty when it succeeded). */
	readonly failures: readonly string[];
	readonly stopReason: StopReason;
	readonly stopDetail: string;
	readonly steps: number;
	readonly inputTokens: number;
	readonly outputTokens: number;
	readonly durationMs: number;
	readonly approvalsAsked: number;
}

/** Options of {@link scoreAgentTask}. */
export interface ScoreAgentTaskOptions {
	/** For `json-schema` checks. */
	readonly validator: SchemaValidator;
	/** The judge's grade, when a judge is configured (the runner asks it; the page may leave it out). */
	readonly judge?: AgentJudgeGrade;
}

/** The arguments a call is scored on: what ran (or, denied, what the model proposed); none for invalid calls. */
function scoredArguments(call: ToolCallRecord): Readonly<Record<string, unknown>> | undefined {
	if (call.status === 'invalid') return undefined;
	if (call.arguments) return call.arguments;
	try {
		const v = JSON.parse(call.argumentsJson) as unknown;
		return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

/** Whether `sub` is a subsequence of `seq`. */
function isSubsequence(sub: readonly string[], seq: readonly string[]): boolean {
	let k = 0;
	for (const x of seq) if (k < sub.length && x === sub[k]) k++;
	return k === sub.length;
}

/** Whether multiset `sub` ⊆ multiset `seq`. */
function isSubMultiset(sub: readonly string[], seq: readonly string[]): boolean {
	const counts = new Map<string, number>();
	for (const x of seq) counts.set(x, (counts.get(x) ?? 0) + 1);
	for (const x of sub) {
		const n = counts.get(x) ?? 0;
		if (n === 0) return false;
		counts.set(x, n - 1);
	}
	return true;
}

const matches = (e: ExpectedToolCall, name: string, args: Readonly<Record<string, unknown>> | undefined) =>
	args !== undefined && e.name === name && argumentsSatisfy(e, args);

/**
 * Score one finished run against its task (definitions: the module comment). Pure and
 * synchronous: the page calls it on a run it just showed; the runner adds the judge's grade.
 * @throws AssayError `CONFIG_INVALID` for a task whose checks cannot compile (parse-time checks make this rare).
 */
export function scoreAgentTask(task: AgentTask, run: AgentRun, options: ScoreAgentTaskOptions): AgentTaskScore {
	const records = run.steps.flatMap((s) => s.calls.map((c) => ({ step: s.index, call: c })));
	const args = records.map((r) => scoredArguments(r.call));
	const expected = task.expectedToolCalls;
	const actualNames = records.map((r) => r.call.name);

	let expectedMatched: number[] = [];
	let toolPrecision: number | null = null;
	let toolRecall: number | null = null;
	let argumentCorrectness: number | null = null;
	const matchedOf = new Array<number | null>(records.length).fill(null);
	const correctOf = new Array<boolean | null>(records.length).fill(null);
	let trajectory: AgentTaskScore['trajectory'] = {
		mode: task.trajectory,
		actual: actualNames,
		expected: null,
		exact: null,
		inOrder: null,
		anyOrder: null
	};
	if (expected !== undefined) {
		expectedMatched = maximumBipartiteMatching(expected.length, records.length, (i, j) =>
			matches(expected[i] as ExpectedToolCall, actualNames[j] as string, args[j])
		);
		expectedMatched.forEach((j, i) => {
			if (j !== -1) matchedOf[j] = i;
		});
		const pairs = expectedMatched.filter((j) => j !== -1).length;
		toolPrecision = records.length === 0 ? (expected.length === 0 ? 1 : 0) : pairs / records.length;
		toolRecall = expected.length === 0 ? 1 : pairs / expected.length;
		let named = 0;
		let correct = 0;
		records.forEach((r, j) => {
			const sameName = expected.filter((e) => e.name === r.call.name);
			if (sameName.length === 0) return;
			named++;
			const ok = sameName.some((e) => matches(e, r.call.name, args[j]));
			correctOf[j] = ok;
			if (ok) correct++;
		});
		argumentCorrectness = named === 0 ? null : correct / named;
		const expectedNames = expected.map((e) => e.name);
		trajectory = {
			...trajectory,
			expected: expectedNames,
			exact: expectedNames.length === actualNames.length && expectedNames.every((n, i) => n === actualNames[i]),
			inOrder: isSubsequence(expectedNames, actualNames),
			anyOrder: isSubMultiset(expectedNames, actualNames)
		};
	}
	const trajectoryMatch =
		trajectory.expected === null
			? null
			: task.trajectory === 'exact'
				? trajectory.exact
				: task.trajectory === 'in_order'
					? trajectory.inOrder
					: trajectory.anyOrder;

	const sources = run.documentRefs.map((ref, i) => ({ n: i + 1, chunkId: ref, text: '' }));
	const checks = task.checks.length > 0 ? compileChecks(task.checks, options.validator)({ answer: run.answer, sources }) : [];
	const failures: string[] = [];
	if (run.stopReason !== 'final_answer') failures.push(`no final answer: ${run.stopReason} (${run.stopDetail})`);
	for (const c of checks) if (!c.pass) failures.push(`check ${c.id} failed: ${c.reason}`);
	const judge = options.judge ?? null;
	if (judge?.ok && !judge.pass) failures.push(`judge scored ${judge.score} (below the pass threshold): ${judge.rationale}`);
	const taskSuccess = judge && !judge.ok ? null : failures.length === 0;
	if (judge && !judge.ok) failures.push(`judge failed: ${judge.error.code}: ${judge.error.message}`);

	return {
		taskId: task.id,
		calls: records.map((r, j) => {
			const a = args[j];
			return {
				step: r.step,
				id: r.call.id,
				name: r.call.name,
				status: r.call.status,
				...(a !== undefined ? { arguments: a } : {}),
				matchedExpected: matchedOf[j] ?? null,
				argumentsCorrect: correctOf[j] ?? null
			};
		}),
		trajectory,
		expectedMatched,
		toolPrecision,
		toolRecall,
		argumentCorrectness,
		trajectoryMatch,
		checks,
		judge,
		taskSuccess,
		failures,
		stopReason: run.stopReason,
		stopDetail: run.stopDetail,
		steps: run.steps.length,
		inputTokens: run.usage.inputTokens,
		outputTokens: run.usage.outputTokens,
		durationMs: run.durationMs,
		approvalsAsked: run.approvalsAsked
	};
}

/** A Wilson score interval for a proportion (Wilson 1927; z = 1.96 for 95 %). `successes` of `n` trials; n = 0 → null. */
export function wilsonInterval(successes: number, n: number, z = 1.959963984540054): { low: number; high: number } | null {
	if (n === 0) return null;
	const p = successes / n;
	const z2 = z * z;
	const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
	const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
	// At p = 0 or 1 the bound is exactly 0 or 1 (rounding would leave 0.9999999999999999).
	return { low: successes === 0 ? 0 : Math.max(0, centre - half), high: successes === n ? 1 : Math.min(1, centre + half) };
}

/** Aggregates over tasks (errored tasks — no run — are counted apart and left out of every mean). */
export interface AgentAggregates {
	readonly tasks: number;
	readonly scored: number;
	readonly errors: number;
	/** Mean of each [0, 1] metric over the tasks that have it, and how many have it. */
	readonly means: Readonly<Record<AgentMetricName, { readonly mean: number; readonly n: number } | null>>;
	/** Task success: passes of scored tasks, with a 95 % Wilson interval. */
	readonly taskSuccess: {
		readonly passed: number;
		readonly n: number;
		readonly rate: number | null;
		readonly wilson95: { low: number; high: number } | null;
	};
	readonly meanSteps: number | null;
	readonly meanInputTokens: number | null;
	readonly meanOutputTokens: number | null;
	readonly meanDurationMs: number | null;
	readonly approvalsAsked: number;
	/** How many runs ended with each stop reason. */
	readonly stopReasons: Readonly<Partial<Record<StopReason, number>>>;
}

/** The per-task metrics the report's rows carry and the gate reads (all in [0, 1]). */
export const AGENT_METRICS = ['task-success', 'tool-precision', 'tool-recall', 'argument-correctness', 'trajectory-match'] as const;
export type AgentMetricName = (typeof AGENT_METRICS)[number];

/** A score's gateable metrics (booleans as 0/1); a metric that is null is absent (never scored 0). */
export function metricValues(s: AgentTaskScore): Partial<Record<AgentMetricName, number>> {
	const out: Partial<Record<AgentMetricName, number>> = {};
	const put = (k: AgentMetricName, v: number | boolean | null) => {
		if (v !== null) out[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
	};
	put('task-success', s.taskSuccess);
	put('tool-precision', s.toolPrecision);
	put('tool-recall', s.toolRecall);
	put('argument-correctness', s.argumentCorrectness);
	put('trajectory-match', s.trajectoryMatch);
	return out;
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Aggregate task scores (see {@link AgentAggregates}); `errors` = tasks that produced no run. */
export function aggregateAgentScores(scores: readonly AgentTaskScore[], errors = 0): AgentAggregates {
	const values = scores.map(metricValues);
	const means = Object.fromEntries(
		AGENT_METRICS.map((m) => {
			const xs = values.map((v) => v[m]).filter((x): x is number => x !== undefined);
			const mu = mean(xs);
			return [m, mu === null ? null : { mean: mu, n: xs.length }];
		})
	) as Record<AgentMetricName, { mean: number; n: number } | null>;
	const judged = scores.filter((s) => s.taskSuccess !== null);
	const passed = judged.filter((s) => s.taskSuccess === true).length;
	const stopReasons: Partial<Record<StopReason, number>> = {};
	for (const s of scores) stopReasons[s.stopReason] = (stopReasons[s.stopReason] ?? 0) + 1;
	return {
		tasks: scores.length + errors,
		scored: scores.length,
		errors,
		means,
		taskSuccess: {
			passed,
			n: judged.length,
			rate: judged.length ? passed / judged.length : null,
			wilson95: wilsonInterval(passed, judged.length)
		},
		meanSteps: mean(scores.map((s) => s.steps)),
		meanInputTokens: mean(scores.map((s) => s.inputTokens)),
		meanOutputTokens: mean(scores.map((s) => s.outputTokens)),
		meanDurationMs: mean(scores.map((s) => s.durationMs)),
		approvalsAsked: scores.reduce((a, s) => a + s.approvalsAsked, 0),
		stopReasons
	};
}
