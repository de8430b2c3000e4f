import { describe, expect, it } from 'vitest';
import { CachingChatModel, judgeCacheKey, judgePromptOf, MemoryResponseCache } from '../../../../src/lib/evals/system/cache.ts';
import { CORRECTNESS_PROMPT, FAITHFULNESS_PROMPT } from '../../../../src/lib/evals/judge/prompts.ts';
import { ScriptedChatModel } from '../../../../src/lib/generation/scripted.ts';
import type { ChatRequest, ModelStreamEvent } from '../../../../src/lib/generation/types.ts';

const noSleep = async () => {};
const request: ChatRequest = {
	messages: [
		{ role: 'system', content: 'judge' },
		{ role: 'user', content: 'Q' }
	],
	maxTokens: 64,
	temperature: 0,
	seed: 42,
	responseFormat: { type: 'json_object', schema: '{}' }
};

async function collect(stream: AsyncIterable<ModelStreamEvent>): Promise<ModelStreamEvent[]> {
	const out: ModelStreamEvent[] = [];
	for await (const e of stream) out.push(e);
	return out;
}

describe('judgeCacheKey', () => {
	it('changes with every field that determines a completion and with nothing else', async () => {
		const id = { modelId: 'm', provider: 'openai-compatible', baseUrl: 'http://x/v1', promptId: 'correctness', promptVersion: 1 };
		const base = await judgeCacheKey(id, request);
		expect(await judgeCacheKey({ ...id }, { ...request, messages: [...request.messages] })).toBe(base);
		const variants = await Promise.all([
			judgeCacheKey({ ...id, modelId: 'm2' }, request),
			judgeCacheKey({ ...id, provider: 'webllm' }, request),
			judgeCacheKey({ ...id, baseUrl: 'http://y/v1' }, request),
			judgeCacheKey({ ...id, promptId: 'faithfulness' }, request),
			judgeCacheKey({ ...id, promptVersion: 2 }, request),
			judgeCacheKey(id, { ...request, messages: [{ role: 'user', content: 'Q2' }] }),
			judgeCacheKey(id, { ...request, temperature: 0.7 }),
			judgeCacheKey(id, { ...request, seed: 43 }),
			judgeCacheKey(id, { ...request, maxTokens: 128 }),
			judgeCacheKey(id, { ...request, responseFormat: { type: 'json_object' } })
		]);
		expect(new Set([base, ...variants]).size).toBe(11);
	});
});

describe('CachingChatModel', () => {
	it('replays a cached completion as the same stream events without calling the model, counting hits and requests', async () => {
		const inner = new ScriptedChatModel('judge-1', { tokens: ['{"score"', ': 5}'], usage: { inputTokens: 9, outputTokens: 2 } }, noSleep);
		const cached = new CachingChatModel(inner, new MemoryResponseCache(), { baseUrl: 'http://x/v1' });
		const first = await collect(cached.stream(request));
		const second = await collect(cached.stream(request));
		expect(second).toEqual(first);
		expect(first).toEqual([
			{ type: 'token', text: '{"score"' },
			{ type: 'token', text: ': 5}' },
			{ type: 'usage', usage: { inputTokens: 9, outputTokens: 2 } },
			{ type: 'done', finishReason: 'stop' }
		]);
		expect(inner.requests).toHaveLength(1);
		expect(cached.counts()).toEqual({ hits: 1, requests: 1 });
		expect([cached.modelId, cached.provider]).toEqual(['judge-1', 'scripted']);
	});

	it('never stores a failed or aborted stream', async () => {
		const failing = new ScriptedChatModel(
			'j',
			{ tokens: ['x'], error: { name: 'AssayError', code: 'LLM_REQUEST_FAILED', message: '503' } },
			noSleep
		);
		const cache = new MemoryResponseCache();
		const model = new CachingChatModel(failing, cache);
		expect((await collect(model.stream(request))).at(-1)).toMatchObject({ type: 'error' });
		await collect(model.stream(request));
		expect(failing.requests).toHaveLength(2);
		const controller = new AbortController();
		controller.abort();
		const aborted = new CachingChatModel(new ScriptedChatModel('j', { tokens: ['a', 'b'] }, noSleep), cache);
		expect((await collect(aborted.stream(request, controller.signal))).at(-1)).toEqual({ type: 'done', finishReason: 'abort' });
		expect(cache.size).toBe(0);
	});

	it('asks the model again when the seed differs (each repeat gets its own verdict)', async () => {
		const inner = new ScriptedChatModel('j', (r) => ({ tokens: [`seed ${r.seed}`] }), noSleep);
		const model = new CachingChatModel(inner, new MemoryResponseCache());
		await collect(model.stream(request));
		const other = await collect(model.stream({ ...request, seed: 43 }));
		expect(other[0]).toEqual({ type: 'token', text: 'seed 43' });
		expect(model.counts()).toEqual({ hits: 0, requests: 2 });
	});
});

describe('judgePromptOf', () => {
	it('names the judge prompt and version a request was rendered from', () => {
		const of = judgePromptOf([CORRECTNESS_PROMPT, FAITHFULNESS_PROMPT]);
		const messages = FAITHFULNESS_PROMPT.render({ question: 'Q?', answer: 'A', context: [{ chunkId: '1', text: 'T' }] });
		expect(of({ messages, maxTokens: 10 })).toEqual({ promptId: 'faithfulness', promptVersion: FAITHFULNESS_PROMPT.version });
		expect(of({ messages: [{ role: 'system', content: 'something else' }], maxTokens: 10 })).toBeUndefined();
	});
});

describe('MemoryResponseCache', () => {
	it('copies values in and out so callers cannot change what is stored', async () => {
		const cache = new MemoryResponseCache();
		const value = { a: [1] };
		await cache.put('k', value);
		value.a.push(2);
		const got = (await cache.get('k')) as { a: number[] };
		got.a.push(3);
		expect(await cache.get('k')).toEqual({ a: [1] });
		expect(await cache.get('missing')).toBeUndefined();
	});
});
