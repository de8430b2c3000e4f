import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import { ManualApprovals } from '../../../src/lib/agents/approval.ts';
import { runAgent } from '../../../src/lib/agents/loop.ts';
import type { AgentEvent, Tool, ToolEffect } from '../../../src/lib/agents/types.ts';
import { ScriptedChatModel, type ChatScript } from '../../../src/lib/generation/scripted.ts';
import type { ChatRequest } from '../../../src/lib/generation/types.ts';
import {
	agentCitations,
	applyAgentEvent,
	emptyTrajectory,
	parseEditedArguments,
	titlesFromResults,
	trajectoryUsage
} from '../../../src/lib/app/agent-view.ts';

const validator = new CfworkerSchemaValidator();
const noSleep = async () => {};
const schema = { type: 'object', properties: { q: { type: 'string' } }, required: ['q'], additionalProperties: false };

function tool(name: string, effect: ToolEffect, run: Tool['run']): Tool {
	return {
		definition: { name, description: `${name} tool`, inputSchema: schema, version: 'v1', effect, source: { kind: 'builtin' } },
		run
	};
}

const search = tool('search', 'read-only', async () => ({
	content: '[1] doc-7 — Flat plates',
	structured: { hits: [{ rank: 1, id: 'doc-7', title: 'Flat plates' }] },
	documentRefs: ['doc-7', 'doc-9']
}));
const remove = tool('delete', 'side-effecting', async () => ({ content: 'deleted' }));

/** A model whose turn is chosen by how many tool results it has seen so far. */
const byTurn = (turns: ChatScript[]) =>
	new ScriptedChatModel(
		'scripted-agent',
		(r: ChatRequest) => turns[Math.min(r.messages.filter((m) => m.role === 'tool').length, turns.length - 1)]!,
		noSleep
	);

const usage = { inputTokens: 100, outputTokens: 10 };

describe('the agent trajectory view', () => {
	it('shows each step with its text, its calls with arguments and results, and the tokens of the finished steps', async () => {
		const view = emptyTrajectory();
		const run = await runAgent({
			task: 'lift?',
			model: byTurn([
				{ tokens: ['I will ', 'search. '], toolCalls: [{ id: 'c1', name: 'search', arguments: { q: 'lift' } }], usage },
				{ tokens: [], toolCalls: [{ id: 'c2', name: 'search', arguments: '{"q": 3}' }], usage },
				{ tokens: ['The lift is 2πα (doc-7).'], usage }
			]),
			tools: [search],
			approval: new ManualApprovals(),
			validator,
			onEvent: (e) => applyAgentEvent(view, e)
		});
		expect(run.stopReason).toBe('final_answer');
		expect(view.steps.map((s) => [s.index, s.text, s.finished, s.finishReason])).toEqual([
			[1, 'I will search.', true, 'tool_calls'],
			[2, '', true, 'tool_calls'],
			[3, 'The lift is 2πα (doc-7).', true, 'stop']
		]);
		const [first, second] = [view.steps[0]!.calls[0]!, view.steps[1]!.calls[0]!];
		expect(first).toMatchObject({ id: 'c1', name: 'search', argumentsJson: '{"q":"lift"}', status: 'ok', effect: 'read-only' });
		expect(first.result?.content).toBe('[1] doc-7 — Flat plates');
		expect(second.status).toBe('invalid');
		expect(second.result).toEqual({
			content: 'Invalid arguments for search: /q: Instance type "number" is invalid. Expected "string".',
			isError: true
		});
		expect(trajectoryUsage(view)).toEqual({ inputTokens: 300, outputTokens: 30 });
	});

	it('marks a side-effecting call as waiting for approval, then shows the decision and who made it', async () => {
		const view = emptyTrajectory();
		const seen: string[] = [];
		const approvals = new ManualApprovals('user', () => {
			const waiting = approvals.pending()[0];
			if (!waiting) return;
			seen.push(view.steps[0]!.calls[0]!.status);
			approvals.deny(waiting.request.callId, 'not today');
		});
		await runAgent({
			task: 'delete it',
			model: byTurn([{ tokens: [], toolCalls: [{ id: 'd1', name: 'delete', arguments: { q: 'order-1' } }] }, { tokens: ['ok'] }]),
			tools: [remove],
			approval: approvals,
			validator,
			onEvent: (e) => applyAgentEvent(view, e)
		});
		expect(seen).toEqual(['awaiting_approval']);
		const call = view.steps[0]!.calls[0]!;
		expect(call.status).toBe('denied');
		expect(call.approval).toEqual({ decision: 'deny', by: 'user', note: 'not today' });
		expect(call.result?.content).toBe('The call to delete was denied by user: not today Do not retry it.');
	});

	it('marks a call the step never ran (a repeated call) as not run', () => {
		const view = emptyTrajectory();
		const events: AgentEvent[] = [
			{ type: 'step_started', step: 1 },
			{ type: 'tool_call', step: 1, call: { id: 'a', name: 'search', argumentsJson: '{"q":"x"}' } },
			{
				type: 'step_finished',
				step: { index: 1, text: '', calls: [], usage, finishReason: 'tool_calls', startTimeMs: 0, modelDurationMs: 5 }
			}
		];
		for (const e of events) applyAgentEvent(view, e);
		expect(view.steps[0]!.calls[0]!.status).toBe('not_run');
		expect(view.steps[0]!.modelDurationMs).toBe(5);
	});
});

describe('the agent answer citations', () => {
	it('lists the documents the tools returned, cited ones first, with titles from search hits', () => {
		const view = emptyTrajectory();
		applyAgentEvent(view, { type: 'step_started', step: 1 });
		applyAgentEvent(view, {
			type: 'tool_result',
			step: 1,
			record: {
				id: 'c1',
				name: 'search',
				argumentsJson: '{}',
				status: 'ok',
				result: {
					content: '',
					structured: {
						hits: [
							{ id: 'doc-9', title: 'Wings' },
							{ id: 'doc-7', title: '' }
						]
					}
				},
				startTimeMs: 0,
				durationMs: 1
			}
		});
		const citations = agentCitations({ answer: 'See doc-7.', documentRefs: ['doc-9', 'doc-7'] }, titlesFromResults(view));
		expect(citations).toEqual([
			{ ref: 'doc-7', cited: true },
			{ ref: 'doc-9', title: 'Wings', cited: false }
		]);
	});

	it('marks nothing cited when the run has no answer', () => {
		expect(agentCitations({ answer: '', documentRefs: ['doc-7'] }, new Map())).toEqual([{ ref: 'doc-7', cited: false }]);
	});
});

describe('edited approval arguments', () => {
	it('accepts a JSON object valid against the tool schema', () => {
		expect(parseEditedArguments('{"q": "order-2"}', { inputSchema: schema }, validator)).toEqual({ ok: true, arguments: { q: 'order-2' } });
	});

	it('says what is wrong with text that is not JSON, not an object, or against the schema', () => {
		const bad = (text: string) => parseEditedArguments(text, { inputSchema: schema }, validator);
		expect(bad('{q: 1}')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^not valid JSON: /)] });
		expect(bad('[1]')).toEqual({ ok: false, problems: ['the arguments must be a JSON object ({…})'] });
		expect(bad('{"q": "x", "extra": 1}')).toEqual({
			ok: false,
			problems: ['/: Property "extra" does not match additional properties schema.']
		});
	});
});
