import { describe, expect, it } from 'vitest';
import { GradingPassJudge } from '../../../src/lib/app/answer-cache.ts';
import { CachingChatModel, MemoryResponseCache } from '../../../src/lib/evals/system/cache.ts';
import { ScriptedChatModel, type ChatRequest } from '../../../src/lib/generation/index.ts';

async function text(model: GradingPassJudge, request: ChatRequest): Promise<string> {
	let out = '';
	for await (const e of model.stream(request)) if (e.type === 'token') out += e.text;
	return out;
}

describe('the judge of a grading pass behind the response cache', () => {
	it('replays a cached reply for the first ask, but sends a repeat of the same request (a retry) to the judge itself', async () => {
		let calls = 0;
		const judge = new ScriptedChatModel('judge', () => ({ tokens: [`reply ${++calls}`] }));
		const cache = new MemoryResponseCache();
		const request: ChatRequest = { messages: [{ role: 'user', content: 'grade this' }], temperature: 0, seed: 42, maxTokens: 64 };
		const first = new GradingPassJudge(new CachingChatModel(judge, cache), judge);
		expect(await text(first, request)).toBe('reply 1');
		expect(await text(first, request)).toBe('reply 2');
		expect(first.counts()).toEqual({ hits: 0, requests: 2 });
		// Next pass: the first ask is replayed (the stored first reply), the retry asks again.
		const second = new GradingPassJudge(new CachingChatModel(judge, cache), judge);
		expect(await text(second, request)).toBe('reply 1');
		expect(await text(second, request)).toBe('reply 3');
		expect(second.counts()).toEqual({ hits: 1, requests: 1 });
	});
});
