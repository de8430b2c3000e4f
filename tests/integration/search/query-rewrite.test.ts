import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { loadBeirDataset } from '../../../src/cli/beir-files.ts';
import { runRetrievalMode, type RetrievalRunOptions } from '../../../src/lib/evals/index.ts';
import type { Embedder } from '../../../src/lib/embedding/index.ts';
import { ScriptedChatModel } from '../../../src/lib/generation/scripted.ts';
import type { ChatRequest } from '../../../src/lib/generation/types.ts';
import { createAnalyzer } from '../../../src/lib/search/index.ts';
import { MemoryRewriteCache, type RewriteConfig } from '../../../src/lib/search/rewrite/index.ts';
import { fixtureEmbedSpec } from '../embedding/fixture-models.ts';

const real = new TransformersEmbedder();
afterAll(() => real.dispose());

/** The fixture embedder, recording every query text it embeds. */
function recordingEmbedder(): Embedder & { queries: string[] } {
	const queries: string[] = [];
	return {
		queries,
		embed: (spec, texts, kind) => {
			if (kind === 'query') queries.push(...texts);
			return real.embed(spec, texts, kind);
		}
	};
}

const topics = loadBeirDataset(fileURLToPath(new URL('../../fixtures/datasets/topics/', import.meta.url)));
const queries = topics.queries.filter((q) => q.id === 'q-dog' || q.id === 'q-cat');

/** The query inside the prompt's `<query untrusted="true">` wrapper. */
const queryOf = (r: ChatRequest) => /<query untrusted="true">\n([\s\S]*)\n<\/query>/.exec(r.messages.at(-1)!.content)![1]!;

const REPLIES: Record<string, Record<string, string>> = {
	'multi-query': {
		dog: '{"queries": ["puppy kennel", "barking pet tail"]}',
		'cat meow': '```json\n{"queries": ["kitten purrs", "whiskers fur"]}\n```'
	},
	hyde: { dog: 'The puppy barked at the kennel.', 'cat meow': 'A kitten purrs and sleeps.' },
	expand: { dog: '{"keywords": ["puppy", "kennel"]}', 'cat meow': '{"keywords": ["kitten", "purrs"]}' }
};

/** A scripted answering model whose reply depends on the prompt's technique and query; 40 in / 12 out tokens a call. */
function model(technique: keyof typeof REPLIES) {
	return new ScriptedChatModel('scripted-rewriter', (r) => ({
		tokens: [REPLIES[technique]![queryOf(r)] ?? 'not json'],
		usage: { inputTokens: 40, outputTokens: 12 }
	}));
}

function options(mode: RetrievalRunOptions['mode'], embedder: Embedder, extra: Partial<RetrievalRunOptions> = {}): RetrievalRunOptions {
	return {
		mode,
		params: { k1: 1.2, b: 0.75 },
		analyzer: createAnalyzer('english'),
		topK: 5,
		depth: 5,
		rrfK: 60,
		rerankPoolFactor: 2,
		embedder,
		embedSpec: fixtureEmbedSpec('static-embed'),
		...extra
	};
}

const config = (technique: RewriteConfig['technique'], count = 2): RewriteConfig => ({ technique, count, maxTokens: 256 });

/** One query's list as `runRetrievalMode` writes it, for `text` alone. */
async function listFor(mode: 'lexical' | 'dense', text: string) {
	const run = await runRetrievalMode(topics.corpus, [{ id: 'x', text }], options(mode, real));
	return run.lists[0]!.hits.map((h) => h.id);
}

