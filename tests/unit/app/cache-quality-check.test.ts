import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CacheQualityCheck, type CacheCheckPorts } from '../../../src/lib/app/cache-quality.svelte.ts';
import { parseCachePairs } from '../../../src/lib/cache/cache-quality.ts';
import type { QuestionEmbedding } from '../../../src/lib/cache/answer-cache.ts';
import { ScriptedChatModel } from '../../../src/lib/generation/scripted.ts';
import type { ChatRequest } from '../../../src/lib/generation/types.ts';
import { fnv1a32Hex } from '../../../src/lib/shared/hash.ts';

const pairsText = readFileSync(new URL('../../fixtures/cache/negation-pairs.jsonl', import.meta.url), 'utf8');
const references = new Map(
	parseCachePairs(pairsText).flatMap((p) => [
		[p.first.question, p.first.reference] as const,
		[p.second.question, p.second.reference] as const
	])
);

/** Term counts hashed into 4096 dimensions: "not" and word order barely move it (the classic trap). */
async function bagOfWords(question: string): Promise<QuestionEmbedding> {
	const vector = new Array<number>(4096).fill(0);
	for (const term of question.toLowerCase().match(/[a-z0-9]+/g) ?? []) vector[parseInt(fnv1a32Hex(term), 16) % 4096]! += 1;
	return { modelKey: 'bag-of-words', vector };
}

/** A model that answers each question with its reference (so every score drop is the cache's). */
function rightModel() {
	return new ScriptedChatModel(
		'right-1b',
		(r: ChatRequest) => ({ tokens: [references.get(String(r.messages.at(-1)?.content)) ?? ''] }),
		async () => {}
	);
}

function ports(mode: 'off' | 'exact' | 'semantic', similarityThreshold: number, model = rightModel()): CacheCheckPorts {
	return { model: () => model, embed: bagOfWords, settings: { mode, similarityThreshold } };
}

const file = (text: string) => new File([text], 'pairs.jsonl', { type: 'application/jsonl' });

describe('the Ask page cache-quality check', () => {
	it('shows the wrong hits a loose semantic threshold makes on negations and swaps, and its report downloads as JSON', async () => {
		const check = new CacheQualityCheck();
		await check.choose(file(pairsText));
		const model = rightModel();
		await check.run(ports('semantic', 0.85, model), 64);
		expect(check.error).toBeNull();
		expect(check.report).toMatchObject({ questions: 10, hits: 5, wrongHits: 4, wrongHitsByKind: { negation: 2, swap: 2 } });
		expect(check.summary[0]).toBe('semantic cache at threshold 0.85: 5 hits of 10 questions, 4 wrong');
		// Each question is sent alone as one user message: 10 with the cache off, 5 misses with it on.
		expect(model.requests).toHaveLength(15);
		expect(model.requests.every((r) => r.messages.length === 1 && r.temperature === 0 && r.maxTokens === 64)).toBe(true);
		expect(JSON.parse(check.reportJson())).toMatchObject({ wrongHits: 4, mode: 'semantic' });
		expect(check.running).toBe(false);
	});

	it('a strict threshold drops the negation hits but not the swaps (bag-of-words cosine 1); exact mode serves no wrong hit', async () => {
		const check = new CacheQualityCheck();
		await check.choose(file(pairsText));
		await check.run(ports('semantic', 0.999), 64);
		expect(check.report).toMatchObject({ wrongHits: 2, wrongHitsByKind: { swap: 2 } });
		await check.run(ports('exact', 0.999), 64);
		expect(check.report).toMatchObject({ mode: 'exact', hits: 0, wrongHits: 0 });
	});

	it('with the cache off it says to choose a mode, and runs nothing', async () => {
		const check = new CacheQualityCheck();
		await check.choose(file(pairsText));
		const model = rightModel();
		await check.run(ports('off', 0.9, model), 64);
		expect(check.error).toMatch(/exact or exact \+ semantic/);
		expect(model.requests).toHaveLength(0);
		expect(check.report).toBeNull();
	});

	it('a malformed pairs file is shown with its line, and a failing model with its error; neither leaves a report', async () => {
		const check = new CacheQualityCheck();
		await check.choose(file('{"id":"x"}\n'));
		await check.run(ports('exact', 0.9), 64);
		expect(check.error).toMatch(/Line 1/);
		expect(check.report).toBeNull();

		await check.choose(file(pairsText));
		expect(check.error).toBeNull();
		const broken = new ScriptedChatModel(
			'broken',
			{ tokens: [], error: { name: 'AssayError', code: 'LLM_REQUEST_FAILED', message: 'connection refused' } },
			async () => {}
		);
		await check.run(ports('exact', 0.9, broken), 64);
		expect(check.error).toMatch(/connection refused/);
		expect([check.report, check.running]).toEqual([null, false]);
	});
});
