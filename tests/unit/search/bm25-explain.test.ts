import { describe, expect, it } from 'vitest';
import { Bm25Index, createAnalyzer, explainBm25 } from '../../../src/lib/search/index.ts';

describe('BM25 explain', () => {
	const texts = { a: 'the apple and the apples of the orchard', b: 'orchard rules', c: 'a pear', d: '' };
	const index = new Bm25Index({ k1: 0.9, b: 0.4 }, createAnalyzer('english'));
	for (const [id, text] of Object.entries(texts)) index.add(id, text);

	it('sums term contributions to the score search gives the item (query terms with repeats)', () => {
		const query = 'apples orchard orchard';
		const hits = index.search(query, { topK: 10 });
		for (const hit of hits) {
			const e = explainBm25(index, query, texts[hit.id as keyof typeof texts]);
			expect(e.score).toBeCloseTo(hit.score, 12);
		}
		expect(hits.map((h) => h.id)).toEqual(['a', 'b']);
	});

	it('reports tf, df, idf and 0 for a term the item lacks', () => {
		const e = explainBm25(index, 'apple orchard pear', texts.a);
		expect(e.terms.find((t) => t.term === 'appl')).toMatchObject({ tf: 2, df: 1 });
		expect(e.terms.find((t) => t.term === 'pear')).toMatchObject({ tf: 0, df: 1, contribution: 0 });
		expect(e.itemCount).toBe(4);
	});

	it('gives documentFrequency 0 for an unknown term', () => {
		expect(index.documentFrequency('zzz')).toBe(0);
	});
});
