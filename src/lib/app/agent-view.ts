import type { ChatUsage } from '$lib/generation/types.ts';
import type { SchemaValidator } from '$lib/generation/structured.ts';
import type { AgentEvent, AgentRun, ApprovalDecision, ToolCallRecord, ToolDefinition, ToolEffect, ToolResult } from '$lib/agents/types.ts';

/**
 * The Agent page's view of a run, built from the loop's {@link AgentEvent}s as they arrive (pure:
 * no svelte, no DOM; the page keeps the view in `$state` and this code mutates it in place, so
 * every change shows at once). Model text and tool results are untrusted: the view holds them as
 * plain strings and the components render them as text.
 */

/**
 * Where one call is:
 * - `requested`: the model made it, nothing decided yet (validation and the run follow at once);
 * - `awaiting_approval`: side-effecting, waiting for a person;
 * - the {@link ToolCallRecord} statuses once it ended (`ok`, `tool_error`, `invalid`, `denied`, `timeout`, `cancelled`);
 * - `not_run`: the step ended without running it (the repeated-call stop, or a cancel before it).
 */
export type CallStatus = 'requested' | 'awaiting_approval' | ToolCallRecord['status'] | 'not_run';

/** One call as the trajectory shows it. */
export interface CallView {
	id: string;
	name: string;
	/** The raw JSON the model wrote (may be malformed). */
	argumentsJson: string;
	status: CallStatus;
	effect?: ToolEffect;
	/** The arguments that ran (after an edit, the edited ones). */
	arguments?: Readonly<Record<string, unknown>>;
	approval?: ApprovalDecision;
	result?: ToolResult;
	durationMs?: number;
}

/** One model turn as the trajectory shows it. */
export interface StepView {
	/** 1-based. */
	index: number;
	/** What the model wrote this turn (streamed; its reasoning, or the final answer). */
	text: string;
	calls: CallView[];
	/** False while the turn or its calls are still running. */
	finished: boolean;
	usage?: ChatUsage;
	finishReason?: string;
	/** Model time of the turn, ms. */
	modelDurationMs?: number;
}

/** The live trajectory of one run. */
export interface TrajectoryView {
	steps: StepView[];
}

export function emptyTrajectory(): TrajectoryView {
	return { steps: [] };
}

function stepOf(view: TrajectoryView, index: number): StepView {
	let step = view.steps.find((s) => s.index === index);
	if (!step) {
		step = { index, text: '', calls: [], finished: false };
		view.steps.push(step);
	}
	return step;
}

function callOf(step: StepView, id: string, name: string, argumentsJson: string): CallView {
	let call = step.calls.find((c) => c.id === id);
	if (!call) {
		call = { id, name, argumentsJson, status: 'requested' };
		step.calls.push(call);
	}
	return call;
}

function applyRecord(call: CallView, record: ToolCallRecord): void {
	call.status = record.status;
	call.result = record.result;
	call.durationMs = record.durationMs;
	if (record.effect) call.effect = record.effect;
	if (record.arguments) call.arguments = record.arguments;
	if (record.approval) call.approval = record.approval;
}

/**
 * Fold one event into `view` (in place). Events arrive in the loop's order: `step_started`, its
 * `text` pieces and `tool_call`s, per call an optional `approval_needed` then its `tool_result`,
 * then `step_finished` — which also marks calls the step never ran (`not_run`).
 */
