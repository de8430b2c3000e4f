import { describe, expect, it } from 'vitest';
import {
	AnswerCache,
	MemoryAnswerCacheStore,
	answerCacheHook,
	answerCacheKeys,
	cosineSimilarity,
	normalizeQuestion,
	type AnswerCacheRequest,
	type CachedAnswer,
	type QuestionEmbedding
} from '../../../src/lib/cache/answer-cache.ts';
import { summarizeCitations } from '../../../src/lib/generation/index.ts';
import { ScriptedChatModel, type Tokenizer } from '../../../src/lib/generation/index.ts';
import { answerQuestion, type AnswerEvent } from '../../../src/lib/rag/index.ts';
import { BasicTracer, InMemorySpanSink } from '../../../src/lib/tracing/tracer.ts';

const spec = { version: 3, role: 'R', inputFormat: 'I', outputFormat: 'O', rules: [], edgeCases: [] };
const request = (question: string, over: Partial<AnswerCacheRequest> = {}): AnswerCacheRequest => ({
	model: { provider: 'openai', modelId: 'small' },
	params: { maxTokens: 64, contextWindowTokens: 2048 },
	prompt: { spec, fewShot: [] },
	sources: [{ chunkId: 'd1#0', text: 'Leave is paid.' }],
	question,
	...over
});
const scope = { workspaceId: 'w1', corpusHash: 'c1' };
const answer = (text: string, inputTokens = 100, outputTokens = 20): CachedAnswer => ({
	text,
	citations: summarizeCitations(text, 1),
	finishReason: 'stop',
	usage: { inputTokens, outputTokens, estimated: false },
	sources: [{ n: 1, chunkId: 'd1#0', documentId: 'd1', title: 'Leave' }]
});
/** Embeddings given per normalised question (unknown questions: an orthogonal axis). */
function embedder(vectors: Record<string, number[]>) {
	const calls: string[] = [];
	const embed = async (q: string): Promise<QuestionEmbedding> => {
		calls.push(q);
		return { modelKey: 'm|fp32|mean|', vector: vectors[normalizeQuestion(q)] ?? [0, 0, 1] };
	};
	return { embed, calls };
}

describe('answer cache keys', () => {
	it('normalises a question by NFKC, case, white space and trailing punctuation', () => {
		expect(normalizeQuestion('  Is leave\u00a0 PAID?? ')).toBe('is leave paid');
		expect(normalizeQuestion('Ｉｓ leave paid？')).toBe('is leave paid');
	});

	it('gives equal keys to questions that normalise equally and one scope key to all questions of one request', async () => {
		const a = await answerCacheKeys(request('Is leave paid?'), 'w1');
		const b = await answerCacheKeys(request('  is LEAVE paid '), 'w1');
		const c = await answerCacheKeys(request('Is leave unpaid?'), 'w1');
		expect(a).toEqual(b);
		expect(a.key).toMatch(/^[0-9a-f]{64}$/);
		expect(c.key).not.toBe(a.key);
		expect(c.scopeKey).toBe(a.scopeKey);
	});

	it('changes the scope key with the model, a parameter, the prompt version, the few-shot examples or a source text', async () => {
		const base = (await answerCacheKeys(request('q'), 'w1')).scopeKey;
		const variants = [
			request('q', { model: { provider: 'openai', modelId: 'large' } }),
			request('q', { params: { maxTokens: 64, contextWindowTokens: 2048, temperature: 0 } }),
			request('q', { prompt: { spec: { ...spec, version: 4 }, fewShot: [] } }),
			request('q', { prompt: { spec, fewShot: [{ question: 'x', answer: 'y' }] } }),
			request('q', { sources: [{ chunkId: 'd1#0', text: 'Leave is unpaid.' }] })
		];
		const keys = await Promise.all(variants.map(async (r) => (await answerCacheKeys(r, 'w1')).scopeKey));
		const otherWorkspace = (await answerCacheKeys(request('q'), 'w2')).scopeKey;
		expect(new Set([base, otherWorkspace, ...keys]).size).toBe(7);
	});

	it('computes cosine similarity exactly and refuses vectors of different lengths', () => {
		expect(cosineSimilarity([1, 0], [1, 1])).toBe(1 / Math.sqrt(2));
		expect(cosineSimilarity([3, 4], [6, 8])).toBe(1);
		expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
		expect(() => cosineSimilarity([1], [1, 2])).toThrow(/1 and 2 dimensions/);
	});
});

