import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { TransformersReranker } from '../../../src/lib/adapters/transformers-reranker.ts';
import { dot } from '../../../src/lib/search/vector/index.ts';
import { fixtureEmbedSpec, fixtureRerankSpec } from './fixture-models.ts';

const embedder = new TransformersEmbedder();
const reranker = new TransformersReranker();
afterAll(async () => {
	await embedder.dispose();
	await reranker.dispose();
});

const golden = JSON.parse(readFileSync(new URL('../../fixtures/golden-vectors.json', import.meta.url), 'utf8')) as {
	texts: string[];
	models: Record<string, number[][]>;
};

function norm(v: Float32Array): number {
	return Math.sqrt(dot(v, v));
}

describe.each(['static-embed', 'tiny-bert-embed'] as const)('transformers.js embedder on the %s fixture', (modelId) => {
	it('makes one unit-length vector of the model width per text, on the CPU backend in Node', async () => {
		const result = await embedder.embed(
			fixtureEmbedSpec(modelId),
			['the puppy barked at night', 'stock prices fell at the bank'],
			'passage'
		);
		expect(result.dims).toBe(modelId === 'static-embed' ? 48 : 64);
		expect(result.backend).toBe('cpu');
		expect(result.vectors).toHaveLength(2);
		for (const v of result.vectors) expect(norm(v)).toBeCloseTo(1, 5);
	});

	it('reproduces the golden vectors to 1e-5', async () => {
		const result = await embedder.embed(fixtureEmbedSpec(modelId), golden.texts, 'passage');
		for (const [i, v] of result.vectors.entries()) {
			const expected = golden.models[modelId]![i]!;
			for (let d = 0; d < v.length; d++) expect(Math.abs(v[d]! - expected[d]!)).toBeLessThan(1e-5);
		}
	});
});

describe('similarity order on the static-embed fixture', () => {
	it('puts the on-topic sentence above the off-topic ones', async () => {
		const spec = fixtureEmbedSpec('static-embed');
		const [q] = (await embedder.embed(spec, ['my dog barks'], 'query')).vectors;
		const docs = (
			await embedder.embed(
				spec,
				['the puppy barked at night', 'stock prices fell at the bank', 'the recipe needs flour and sugar'],
				'passage'
			)
		).vectors;
		const sims = docs.map((d) => dot(q!, d));
		expect(sims[0]).toBeGreaterThan(0.6);
		expect(sims[0]).toBeGreaterThan(sims[1]! + 0.3);
		expect(sims[0]).toBeGreaterThan(sims[2]! + 0.3);
	});

	it('applies the query prefix only to queries', async () => {
		const spec = { ...fixtureEmbedSpec('static-embed'), queryPrefix: 'stock bank ' };
		const [asQuery] = (await embedder.embed(spec, ['puppy'], 'query')).vectors;
		const [asPassage] = (await embedder.embed(spec, ['puppy'], 'passage')).vectors;
		expect(dot(asQuery!, asPassage!)).toBeLessThan(0.99);
	});
});

describe('transformers.js cross-encoder reranker', () => {
	it('ranks the on-topic passage first with sigmoid scores on the static reranker', async () => {
		const { scores } = await reranker.score(fixtureRerankSpec('static-reranker'), 'my dog barks', [
			'stock prices fell at the bank',
			'the puppy barked at night',
			'the recipe needs flour and sugar'
		]);
		expect(scores).toHaveLength(3);
		expect(scores[1]).toBeGreaterThan(0.9);
		expect(Math.max(scores[0]!, scores[2]!)).toBeLessThan(0.1);
	});

	it('gives the same scores whatever the batch size', async () => {
		const passages = ['the puppy barked at night', 'stock prices fell', 'rain and wind tonight', 'the team won the match', 'my cat sleeps'];
		const a = await reranker.score({ ...fixtureRerankSpec('tiny-bert-reranker'), batchSize: 1 }, 'dog', passages);
		const b = await reranker.score({ ...fixtureRerankSpec('tiny-bert-reranker'), batchSize: 5 }, 'dog', passages);
		for (const [i, s] of a.scores.entries()) {
			expect(s).toBeGreaterThan(0);
			expect(s).toBeLessThan(1);
			expect(s).toBeCloseTo(b.scores[i]!, 5);
		}
	});
});
