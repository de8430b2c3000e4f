import { readFileSync } from 'node:fs';
import { CfworkerSchemaValidator } from '../../src/lib/adapters/json-schema-validator.ts';
import { denyAllPolicy } from '../../src/lib/agents/approval.ts';
import { runAgent } from '../../src/lib/agents/loop.ts';
import type { AgentRun, Tool, ToolEffect } from '../../src/lib/agents/types.ts';
import { parseAgentTasksJsonl, type AgentTask } from '../../src/lib/evals/agents/format.ts';
import { ScriptedChatModel, type ChatScript } from '../../src/lib/generation/scripted.ts';
import type { ChatRequest } from '../../src/lib/generation/types.ts';

/**
 * The agent-eval fixture: `tests/fixtures/agents/tasks.jsonl`, a fake workspace tool set and, per
 * task, the scripted model turns that produce the runs recorded in `runs.json` (re-record with
 * `npx tsx tests/fixtures/agents/record-runs.ts`). Every turn reports 100 input and 10 output tokens.
 */

export const TASKS_PATH = new URL('../fixtures/agents/tasks.jsonl', import.meta.url);
export const RUNS_PATH = new URL('../fixtures/agents/runs.json', import.meta.url);

export function fixtureTasks(): AgentTask[] {
	const parsed = parseAgentTasksJsonl(readFileSync(TASKS_PATH, 'utf8'));
	if (parsed.errors.length > 0) throw new Error(`fixture tasks: ${JSON.stringify(parsed.errors)}`);
	return parsed.tasks;
}

/** Recorded runs, by task id. */
export function recordedRuns(): Record<string, AgentRun> {
	return JSON.parse(readFileSync(RUNS_PATH, 'utf8')) as Record<string, AgentRun>;
}

const str = { type: 'string' } as const;
function tool(name: string, effect: ToolEffect, properties: Record<string, unknown>, required: string[], refs: string[] = []): Tool {
	return {
		definition: {
			name,
			description: `${name} (fixture)`,
			inputSchema: { type: 'object', properties, required, additionalProperties: false },
			version: 'fixture-v1',
			effect,
			source: { kind: 'builtin' }
		},
		run: async (args) => ({ content: `${name} result for ${JSON.stringify(args)}`, documentRefs: refs })
	};
}

/** The fixture's tools: three read-only workspace tools and one side-effecting one. */
export function fixtureTools(): Tool[] {
	return [
		tool('search_documents', 'read-only', { query: str, top_k: { type: 'integer', minimum: 1, maximum: 20 } }, ['query'], ['d7']),
		tool('read_chunk', 'read-only', { chunk_id: str }, ['chunk_id'], ['d7']),
		tool('read_document', 'read-only', { document_id: str }, ['document_id'], ['d12']),
		tool('delete_note', 'side-effecting', { note_id: str }, ['note_id'])
	];
}

const usage = { inputTokens: 100, outputTokens: 10 };
const call = (name: string, args: object | string) => ({ name, arguments: args });

/** Each task's model turns, in order (turn n = the request with n assistant messages before it). */
export const FIXTURE_TURNS: Readonly<Record<string, readonly ChatScript[]>> = {
	't1-lift': [
		{ tokens: ['Searching.'], toolCalls: [call('search_documents', { query: 'flat plate lift', top_k: 5 })], usage },
		{ tokens: [], toolCalls: [call('read_chunk', { chunk_id: 'd7#0' })], usage },
		{ tokens: ['The lift coefficient is 2πα [1].'], usage }
	],
	't2-greedy': [
		{
			tokens: [],
			toolCalls: [
				call('search_documents', { query: 'boundary layer', top_k: 10 }),
				call('search_documents', { query: 'boundary layer transition', top_k: 5 })
			],
			usage
		},
		{ tokens: [], toolCalls: [call('read_chunk', { chunk_id: 'd3#2' })], usage },
		{ tokens: ['Transition is covered in d3.'], usage }
	],
	't3-invalid': [
		{ tokens: [], toolCalls: [call('read_document', '{"document_id": 12')], usage },
		{ tokens: [], toolCalls: [call('read_document', { document_id: 'd12' })], usage },
		{ tokens: ['Document d12 is about nozzles.'], usage }
	],
	't4-denied': [
		{ tokens: [], toolCalls: [call('delete_note', { note_id: 'n1' })], usage },
		{ tokens: ['I could not remove the note: the request was refused.'], usage }
	],
	't5-steps': [
		{ tokens: [], toolCalls: [call('search_documents', { query: 'airfoil', top_k: 5 })], usage },
		{ tokens: [], toolCalls: [call('search_documents', { query: 'wing span', top_k: 20 })], usage },
		{ tokens: ['never reached'], usage }
	],
	't6-no-tools': [{ tokens: ['Hello there.'], usage }],
	't7-free': [
		{ tokens: [], toolCalls: [call('search_documents', { query: 'heat transfer' })], usage },
		{ tokens: ['Heat transfer rises with Mach number [1].'], usage }
	],
	't8-extra': [
		{ tokens: [], toolCalls: [call('search_documents', { query: '2 + 2' })], usage },
		{ tokens: ['4'], usage }
	]
};

/** A scripted model playing `turns`: the turn is picked by how many assistant messages the request holds. */
export function turnScriptedModel(turns: readonly ChatScript[], modelId = 'scripted-agent'): ScriptedChatModel {
	return new ScriptedChatModel(
		modelId,
		(r: ChatRequest) => turns[Math.min(r.messages.filter((m) => m.role === 'assistant').length, turns.length - 1)] ?? { tokens: [] },
		async () => {}
	);
}

/** Run one fixture task for real with the loop (deny-all approvals, a clock that stands still, so durations are 0). */
export function runFixtureTask(task: AgentTask, tools: readonly Tool[] = fixtureTools()): Promise<AgentRun> {
	return runAgent({
		task: task.task,
		model: turnScriptedModel(FIXTURE_TURNS[task.id] ?? []),
		tools,
		approval: denyAllPolicy(),
		validator: new CfworkerSchemaValidator(),
		clock: () => 1_000,
		...(task.maxSteps !== undefined ? { limits: { maxSteps: task.maxSteps } } : {})
	});
}

/** Durations written into the recorded runs (the live ones take 0 ms on the still clock), ms. */
export const RECORDED_DURATIONS_MS: Readonly<Record<string, number>> = {
	't1-lift': 1200,
	't2-greedy': 900,
	't3-invalid': 1500,
	't4-denied': 800,
	't5-steps': 2000,
	't6-no-tools': 300,
	't7-free': 700,
	't8-extra': 600
};