describe('answer cache lookups', () => {
	it('serves an exact hit, counts it and the tokens it saved', async () => {
		const cache = new AnswerCache({
			store: new MemoryAnswerCacheStore(),
			settings: { mode: 'exact', similarityThreshold: 0.95 },
			now: () => 5
		});
		const miss = await cache.lookup(scope, request('Is leave paid?'));
		expect(miss.hit).toBeNull();
		await cache.store(scope, request('Is leave paid?'), miss, answer('Yes [1].'));
		const hit = await cache.lookup(scope, request('is leave paid'));
		expect(hit.hit).toMatchObject({ kind: 'exact', similarity: 1, entry: { question: 'Is leave paid?', createdAtMs: 5 } });
		expect(cache.stats()).toEqual({ lookups: 2, hits: 1, exactHits: 1, semanticHits: 0, hitRate: 0.5, tokensSaved: 120 });
	});

	it('serves the most similar question of the same scope at or above the threshold, and nothing below it', async () => {
		const { embed } = embedder({
			'is leave paid': [1, 0, 0],
			'is annual leave paid': [0.96, 0.28, 0], // cos with the first = 0.96
			'is parental leave paid': [0.8, 0.6, 0], // cos 0.8
			'is leave paid in full': [0.97, 0.2431, 0]
		});
		const store = new MemoryAnswerCacheStore();
		const cache = new AnswerCache({ store, settings: { mode: 'semantic', similarityThreshold: 0.95 }, embed, now: () => 1 });
		for (const [q, text] of [
			['Is annual leave paid?', 'Annual: yes [1].'],
			['Is parental leave paid?', 'Parental: yes [1].']
		] as const) {
			const l = await cache.lookup(scope, request(q));
			await cache.store(scope, request(q), l, answer(text));
		}
		const hit = await cache.lookup(scope, request('Is leave paid?'));
		expect(hit.hit?.kind).toBe('semantic');
		expect(hit.hit?.similarity).toBeCloseTo(0.96, 12);
		expect(hit.hit?.entry.answer.text).toBe('Annual: yes [1].');

		const strict = new AnswerCache({ store, settings: { mode: 'semantic', similarityThreshold: 0.97 }, embed });
		expect((await strict.lookup(scope, request('Is leave paid?'))).hit).toBeNull();
		const exactOnly = new AnswerCache({ store, settings: { mode: 'exact', similarityThreshold: 0.5 }, embed });
		expect((await exactOnly.lookup(scope, request('Is leave paid?'))).hit).toBeNull();
		// Another source text = another scope: no semantic hit even for a near-identical question.
		const other = await cache.lookup(scope, request('Is leave paid?', { sources: [{ chunkId: 'd1#0', text: 'Leave is unpaid.' }] }));
		expect(other.hit).toBeNull();
	});

	it('does not serve and prunes entries of another corpus hash, prompt version or model', async () => {
		const store = new MemoryAnswerCacheStore();
		const cache = new AnswerCache({ store, settings: { mode: 'exact', similarityThreshold: 0.95 } });
		const l = await cache.lookup(scope, request('Is leave paid?'));
		await cache.store(scope, request('Is leave paid?'), l, answer('Yes [1].'));
		const l2 = await cache.lookup(scope, request('Is leave paid?', { model: { provider: 'openai', modelId: 'large' } }));
		expect(l2.hit).toBeNull();
		expect(l2.pruned).toBe(1);
		await cache.store(scope, request('Is leave paid?'), l, answer('Yes [1].'));
		const reindexed = await cache.lookup({ workspaceId: 'w1', corpusHash: 'c2' }, request('Is leave paid?'));
		expect(reindexed).toMatchObject({ hit: null, pruned: 1 });
		expect(store.size).toBe(0);
	});

	it('stores only answers that finished with stop, and nothing when off', async () => {
		const store = new MemoryAnswerCacheStore();
		const cache = new AnswerCache({ store, settings: { mode: 'exact', similarityThreshold: 0.95 } });
		const l = await cache.lookup(scope, request('q'));
		expect(await cache.store(scope, request('q'), l, { ...answer('Cut'), finishReason: 'length' })).toBeNull();
		cache.settings = { mode: 'off', similarityThreshold: 0.95 };
		expect(await cache.store(scope, request('q'), l, answer('Yes'))).toBeNull();
		expect((await cache.lookup(scope, request('q'))).hit).toBeNull();
		expect(store.size).toBe(0);
		expect(cache.stats().lookups).toBe(1);
	});

	it('refuses a threshold outside [0, 1]', () => {
		expect(
			() => new AnswerCache({ store: new MemoryAnswerCacheStore(), settings: { mode: 'semantic', similarityThreshold: 1.2 } })
		).toThrow(/\[0, 1\]/);
	});
});

