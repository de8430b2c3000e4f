import { describe, expect, it } from 'vitest';
import { chatModelStreamingClient, runServingPoint, syntheticRequests, type StreamEvent } from '../../../../src/lib/bench/serving/index.ts';
import { ScriptedChatModel } from '../../../../src/lib/generation/scripted.ts';
import { VirtualClock } from '../../../support/virtual-clock.ts';

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
	const out: StreamEvent[] = [];
	for await (const e of events) out.push(e);
	return out;
}

describe('the ChatModel streaming client', () => {
	it('sends one user turn limited to the output length and maps tokens to choices and usage to token counts', async () => {
		const model = new ScriptedChatModel('m', { tokens: ['a', ' b', ''], usage: { inputTokens: 12, outputTokens: 3 } });
		const events = await collect(
			chatModelStreamingClient(model, { temperature: 0 }).stream({ prompt: 'x y', promptTokens: 2, outputTokens: 5 })
		);
		expect(model.requests).toEqual([{ messages: [{ role: 'user', content: 'x y' }], maxTokens: 5, temperature: 0 }]);
		expect(events).toEqual([
			{ kind: 'choices', content: 'a' },
			{ kind: 'choices', content: ' b' },
			{ kind: 'choices', content: '' },
			{ kind: 'usage', promptTokens: 12, completionTokens: 3 }
		]);
	});

	it('throws the model’s error, and throws when the stream was aborted', async () => {
		const failing = new ScriptedChatModel('m', { tokens: ['a'], error: { name: 'AssayError', code: 'GPU_DEVICE_LOST', message: 'lost' } });
		await expect(
			collect(chatModelStreamingClient(failing).stream({ prompt: 'p', promptTokens: 1, outputTokens: 4 }))
		).rejects.toMatchObject({
			code: 'GPU_DEVICE_LOST',
			message: 'lost'
		});
		const controller = new AbortController();
		controller.abort();
		const model = new ScriptedChatModel('m', { tokens: ['a', 'b'] });
		await expect(
			collect(chatModelStreamingClient(model, { signal: controller.signal }).stream({ prompt: 'p', promptTokens: 1, outputTokens: 4 }))
		).rejects.toMatchObject({ code: 'LLM_GENERATION_FAILED' });
		expect(model.requests).toHaveLength(0);
	});

	it('lets the runner time a scripted model exactly: TTFT is the first-token delay, TPOT the gap between tokens', async () => {
		const clock = new VirtualClock();
		const model = new ScriptedChatModel(
			'm',
			{ tokens: ['a', 'b', 'c', 'd', 'e'], firstTokenDelayMs: 40, tokenDelayMs: 10, usage: { inputTokens: 9, outputTokens: 5 } },
			(ms) => clock.sleepMs(ms)
		);
		const result = await runServingPoint({
			client: chatModelStreamingClient(model),
			clock,
			requests: syntheticRequests({ numPrompts: 3, promptTokens: 8, outputTokens: 5, seed: 1 }),
			requestRate: Infinity,
			maxConcurrency: 1
		});
		expect(result.metrics.completed).toBe(3);
		expect(result.metrics.ttftMs.p50).toBe(40);
		expect(result.metrics.tpotMs.p50).toBe(10);
		expect(result.metrics.e2eMs.p99).toBe(80);
		expect(result.metrics.durationMs).toBe(240);
		expect(result.metrics.totalInputTokens).toBe(27);
		expect(result.metrics.outputTokensFrom).toEqual({ usage: 3, deltas: 0 });
	});
});
