import { describe, expect, it } from 'vitest';
import type { MLCEngineInterface } from '@mlc-ai/web-llm';
import { WebLlmChatModel } from '../../../src/lib/adapters/webllm-chat.ts';
import type { ModelStreamEvent } from '../../../src/lib/generation/index.ts';

/** A stand-in for WebLLM's engine: OpenAI-shaped chunks as WebLLM 0.2.86 yields them. */
function fakeEngine(chunks: unknown[] | Error, onInterrupt?: () => void) {
	const requests: unknown[] = [];
	const engine = {
		interruptGenerate: () => onInterrupt?.(),
		chat: {
			completions: {
				create: async (body: unknown) => {
					requests.push(body);
					if (chunks instanceof Error) throw chunks;
					return (async function* () {
						for (const c of chunks) yield c;
					})();
				}
			}
		}
	};
	return { engine: engine as unknown as MLCEngineInterface, requests };
}

const chunk = (content: string | null, finish: string | null = null, usage?: unknown) => ({
	choices: content === null && !finish ? [] : [{ delta: { content }, finish_reason: finish }],
	...(usage ? { usage } : {})
});
const req = {
	messages: [{ role: 'user' as const, content: 'q' }],
	maxTokens: 32,
	responseFormat: { type: 'json_object' as const, schema: '{"type":"object"}' }
};

async function collect(it: AsyncIterable<ModelStreamEvent>): Promise<ModelStreamEvent[]> {
	const out: ModelStreamEvent[] = [];
	for await (const e of it) out.push(e);
	return out;
}

describe('WebLlmChatModel', () => {
	it('maps chunks to tokens, usage with engine speeds from usage.extra, and done', async () => {
		const usage = {
			prompt_tokens: 40,
			completion_tokens: 2,
			total_tokens: 42,
			extra: {
				prefill_tokens_per_s: 512.5,
				decode_tokens_per_s: 31.25,
				e2e_latency_s: 1,
				time_to_first_token_s: 0.1,
				time_per_output_token_s: 0.03
			}
		};
		const { engine, requests } = fakeEngine([chunk('Hi'), chunk(' there', 'stop'), chunk(null, null, usage)]);
		expect(await collect(new WebLlmChatModel(engine, 'm').stream(req))).toEqual([
			{ type: 'token', text: 'Hi' },
			{ type: 'token', text: ' there' },
			{ type: 'usage', usage: { inputTokens: 40, outputTokens: 2, prefillTokensPerSecond: 512.5, decodeTokensPerSecond: 31.25 } },
			{ type: 'done', finishReason: 'stop' }
		]);
		expect(requests[0]).toMatchObject({
			stream: true,
			stream_options: { include_usage: true },
			max_tokens: 32,
			response_format: { type: 'json_object', schema: '{"type":"object"}' }
		});
	});

	it('calls interruptGenerate when the signal aborts and ends with abort', async () => {
		let interrupted = 0;
		const { engine } = fakeEngine([chunk('a'), chunk('b', 'abort')], () => interrupted++);
		const ac = new AbortController();
		const events: ModelStreamEvent[] = [];
		for await (const e of new WebLlmChatModel(engine, 'm').stream(req, ac.signal)) {
			events.push(e);
			if (e.type === 'token' && e.text === 'a') ac.abort();
		}
		expect(interrupted).toBe(1);
		expect(events.at(-1)).toEqual({ type: 'done', finishReason: 'abort' });
	});

	it('turns a WebLLM error string into a typed error event', async () => {
		const { engine } = fakeEngine(new Error('ContextWindowSizeExceededError: Prompt tokens exceed context window size: 5000 > 4096'));
		const events = await collect(new WebLlmChatModel(engine, 'm').stream(req));
		expect(events).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'CONTEXT_WINDOW_EXCEEDED' }) }]);
	});
});
