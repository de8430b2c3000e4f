import { describe, expect, it } from 'vitest';
import { BasicTracer } from '../../../../src/lib/tracing/tracer.ts';
import { ScriptedChatModel } from '../../../../src/lib/generation/index.ts';
import { runAnswerCases } from '../../../../src/lib/evals/answers/run.ts';
import type { AnswerRecord } from '../../../../src/lib/evals/answers/types.ts';
import { AnswerCache, MemoryAnswerCacheStore, answerCacheHook } from '../../../../src/lib/cache/answer-cache.ts';
import { cases, hits, makeRun, tickingClock, words } from './fixtures.ts';

describe('answer runs and the answer cache', () => {
	it('bypass the cache unless the run passes it: a cached case is sent to the engine again without it, served from it with it', async () => {
		const model = new ScriptedChatModel(
			'tiny-1b',
			{ tokens: ['Yes', ' [1].'], usage: { inputTokens: 40, outputTokens: 2 } },
			async () => {}
		);
		const cache = new AnswerCache({ store: new MemoryAnswerCacheStore(), settings: { mode: 'exact', similarityThreshold: 0.95 } });
		const hook = () => answerCacheHook(cache, { workspaceId: 'w1', corpusHash: 'c' });
		const run = (answerCache?: ReturnType<typeof hook>) => {
			const stored: AnswerRecord[] = [];
			return runAnswerCases({
				run: makeRun(),
				cases: cases.slice(0, 1),
				model,
				retrieve: async () => hits,
				tokenizer: words,
				tracer: new BasicTracer([], () => 0),
				clock: tickingClock(),
				onAnswer: async (r) => void stored.push(r),
				...(answerCache ? { answerCache } : {})
			}).then(() => stored);
		};
		// A run that asks for the cache fills it (one request) …
		await run(hook());
		expect(model.requests).toHaveLength(1);
		// … a run that does not ask sends the request again although the answer is cached …
		const plain = await run();
		expect(model.requests).toHaveLength(2);
		expect(plain[0]?.text).toBe('Yes [1].');
		expect(cache.stats().lookups).toBe(1);
		// … and one that asks is served from the cache.
		const cached = await run(hook());
		expect(model.requests).toHaveLength(2);
		expect(cached[0]).toMatchObject({ text: 'Yes [1].', finishReason: 'stop' });
		expect(cache.stats()).toMatchObject({ lookups: 2, hits: 1 });
	});
});