describe('answerQuestion with the answer cache', () => {
	const words: Tokenizer = { exact: true, countTokens: (s) => s.split(/\s+/).filter(Boolean).length };
	const chunks = [{ chunkId: 'd1#0', documentId: 'd1', title: 'Leave', text: 'Leave is paid.' }];

	async function ask(model: ScriptedChatModel, cache: AnswerCache, question: string, options: Parameters<typeof answerCacheHook>[2] = {}) {
		const sink = new InMemorySpanSink();
		const events: AnswerEvent[] = [];
		await answerQuestion({
			model,
			retrieve: async () => chunks,
			tracer: new BasicTracer([sink], () => 0),
			clock: () => 0,
			spec,
			question,
			contextWindowTokens: 400,
			reserveOutputTokens: 50,
			tokenizer: words,
			cache: answerCacheHook(cache, scope, options),
			onEvent: (e) => events.push(e)
		});
		return { events, root: sink.spans.find((s) => s.name === 'rag.answer')!, spans: sink.spans };
	}

	it('answers a repeated question from the cache without a request and records the hit on the trace', async () => {
		const model = new ScriptedChatModel('small', { tokens: ['Yes', ' [1].'], usage: { inputTokens: 90, outputTokens: 3 } }, async () => {});
		const cache = new AnswerCache({ store: new MemoryAnswerCacheStore(), settings: { mode: 'exact', similarityThreshold: 0.95 } });
		const first = await ask(model, cache, 'Is leave paid?');
		expect(first.root.attributes['assay.cache.hit']).toBe(false);
		const second = await ask(model, cache, 'is leave paid');
		expect(model.requests).toHaveLength(1);
		expect(second.events.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop', text: 'Yes [1].', citations: { cited: [1] } });
		expect(second.root.attributes).toMatchObject({ 'assay.cache.hit': true, 'assay.cache.kind': 'exact', 'assay.cache.similarity': 1 });
		expect(second.spans.map((s) => s.name)).toEqual(['rag.answer']);
		expect(cache.stats()).toMatchObject({ hits: 1, tokensSaved: 93 });
	});

	it('Regenerate bypasses the cache, sends the request and replaces the served semantic entry', async () => {
		const { embed } = embedder({ 'is leave paid': [1, 0, 0], 'is our leave paid': [0.99, 0.1411, 0] });
		const model = new ScriptedChatModel('small', { tokens: ['Yes', ' [1].'] }, async () => {});
		const store = new MemoryAnswerCacheStore();
		const cache = new AnswerCache({ store, settings: { mode: 'semantic', similarityThreshold: 0.95 }, embed });
		await ask(model, cache, 'Is leave paid?');
		let served = '';
		const second = await ask(model, cache, 'Is our leave paid?', { onLookup: (l) => (served = l.hit?.entry.key ?? '') });
		expect(second.root.attributes['assay.cache.kind']).toBe('semantic');
		expect(second.root.attributes['assay.cache.similarity']).toBeCloseTo(0.99, 4);
		expect(model.requests).toHaveLength(1);
		const regenerated = await ask(model, cache, 'Is our leave paid?', { bypass: true, replaceKey: served });
		expect(model.requests).toHaveLength(2);
		expect(regenerated.root.attributes['assay.cache.hit']).toBe(false);
		const entries = await store.list('w1');
		expect(entries.map((e) => e.question)).toEqual(['Is our leave paid?']);
	});
});
