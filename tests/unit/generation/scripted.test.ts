import { describe, expect, it } from 'vitest';
import { ScriptedChatModel, type ModelStreamEvent } from '../../../src/lib/generation/index.ts';

const noSleep = async () => {};
async function collect(it: AsyncIterable<ModelStreamEvent>): Promise<ModelStreamEvent[]> {
	const out: ModelStreamEvent[] = [];
	for await (const e of it) out.push(e);
	return out;
}
const req = (maxTokens = 10) => ({ messages: [{ role: 'user' as const, content: 'q' }], maxTokens });

describe('ScriptedChatModel', () => {
	it('plays its tokens, then usage, then done with stop', async () => {
		const m = new ScriptedChatModel('demo', { tokens: ['a', 'b'], usage: { inputTokens: 7, outputTokens: 2 } }, noSleep);
		expect(await collect(m.stream(req()))).toEqual([
			{ type: 'token', text: 'a' },
			{ type: 'token', text: 'b' },
			{ type: 'usage', usage: { inputTokens: 7, outputTokens: 2 } },
			{ type: 'done', finishReason: 'stop' }
		]);
	});

	it('stops at maxTokens with finish reason length', async () => {
		const m = new ScriptedChatModel('demo', { tokens: ['a', 'b', 'c'] }, noSleep);
		const events = await collect(m.stream(req(2)));
		expect(events.at(-1)).toEqual({ type: 'done', finishReason: 'length' });
		expect(events.filter((e) => e.type === 'token')).toHaveLength(2);
	});

	it('ends with finish reason abort when the signal aborts mid-stream', async () => {
		const ac = new AbortController();
		const m = new ScriptedChatModel('demo', { tokens: ['a', 'b', 'c'] }, noSleep);
		const events: ModelStreamEvent[] = [];
		for await (const e of m.stream(req(), ac.signal)) {
			events.push(e);
			if (e.type === 'token') ac.abort();
		}
		expect(events).toEqual([
			{ type: 'token', text: 'a' },
			{ type: 'usage', usage: { inputTokens: 0, outputTokens: 1 } },
			{ type: 'done', finishReason: 'abort' }
		]);
	});

	it('waits the configured delays before the first and later tokens', async () => {
		const waits: number[] = [];
		const m = new ScriptedChatModel(
			'demo',
			{ tokens: ['a', 'b', 'c'], firstTokenDelayMs: 50, tokenDelayMs: 5 },
			async (ms) => void waits.push(ms)
		);
		await collect(m.stream(req()));
		expect(waits).toEqual([50, 5, 5]);
	});

	it('makes the scripted tool calls after its text, with ids unique across turns and finish tool_calls', async () => {
		const m = new ScriptedChatModel(
			'agent',
			{
				tokens: ['Looking.'],
				toolCalls: [
					{ name: 'search', arguments: { query: 'x' } },
					{ name: 'read', arguments: '{"id": ' }
				]
			},
			noSleep
		);
		const first = await collect(m.stream(req()));
		expect(first).toEqual([
			{ type: 'token', text: 'Looking.' },
			{ type: 'tool_call', call: { id: 'call_1', name: 'search', argumentsJson: '{"query":"x"}' } },
			{ type: 'tool_call', call: { id: 'call_2', name: 'read', argumentsJson: '{"id": ' } },
			{ type: 'usage', usage: { inputTokens: 0, outputTokens: 1 } },
			{ type: 'done', finishReason: 'tool_calls' }
		]);
		const second = await collect(m.stream(req()));
		expect(second.filter((e) => e.type === 'tool_call').map((e) => (e.type === 'tool_call' ? e.call.id : ''))).toEqual([
			'call_3',
			'call_4'
		]);
	});

	it('makes no tool calls in a turn cut by maxTokens', async () => {
		const m = new ScriptedChatModel('agent', { tokens: ['a', 'b'], toolCalls: [{ name: 'search', arguments: {} }] }, noSleep);
		const events = await collect(m.stream(req(1)));
		expect(events.some((e) => e.type === 'tool_call')).toBe(false);
		expect(events.at(-1)).toEqual({ type: 'done', finishReason: 'length' });
	});
});
