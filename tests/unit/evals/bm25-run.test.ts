import { describe, expect, it } from 'vitest';
import { runBm25 } from '../../../src/lib/evals/retrieval/bm25-run.ts';
import { createAnalyzer } from '../../../src/lib/search/analyzers/index.ts';
import { BasicTracer, InMemorySpanSink } from '../../../src/lib/tracing/tracer.ts';

const corpus = [
	{ id: 'a', title: 'Wings', text: 'A wing in a slipstream. Nothing about plates.' },
	{ id: 'b', title: 'Plates', text: 'Shear flow past a flat plate. More shear flow past a plate.' },
	{ id: 'c', title: '', text: '' }
];
const queries = [
	{ id: 'q1', text: 'flat plate shear' },
	{ id: 'q2', text: 'unrelated words' }
];
const base = { params: { k1: 0.9, b: 0.4 }, analyzer: createAnalyzer('english'), depth: 1000 };

describe('runBm25', () => {
	it('indexes title + text per document and keeps only positive scores, in query order', async () => {
		const result = await runBm25(corpus, queries, base);
		expect(result.itemCount).toBe(3);
		expect(result.lists.map((l) => l.queryId)).toEqual(['q1', 'q2']);
		expect(result.lists[0]?.hits.map((h) => h.id)).toEqual(['b', 'a']);
		expect(result.lists[1]?.hits).toEqual([]);
	});

	it('cuts each ranking at depth', async () => {
		const result = await runBm25(corpus, queries, { ...base, depth: 1 });
		expect(result.lists[0]?.hits.map((h) => h.id)).toEqual(['b']);
		await expect(runBm25(corpus, queries, { ...base, depth: 0 })).rejects.toThrow(/depth must be a positive integer/);
	});

	it('in chunk mode ranks documents by their best chunk and indexes the title alone when there are no chunks', async () => {
		const splitDocument = (doc: { title: string; text: string }) =>
			doc.text === '' ? [] : doc.text.split('. ').map((sentence) => `${doc.title} ${sentence}`);
		const result = await runBm25(corpus, queries, { ...base, splitDocument });
		// a: 2 sentences, b: 2 sentences, c: title only.
		expect(result.itemCount).toBe(5);
		const hits = result.lists[0]?.hits ?? [];
		expect(hits.map((h) => h.id)).toEqual(['b', 'a']);
		expect(hits[0]).toMatchObject({ bestChunkId: expect.stringMatching(/^b#[01]$/) });
	});

	it('records index and search spans', async () => {
		const sink = new InMemorySpanSink();
		await runBm25(corpus, queries, { ...base, tracer: new BasicTracer([sink]) });
		expect(sink.spans.map((s) => s.name)).toEqual(['assay.bm25.index', 'assay.bm25.search']);
		expect(sink.spans[0]?.attributes['assay.items']).toBe(3);
	});
});
