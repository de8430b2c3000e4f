import { runAgent } from '../../agents/loop.ts';
import type { AgentLimits, AgentRun, ApprovalPort, Tool } from '../../agents/types.ts';
import type { SchemaValidator } from '../../generation/structured.ts';
import type { ChatModel } from '../../generation/types.ts';
import { AssayError, toErrorData, type AssayErrorData } from '../../shared/errors.ts';
import { RUBRIC_PROMPTS } from '../answers/grade.ts';
import { judgeRubric } from '../judge/runner.ts';
import { isUnreachable } from '../system/unreachable.ts';
import type { AgentTask } from './format.ts';
import { scoreAgentTask, type AgentJudgeGrade, type AgentTaskScore } from './metrics.ts';

/**
 * The agent eval runner (domain): each task through the agent loop (`agents/loop.ts`
 * `runAgent`), one at a time in file order, then the judge (when configured and the task has a
 * reference answer), then the metrics (`metrics.ts`). Tools come from a {@link ToolProvider}, so
 * the CLI (built-in tools over a dataset, MCP servers) and tests (fakes) plug in the same way.
 */

/**
 * Yields the tools a task's run may use. Called once per task (a fresh set, so tools with state
 * start clean). A throw is that task's error (recorded, not scored); an AssayError for which
 * `isUnreachable` holds stops the run (incomplete).
 */
export type ToolProvider = (task: AgentTask) => Promise<readonly Tool[]> | readonly Tool[];

/** The judge of agent answers: the answers' `correctness` rubric against the task's reference answer. */
export interface AgentJudgeSettings {
	readonly model: ChatModel;
	/** Score (1–5) at or above which the answer passes; default 4. */
	readonly passThreshold?: number;
	readonly temperature?: number;
	readonly seed?: number;
	readonly maxTokens?: number;
}

/** Input of {@link runAgentEval}. */
export interface AgentEvalInput {
	readonly tasks: readonly AgentTask[];
	readonly model: ChatModel;
	readonly tools: ToolProvider;
	/** The approval port of each run (a headless policy: deny by default). Called per task. */
	readonly approval: () => ApprovalPort;
	readonly validator: SchemaValidator;
	/** Loop limits; a task's `maxSteps` overrides `maxSteps`. */
	readonly limits?: Partial<AgentLimits>;
	readonly systemPrompt?: string;
	readonly temperature?: number;
	readonly seed?: number;
	readonly judge?: AgentJudgeSettings;
	/** Milliseconds (the loop's clock as well). */
	readonly clock?: () => number;
	readonly signal?: AbortSignal;
	/** After each task: `done` of `total`. */
	readonly onProgress?: (done: number, total: number) => void;
}

/** One task's outcome: its run and score, or the error that kept it from running. */
export interface AgentTaskOutcome {
	readonly task: AgentTask;
	readonly run: AgentRun | null;
	readonly score: AgentTaskScore | null;
	readonly error: AssayErrorData | null;
}

/** What {@link runAgentEval} returns. `incomplete` is set when the model, a tool source or the judge was unreachable: later tasks were not run. */
export interface AgentEvalRun {
	readonly outcomes: readonly AgentTaskOutcome[];
	readonly incomplete: { readonly reason: string; readonly code: string; readonly notRun: number } | null;
	readonly totalMs: number;
}

async function judgeAnswer(task: AgentTask, run: AgentRun, judge: AgentJudgeSettings, validator: SchemaValidator, signal?: AbortSignal) {
	const out = await judgeRubric(
		RUBRIC_PROMPTS.correctness,
		{ question: task.task, answer: run.answer, ...(task.referenceAnswer !== undefined ? { reference: task.referenceAnswer } : {}) },
		{
			model: judge.model,
			temperature: judge.temperature ?? 0,
			seed: judge.seed ?? 42,
			maxTokens: judge.maxTokens ?? 512
		},
		validator,
		signal
	);
	if (!out.result.ok)
		return { ok: false as const, error: { code: out.result.error.code, message: out.result.error.message }, raw: out.result.error };
	const threshold = judge.passThreshold ?? 4;
	return {
		ok: true as const,
		score: out.result.verdict.score,
		pass: out.result.verdict.score >= threshold,
		rationale: out.result.verdict.reason
	};
}