describe('query rewriting through runRetrievalMode on the topics fixture', () => {
	it('multi-query fuses the original and rewritten lists of both retrievers exactly as a hand-computed RRF', async () => {
		const run = await runRetrievalMode(
			topics.corpus,
			queries.slice(0, 1),
			options('hybrid', real, { rewrite: { config: config('multi-query'), model: model('multi-query') } })
		);
		const lists: string[][] = [];
		for (const text of ['dog', 'puppy kennel', 'barking pet tail'])
			lists.push(await listFor('lexical', text), await listFor('dense', text));
		const score = new Map<string, number>();
		const best = new Map<string, number>();
		for (const list of lists)
			list.forEach((id, i) => {
				score.set(id, (score.get(id) ?? 0) + 1 / (60 + i + 1));
				best.set(id, Math.min(best.get(id) ?? Infinity, i + 1));
			});
		const expected = [...score.keys()]
			.sort((a, b) => score.get(b)! - score.get(a)! || best.get(a)! - best.get(b)! || (a < b ? -1 : 1))
			.slice(0, 5);
		const hits = run.lists[0]!.hits;
		expect(hits.map((h) => h.id)).toEqual(expected);
		for (const h of hits) expect(h.score).toBeCloseTo(score.get(h.id)!, 12);
		expect(run.rewrite!.plans[0]!.variants.map((v) => v.lexical)).toEqual(['dog', 'puppy kennel', 'barking pet tail']);
	});

	it('HyDE embeds the generated passage instead of the query while BM25 keeps the original query', async () => {
		const embedder = recordingEmbedder();
		const rewrite = { config: config('hyde'), model: model('hyde') };
		const run = await runRetrievalMode(topics.corpus, queries, options('hybrid', embedder, { rewrite }));
		expect(embedder.queries).toEqual(['The puppy barked at the kennel.', 'A kitten purrs and sleeps.']);
		expect(run.rewrite!.plans.map((p) => p.variants[0]!.lexical)).toEqual(['dog', 'cat meow']);
		const lexicalOnly = await runRetrievalMode(topics.corpus, queries, options('lexical', embedder, { rewrite }));
		const plain = await runRetrievalMode(topics.corpus, queries, options('lexical', embedder));
		expect(lexicalOnly.lists).toEqual(plain.lists);
	});

	it('keyword expansion changes only the lexical query: BM25 now finds the puppy document, the embedder still gets "dog"', async () => {
		const embedder = recordingEmbedder();
		const rewrite = { config: config('expand'), model: model('expand') };
		const lexical = await runRetrievalMode(topics.corpus, queries.slice(0, 1), options('lexical', embedder, { rewrite }));
		expect(lexical.rewrite!.plans[0]!.variants[0]!.lexical).toBe('dog puppy kennel');
		expect(lexical.lists[0]!.hits[0]!.id).toBe('pets-1');
		expect(await listFor('lexical', 'dog')).not.toContain('pets-1');
		await runRetrievalMode(topics.corpus, queries.slice(0, 1), options('dense', embedder, { rewrite }));
		expect(embedder.queries).toEqual(['dog']);
	});

	it('a second run with the same cache asks the model nothing and counts zero rewrite tokens', async () => {
		const cache = new MemoryRewriteCache();
		const m = model('multi-query');
		const rewrite = { config: config('multi-query'), model: m, cache };
		const first = await runRetrievalMode(topics.corpus, queries, options('lexical', real, { rewrite }));
		expect(m.requests).toHaveLength(2);
		expect(first.rewrite).toMatchObject({ calls: 2, inputTokens: 80, outputTokens: 24, cached: 0 });
		const second = await runRetrievalMode(topics.corpus, queries, options('lexical', real, { rewrite }));
		expect(m.requests).toHaveLength(2);
		expect(second.rewrite).toMatchObject({ calls: 0, inputTokens: 0, outputTokens: 0, cached: 2 });
		expect(second.lists).toEqual(first.lists);
	});

	it('a malformed reply falls back to the original query, flagged, and the run goes on', async () => {
		const m = new ScriptedChatModel('scripted-rewriter', {
			tokens: ['sure! here are some queries'],
			usage: { inputTokens: 5, outputTokens: 6 }
		});
		const run = await runRetrievalMode(
			topics.corpus,
			queries,
			options('lexical', real, { rewrite: { config: config('multi-query'), model: m } })
		);
		const plain = await runRetrievalMode(topics.corpus, queries, options('lexical', real));
		expect(run.lists).toEqual(plain.lists);
		expect(run.rewrite!.fallbacks).toEqual([
			{ queryId: 'q-dog', reason: 'the reply is not JSON {"queries": [strings]}' },
			{ queryId: 'q-cat', reason: 'the reply is not JSON {"queries": [strings]}' }
		]);
		expect(run.rewrite).toMatchObject({ calls: 2, inputTokens: 10, outputTokens: 12 });
	});
});
