import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { createVoyIndex } from '../../../src/lib/adapters/voy-index.ts';
import { loadVoyInNode } from '../../../src/lib/adapters/voy-node.ts';
import { ExactVectorIndex } from '../../../src/lib/search/vector/index.ts';
import { fixtureEmbedSpec } from '../embedding/fixture-models.ts';

const embedder = new TransformersEmbedder();
afterAll(() => embedder.dispose());

const read = (name: string) =>
	readFileSync(new URL(`../../fixtures/datasets/topics/${name}`, import.meta.url), 'utf8')
		.split('\n')
		.filter((l) => l.trim() !== '')
		.map((l) => JSON.parse(l) as { _id: string; text: string });

describe('Voy against the exact index on fixture-model vectors', () => {
	it('returns the exact top-k as raw neighbour ids, with duplicated texts and after removals', async () => {
		const corpus = read('corpus.jsonl');
		const queries = read('queries.jsonl');
		const spec = fixtureEmbedSpec('static-embed');
		// Each text twice (identical vectors), so duplicates reach Voy's guard.
		const texts = [...corpus, ...corpus.map((d) => ({ _id: `${d._id}-copy`, text: d.text }))];
		const { vectors } = await embedder.embed(
			spec,
			texts.map((d) => d.text),
			'passage'
		);
		const items = texts.map((d, i) => ({ id: d._id, vector: vectors[i]! }));
		const voy = createVoyIndex(await loadVoyInNode(), 48);
		const exact = new ExactVectorIndex(48);
		voy.add(items);
		exact.add(items);
		voy.remove(['fin-1', 'cook-2-copy']);
		exact.remove(['fin-1', 'cook-2-copy']);
		const queryVectors = (
			await embedder.embed(
				spec,
				queries.map((q) => q.text),
				'query'
			)
		).vectors;
		for (const q of queryVectors) expect(voy.rawNeighbours(q, 6)).toEqual(exact.search(q, 6).map((h) => h.id));
	});
});
