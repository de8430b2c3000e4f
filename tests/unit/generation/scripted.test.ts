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
});
