import { describe, expect, it } from 'vitest';
import type { MLCEngineInterface } from '@mlc-ai/web-llm';
import { WebLlmChatModel } from '../../../src/lib/adapters/webllm-chat.ts';
import { hermesStructuralTag } from '../../../src/lib/agents/hermes.ts';
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

describe('WebLlmChatModel with tools (Hermes prompting)', () => {
	const tools = [
		{
			name: 'search_documents',
			description: 'Search.',
			parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] }
		},
		{ name: 'read_chunk', description: 'Read.', parameters: { type: 'object', properties: { chunk_id: { type: 'string' } } } }
	];
	const history = [
		{ role: 'system' as const, content: 'Use tools.' },
		{ role: 'user' as const, content: 'Find flutter papers.' },
		{
			role: 'assistant' as const,
			content: '',
			toolCalls: [{ id: 'call_1', name: 'search_documents', argumentsJson: '{"query":"flutter"}' }]
		},
		{
			role: 'tool' as const,
			toolCallId: 'call_1',
			name: 'search_documents',
			content: '<tool_result name="search_documents" untrusted="true">d7#3</tool_result>'
		}
	];
	const toolReq = { messages: history, maxTokens: 64, tools };
	/** The model's text cut into pieces the way a tokenizer streams it. */
	const pieces = (...texts: string[]) => [...texts.map((t) => chunk(t)), chunk('', 'stop')];

	it('sends no tool role, the tools block, the structural tag and enable_thinking false for a Qwen3 model', async () => {
		const { engine, requests } = fakeEngine(pieces('Done.'));
		await collect(new WebLlmChatModel(engine, 'Qwen3-1.7B-q4f16_1-MLC').stream(toolReq));
		const body = requests[0] as {
			messages: { role: string; content: string }[];
			response_format: unknown;
			extra_body: unknown;
			tools?: unknown;
		};
		expect(body.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
		expect(body.messages[0]!.content).toContain('Use tools.\n\n# Tools');
		expect(body.messages[0]!.content).toContain('"name": "read_chunk"');
		expect(body.messages[2]!.content).toBe('<tool_call>\n{"name": "search_documents", "arguments": {"query":"flutter"}}\n</tool_call>');
		expect(body.messages[3]!.content).toBe(
			'<tool_response>\n<tool_result name="search_documents" untrusted="true">d7#3</tool_result>\n</tool_response>'
		);
		expect(body.response_format).toEqual(hermesStructuralTag(tools, undefined));
		expect(body.extra_body).toEqual({ enable_thinking: false });
		expect(body).not.toHaveProperty('tools');
	});

	it('streams the text before a call, holds the call text back, and yields the calls with finish tool_calls', async () => {
		const usage = {
			prompt_tokens: 90,
			completion_tokens: 30,
			total_tokens: 120,
			extra: { prefill_tokens_per_s: 100, decode_tokens_per_s: 20 }
		};
		const { engine } = fakeEngine([
			chunk('<think>\n\n</think>\n\n'),
			chunk('Reading both'),
			chunk('.\n<tool_'),
			chunk('call>\n{"name": "read_chunk", "arguments": {"chunk_id": "d7#3"}}\n</tool_call>\n<tool_call>'),
			chunk('\n{"name": "read_chunk", "arguments": {"chunk_id": "d9#1"}}\n</tool_call>', 'stop'),
			chunk(null, null, usage)
		]);
		const events = await collect(new WebLlmChatModel(engine, 'Qwen3-1.7B-q4f16_1-MLC').stream(toolReq));
		expect(events).toEqual([
			{ type: 'token', text: 'Reading both' },
			{ type: 'token', text: '.' },
			{ type: 'tool_call', call: { id: 'call_2', name: 'read_chunk', argumentsJson: '{"chunk_id":"d7#3"}' } },
			{ type: 'tool_call', call: { id: 'call_3', name: 'read_chunk', argumentsJson: '{"chunk_id":"d9#1"}' } },
			{ type: 'usage', usage: { inputTokens: 90, outputTokens: 30, prefillTokensPerSecond: 100, decodeTokensPerSecond: 20 } },
			{ type: 'done', finishReason: 'tool_calls' }
		]);
	});

	it('a final answer with tools offered streams as tokens and finishes stop, a "<" that starts no tag is shown at the end', async () => {
		const { engine } = fakeEngine(pieces('Flutter is studied in [1]', ' and 2 <'));
		const events = await collect(new WebLlmChatModel(engine, 'Qwen3-0.6B-q4f16_1-MLC').stream(toolReq));
		expect(events).toEqual([
			{ type: 'token', text: 'Flutter is studied in [1]' },
			{ type: 'token', text: ' and 2' },
			{ type: 'token', text: ' <' },
			{ type: 'done', finishReason: 'stop' }
		]);
	});

	it('a call cut by max_tokens is still yielded raw for the loop to report, and the finish stays length', async () => {
		const { engine } = fakeEngine([chunk('<tool_call>\n{"name": "search_documents", "arguments": {"query": "fl', 'length')]);
		const events = await collect(
			new WebLlmChatModel(engine, 'Qwen3-0.6B-q4f16_1-MLC').stream({ ...toolReq, messages: history.slice(0, 2) })
		);
		expect(events).toEqual([
			{
				type: 'tool_call',
				call: { id: 'call_1', name: 'search_documents', argumentsJson: '{"name": "search_documents", "arguments": {"query": "fl' }
			},
			{ type: 'done', finishReason: 'length' }
		]);
	});

	it('an aborted turn yields no half-written call', async () => {
		const { engine } = fakeEngine([chunk('<tool_call>\n{"name": "read_chunk"'), chunk(', "arguments": {}}\n</tool_call>', 'abort')]);
		const ac = new AbortController();
		ac.abort();
		const events = await collect(new WebLlmChatModel(engine, 'Qwen3-0.6B-q4f16_1-MLC').stream(toolReq, ac.signal));
		expect(events).toEqual([{ type: 'done', finishReason: 'abort' }]);
	});

	it('toolChoice none or a responseFormat sends no structural tag; required forces a call; a non-Qwen3 model gets no enable_thinking', async () => {
		const { engine, requests } = fakeEngine(pieces('ok'));
		const model = new WebLlmChatModel(engine, 'Hermes-2-Pro-Llama-3-8B-q4f16_1-MLC');
		await collect(model.stream({ ...toolReq, toolChoice: 'none' }));
		await collect(model.stream({ ...toolReq, responseFormat: { type: 'json_object', schema: '{"type":"object"}' } }));
		await collect(model.stream({ ...toolReq, toolChoice: 'required' }));
		const bodies = requests as {
			response_format?: { type: string; structural_tag?: { format: { at_least_one: boolean } } };
			extra_body?: unknown;
		}[];
		expect(bodies[0]).not.toHaveProperty('response_format');
		expect(bodies[1]!.response_format).toEqual({ type: 'json_object', schema: '{"type":"object"}' });
		expect(bodies[2]!.response_format?.structural_tag?.format.at_least_one).toBe(true);
		expect(bodies.map((b) => b.extra_body)).toEqual([undefined, undefined, undefined]);
	});

	it('a history with tool results but no tools offered is still sent without a tool role and without a tools block', async () => {
		const { engine, requests } = fakeEngine(pieces('Answer [1].'));
		const events = await collect(new WebLlmChatModel(engine, 'Qwen3-0.6B-q4f16_1-MLC').stream({ messages: history, maxTokens: 64 }));
		const body = requests[0] as { messages: { role: string; content: string }[]; response_format?: unknown };
		expect(body.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
		expect(body.messages[0]!.content).toBe('Use tools.');
		expect(body).not.toHaveProperty('response_format');
		expect(events.at(-1)).toEqual({ type: 'done', finishReason: 'stop' });
	});

	it('a request without tools is unchanged: the text streams as is, <tool_call> included', async () => {
		const { engine, requests } = fakeEngine(pieces('<tool_call>x</tool_call>'));
		const events = await collect(new WebLlmChatModel(engine, 'm').stream({ messages: [{ role: 'user', content: 'q' }], maxTokens: 8 }));
		expect(events[0]).toEqual({ type: 'token', text: '<tool_call>x</tool_call>' });
		expect((requests[0] as { messages: unknown }).messages).toEqual([{ role: 'user', content: 'q' }]);
	});
});