/**
 * Run every task (see the module comment). Never throws for a task's failure: a tool provider
 * error is the task's `error`; a run that ends `model_error` is scored (it has no final answer,
 * so it fails) unless the error means the model is unreachable, which stops the run; so does a
 * call whose MCP server was unreachable (`MCP_UNREACHABLE`: an outage, not the agent's fault — that
 * task is not scored). A judge
 * that cannot be reached stops the run too; other judge errors leave that task's success unscored.
 */
export async function runAgentEval(input: AgentEvalInput): Promise<AgentEvalRun> {
	const clock = input.clock ?? (() => Date.now());
	const started = clock();
	const outcomes: AgentTaskOutcome[] = [];
	let incomplete: AgentEvalRun['incomplete'] = null;
	for (const [i, task] of input.tasks.entries()) {
		if (input.signal?.aborted) {
			incomplete = { reason: 'the run was cancelled', code: 'CANCELLED', notRun: input.tasks.length - i };
			break;
		}
		let tools: readonly Tool[];
		try {
			tools = await input.tools(task);
		} catch (error) {
			const data = toErrorData(error);
			if (isUnreachable(data)) {
				incomplete = { reason: `tools for task "${task.id}": ${data.message}`, code: data.code, notRun: input.tasks.length - i };
				break;
			}
			outcomes.push({ task, run: null, score: null, error: data });
			input.onProgress?.(outcomes.length, input.tasks.length);
			continue;
		}
		const limits = { ...input.limits, ...(task.maxSteps !== undefined ? { maxSteps: task.maxSteps } : {}) };
		const run = await runAgent({
			task: task.task,
			model: input.model,
			tools,
			approval: input.approval(),
			validator: input.validator,
			limits,
			...(input.systemPrompt !== undefined ? { systemPrompt: input.systemPrompt } : {}),
			...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
			...(input.seed !== undefined ? { seed: input.seed } : {}),
			...(input.clock ? { clock: input.clock } : {}),
			...(input.signal ? { signal: input.signal } : {})
		});
		if (run.stopReason === 'model_error' && run.error && isUnreachable(run.error)) {
			incomplete = {
				reason: `the model was unreachable on task "${task.id}": ${run.error.message}`,
				code: run.error.code,
				notRun: input.tasks.length - i
			};
			break;
		}
		const outage = run.steps.flatMap((s) => s.calls).find((c) => c.errorCode === 'MCP_UNREACHABLE');
		if (outage) {
			incomplete = {
				reason: `an MCP server was unreachable on task "${task.id}" (${outage.name}): ${outage.result.content}`,
				code: 'MCP_UNREACHABLE',
				notRun: input.tasks.length - i
			};
			break;
		}
		let judge: AgentJudgeGrade | undefined;
		if (input.judge && task.referenceAnswer !== undefined && run.stopReason === 'final_answer') {
			const grade = await judgeAnswer(task, run, input.judge, input.validator, input.signal);
			if (!grade.ok && isUnreachable(grade.raw)) {
				incomplete = {
					reason: `the judge was unreachable on task "${task.id}": ${grade.error.message}`,
					code: grade.error.code,
					notRun: input.tasks.length - i
				};
				break;
			}
			judge = grade.ok ? grade : { ok: false, error: grade.error };
		}
		try {
			const score = scoreAgentTask(task, run, { validator: input.validator, ...(judge ? { judge } : {}) });
			outcomes.push({ task, run, score, error: null });
		} catch (error) {
			if (!(error instanceof AssayError)) throw error;
			outcomes.push({ task, run, score: null, error: toErrorData(error) });
		}
		input.onProgress?.(outcomes.length, input.tasks.length);
	}
	return { outcomes, incomplete, totalMs: clock() - started };
}
