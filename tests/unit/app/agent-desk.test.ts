import { describe, expect, it } from 'vitest';
import { AgentDesk, type AgentToolSources } from '../../../src/lib/app/agent.svelte.ts';
import type { AppCore } from '../../../src/lib/app/app-core.svelte.ts';
import { McpServers } from '../../../src/lib/app/mcp-servers.svelte.ts';
import { DEFAULT_ENDPOINT } from '../../../src/lib/app/ask-endpoint.ts';
import type { Tool, ToolEffect } from '../../../src/lib/agents/types.ts';
import { ScriptedChatModel, type ChatScript } from '../../../src/lib/generation/scripted.ts';
import type { ChatModel, ChatRequest } from '../../../src/lib/generation/types.ts';

const schema = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false };

function tool(name: string, effect: ToolEffect, ran: string[]): Tool {
	return {
		definition: { name, description: `${name} tool`, inputSchema: schema, version: 'v1', effect, source: { kind: 'builtin' } },
		run: async (args) => {
			ran.push(`${name}:${String(args.id)}`);
			return { content: `${name} ran` };
		}
	};
}

/** A model whose turn is chosen by how many tool results it has seen so far. */
const byTurn = (turns: ChatScript[]) =>
	new ScriptedChatModel(
		'scripted-agent',
		(r: ChatRequest) => turns[Math.min(r.messages.filter((m) => m.role === 'tool').length, turns.length - 1)]!,
		async () => {}
	);

/** The part of the app context the desk uses: the in-browser engine holds `model` (or none). */
function fakeApp(model: ChatModel | null): AppCore {
	return {
		workspaceId: 'ws-1',
		workspaces: [],
		llm: { loaded: model },
		profiles: { engineOf: () => 'webllm', endpointFor: () => ({ ...DEFAULT_ENDPOINT }), save: () => {} },
		api: { recordSpans: async () => {} }
	} as unknown as AppCore;
}

function desk(model: ChatModel | null, tools: Tool[]): AgentDesk {
	const sources: AgentToolSources = { builtin: () => tools, mcp: () => [] };
	return new AgentDesk(fakeApp(model), sources, new McpServers({ storage: null }));
}

/** Wait (bounded, by turns of the event loop) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
	for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 0));
	expect(check()).toBe(true);
}

describe('the Agent page state', () => {
	it('offers only the ticked tools to the model', async () => {
		const ran: string[] = [];
		const model = byTurn([{ tokens: ['done'] }]);
		const d = desk(model, [tool('search', 'read-only', ran), tool('remove', 'side-effecting', ran)]);
		expect(d.tools.map((t) => t.definition.name)).toEqual(['search', 'remove']);
		d.setEnabled('remove', false);
		d.task = 'find it';
		await d.run();
		expect(model.requests[0]!.tools?.map((t) => t.name)).toEqual(['search']);
		expect(d.current?.run?.stopReason).toBe('final_answer');
	});

	it('queues a side-effecting call; edited arguments that break the schema are refused and the call keeps waiting', async () => {
		const ran: string[] = [];
		const model = byTurn([{ tokens: [], toolCalls: [{ name: 'remove', arguments: { id: 'A-1' } }] }, { tokens: ['removed'] }]);
		const d = desk(model, [tool('remove', 'side-effecting', ran)]);
		d.task = 'remove A-1';
		const running = d.run();
		await until(() => d.pending.length === 1);
		const request = d.pending[0]!.request;
		expect(d.current?.trajectory.steps[0]?.calls[0]?.status).toBe('awaiting_approval');
		expect(d.approveEdited(request.callId, '{"id": 7}', request.tool)).toEqual([
			'/id: Instance type "number" is invalid. Expected "string".'
		]);
		expect(d.pending).toHaveLength(1);
		expect(d.approveEdited(request.callId, '{"id": "A-2"}', request.tool)).toEqual([]);
		await running;
		expect(ran).toEqual(['remove:A-2']);
		expect(d.current?.trajectory.steps[0]?.calls[0]).toMatchObject({ status: 'ok', arguments: { id: 'A-2' } });
		expect(d.pending).toEqual([]);
	});

	it('stop while an approval waits ends the run cancelled, the call denied by system:cancelled and never run', async () => {
		const ran: string[] = [];
		const model = byTurn([{ tokens: [], toolCalls: [{ name: 'remove', arguments: { id: 'A-1' } }] }, { tokens: ['removed'] }]);
		const d = desk(model, [tool('remove', 'side-effecting', ran)]);
		d.task = 'remove A-1';
		const running = d.run();
		await until(() => d.pending.length === 1);
		d.stop();
		await running;
		expect(d.current?.run?.stopReason).toBe('cancelled');
		expect(d.current?.trajectory.steps[0]?.calls[0]).toMatchObject({
			status: 'denied',
			approval: { decision: 'deny', by: 'system:cancelled' }
		});
		expect(ran).toEqual([]);
		expect(d.running).toBe(false);
	});

	it('a run without a loaded in-browser model shows why and does not start', async () => {
		const d = desk(null, []);
		d.task = 'anything';
		await d.run();
		expect(d.current?.error).toEqual({
			code: 'MODEL_UNKNOWN',
			message: 'Load an in-browser model first (Download and load). (MODEL_UNKNOWN)'
		});
		expect(d.current?.run).toBeNull();
		expect(d.running).toBe(false);
	});
});