export function applyAgentEvent(view: TrajectoryView, event: AgentEvent): void {
	switch (event.type) {
		case 'step_started':
			stepOf(view, event.step);
			return;
		case 'text':
			stepOf(view, event.step).text += event.text;
			return;
		case 'tool_call':
			callOf(stepOf(view, event.step), event.call.id, event.call.name, event.call.argumentsJson);
			return;
		case 'approval_needed': {
			const { request } = event;
			const call = callOf(stepOf(view, event.step), request.callId, request.tool.name, JSON.stringify(request.arguments));
			call.status = 'awaiting_approval';
			call.effect = request.tool.effect;
			call.arguments = request.arguments;
			return;
		}
		case 'tool_result': {
			const { record } = event;
			applyRecord(callOf(stepOf(view, event.step), record.id, record.name, record.argumentsJson), record);
			return;
		}
		case 'step_finished': {
			const { step } = event;
			const view_ = stepOf(view, step.index);
			// The loop trims the turn's text; the streamed pieces may carry surrounding whitespace.
			view_.text = step.text;
			view_.usage = step.usage;
			view_.finishReason = step.finishReason;
			view_.modelDurationMs = step.modelDurationMs;
			view_.finished = true;
			for (const record of step.calls) applyRecord(callOf(view_, record.id, record.name, record.argumentsJson), record);
			for (const call of view_.calls) if (call.status === 'requested' || call.status === 'awaiting_approval') call.status = 'not_run';
			return;
		}
	}
}

/** Input and output tokens over the finished steps so far. */
export function trajectoryUsage(view: TrajectoryView): { inputTokens: number; outputTokens: number } {
	let inputTokens = 0;
	let outputTokens = 0;
	for (const s of view.steps) {
		inputTokens += s.usage?.inputTokens ?? 0;
		outputTokens += s.usage?.outputTokens ?? 0;
	}
	return { inputTokens, outputTokens };
}

/** One document the run's tools returned, as the answer's citation list shows it. */
export interface CitationView {
	/** The document reference (BEIR `_id` or relative path). */
	ref: string;
	/** Its title when a tool result named one (search hits' `title`). */
	title?: string;
	/** The answer text mentions the reference. */
	cited: boolean;
}

/** Titles by document reference from structured tool results shaped `{hits: [{id, title}]}` (built-in search); anything else is ignored. */
export function titlesFromResults(view: TrajectoryView): Map<string, string> {
	const titles = new Map<string, string>();
	for (const step of view.steps)
		for (const call of step.calls) {
			const hits = (call.result?.structured as { hits?: unknown } | undefined)?.hits;
			if (!Array.isArray(hits)) continue;
			for (const hit of hits as { id?: unknown; title?: unknown }[])
				if (typeof hit?.id === 'string' && typeof hit.title === 'string' && hit.title !== '' && !titles.has(hit.id))
					titles.set(hit.id, hit.title);
		}
	return titles;
}

/**
 * The run's documents (`run.documentRefs`, first-seen order), each marked cited when the answer
 * mentions its reference verbatim (the system prompt asks the model to cite by id), cited ones first.
 */
export function agentCitations(run: Pick<AgentRun, 'answer' | 'documentRefs'>, titles: ReadonlyMap<string, string>): CitationView[] {
	const all = run.documentRefs.map((ref) => {
		const title = titles.get(ref);
		return { ref, ...(title ? { title } : {}), cited: run.answer !== '' && run.answer.includes(ref) };
	});
	return [...all.filter((c) => c.cited), ...all.filter((c) => !c.cited)];
}

/**
 * Read arguments a person edited in an approval: a JSON object valid against the tool's schema.
 * @returns the object, or the problems in words (not JSON, not an object, or each schema error).
 */
export function parseEditedArguments(
	text: string,
	tool: Pick<ToolDefinition, 'inputSchema'>,
	validator: SchemaValidator
): { ok: true; arguments: Record<string, unknown> } | { ok: false; problems: string[] } {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (e) {
		return { ok: false, problems: [`not valid JSON: ${e instanceof Error ? e.message : String(e)}`] };
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value))
		return { ok: false, problems: ['the arguments must be a JSON object ({…})'] };
	const problems = validator.validate(tool.inputSchema, value);
	return problems.length > 0 ? { ok: false, problems } : { ok: true, arguments: value as Record<string, unknown> };
}

/** Stop reasons in words, for the page. */
export const STOP_REASON_TEXT: Readonly<Record<AgentRun['stopReason'], string>> = {
	final_answer: 'Final answer',
	max_steps: 'Step limit reached',
	token_budget: 'Token budget spent',
	time_budget: 'Time budget spent',
	repeated_call: 'Repeated call',
	step_length: 'A step hit its token limit',
	cancelled: 'Stopped',
	model_error: 'Model error'
};
