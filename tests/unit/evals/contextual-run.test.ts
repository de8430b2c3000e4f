import { describe, expect, it } from 'vitest';
import type { Embedder, EmbeddingModelSpec } from '../../../src/lib/embedding/index.ts';
import { runRetrievalMode, type RetrievalRunOptions } from '../../../src/lib/evals/index.ts';
import type { BeirDocument } from '../../../src/lib/evals/datasets/beir.ts';
import { ScriptedChatModel } from '../../../src/lib/generation/scripted.ts';
import { createAnalyzer } from '../../../src/lib/search/index.ts';
import type { Reranker, RerankerSpec } from '../../../src/lib/search/rerank/index.ts';
import { CONTEXTUAL_DEFAULTS } from '../../../src/lib/search/contextual/index.ts';
import { chunkId } from '../../../src/lib/shared/identity.ts';
import { MemoryRewriteCache } from '../../../src/lib/search/rewrite/index.ts';

const corpus: BeirDocument[] = [
	{ id: 'pets-1', title: '', text: 'the puppy barked at the kennel' },
	{ id: 'pets-2', title: '', text: 'our kitten purrs and sleeps' },
	{ id: 'cook-1', title: 'Bread', text: 'bake in a hot oven' }
];
const CONTEXTS: Record<string, string> = {
	'the puppy barked at the kennel': 'A passage about a dog.',
	'our kitten purrs and sleeps': 'not used',
	'Bread bake in a hot oven': 'A recipe.'
};

/** Replies per chunk text; the kitten's reply is malformed (empty). */
function contextModel() {
	return new ScriptedChatModel('scripted-context', (r) => {
		const chunk = /<chunk untrusted="true">\n([\s\S]*)\n<\/chunk>/.exec(r.messages.at(-1)!.content)![1]!;
		return { tokens: [chunk.startsWith('our kitten') ? '' : (CONTEXTS[chunk] ?? '')] };
	});
}

/** A 3-dim embedder (counts of "dog", "kitten", other words) recording every text it embedded. */
function recordingEmbedder() {
	const passages: string[] = [];
	const embedder: Embedder = {
		embed: async (spec, texts, kind) => {
			if (kind === 'passage') passages.push(...texts);
			const vectors = texts.map((t) => {
				const v = new Float32Array([/dog/.test(t) ? 1 : 0, /kitten/.test(t) ? 1 : 0, 0.1]);
				const n = Math.hypot(...v);
				return v.map((x) => x / n);
			});
			return { vectors, dims: 3, modelId: spec.modelId, dtype: spec.dtype, backend: 'cpu' };
		}
	};
	return { embedder, passages };
}

const embedSpec: EmbeddingModelSpec = {
	modelId: 'fake',
	source: { kind: 'hub' },
	dtype: 'fp32',
	device: 'wasm',
	pooling: 'mean',
	queryPrefix: '',
	passagePrefix: ''
};
const rerankSpec: RerankerSpec = { modelId: 'fake-rerank', source: { kind: 'hub' }, dtype: 'fp32', device: 'wasm', batchSize: 16 };

const base = (mode: RetrievalRunOptions['mode']) => ({
	mode,
	params: { k1: 1.2, b: 0.75 },
	analyzer: createAnalyzer('english'),
	topK: 3,
	depth: 3,
	rrfK: 60,
	rerankPoolFactor: 1
});

describe('runRetrievalMode with contextual chunks', () => {
	it('indexes the context with the chunk for BM25: "dog" finds the puppy document only through its context', async () => {
		const query = [{ id: 'q', text: 'dog' }];
		const plain = await runRetrievalMode(corpus, query, base('lexical'));
		const contextual = { config: CONTEXTUAL_DEFAULTS, model: contextModel() };
		const withContext = await runRetrievalMode(corpus, query, { ...base('lexical'), contextual });
		expect(plain.lists[0]!.hits).toEqual([]);
		expect(withContext.lists[0]!.hits.map((h) => h.id)).toEqual(['pets-1']);
	});

	it('embeds exactly the context, a blank line and the original text, while the reranker scores the original text', async () => {
		const { embedder, passages } = recordingEmbedder();
		const scored: string[] = [];
		const reranker: Reranker = {
			score: async (_s, _q, ps) => (scored.push(...ps), { scores: ps.map(() => 0.5), backend: 'cpu' })
		};
		const result = await runRetrievalMode(corpus, [{ id: 'q', text: 'dog' }], {
			...base('hybrid-rerank'),
			embedder,
			embedSpec,
			reranker,
			rerankSpec,
			contextual: { config: CONTEXTUAL_DEFAULTS, model: contextModel() }
		});
		expect(passages).toEqual([
			'A passage about a dog.\n\nthe puppy barked at the kennel',
			'our kitten purrs and sleeps',
			'A recipe.\n\nBread bake in a hot oven'
		]);
		expect(new Set(scored)).toEqual(new Set(corpus.map((d) => (d.title ? `${d.title} ${d.text}` : d.text))));
		expect(result.contextual).toMatchObject({
			generated: 2,
			cached: 0,
			failures: [{ id: 'pets-2', reason: 'the model returned an empty context' }]
		});
	});

	it('generates nothing on a second run with the same cache', async () => {
		const cache = new MemoryRewriteCache();
		const run = (model: ScriptedChatModel) =>
			runRetrievalMode(corpus, [{ id: 'q', text: 'dog' }], {
				...base('lexical'),
				contextual: { config: CONTEXTUAL_DEFAULTS, model, cache }
			});
		const first = await run(contextModel());
		const model = contextModel();
		const second = await run(model);
		expect(second.contextual).toMatchObject({ generated: 0, cached: 2, calls: 1 });
		expect(model.requests).toHaveLength(1);
		expect(second.lists).toEqual(first.lists);
	});

	it('contextualises each chunk of a chunked corpus with its document as the excerpt', async () => {
		const model = contextModel();
		const result = await runRetrievalMode(corpus, [{ id: 'q', text: 'dog' }], {
			...base('lexical'),
			expand: {
				config: { mode: 'neighbours', maxTokens: 512, windowChunks: 1 },
				chunking: { mode: 'recursive', chunkSizeChars: 1000, chunkOverlapChars: 0 }
			},
			contextual: { config: CONTEXTUAL_DEFAULTS, model }
		});
		expect(model.requests.at(-1)!.messages.at(-1)!.content).toContain(
			'<document untrusted="true">\nBread\n\nbake in a hot oven\n</document>'
		);
		expect([...(result.contextual?.contexts.keys() ?? [])]).toEqual([chunkId('pets-1', 0)]);
	});
});
