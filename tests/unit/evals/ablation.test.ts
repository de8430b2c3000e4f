import { describe, expect, it } from 'vitest';
import { AblationSectionSchema, computeAblation, lostAt, type AblationQuery } from '../../../src/lib/evals/ablation/index.ts';
import type { Qrels } from '../../../src/lib/evals/metrics/trec-format.ts';

const list = (...pairs: [string, number][]) => pairs.map(([id, score]) => ({ id, score }));

const qrels: Qrels = new Map([
	[
		'q1',
		new Map([
			['a', 2],
			['b', 1],
			['c', 1],
			['n', 0]
		])
	],
	['q2', new Map([['x', 1]])]
]);

/** q1: a kept to the end, b never in a cut list, c lost by fusion; q2: x lost by the reranker. */
const queries: AblationQuery[] = [
	{
		id: 'q1',
		stages: {
			lexical: list(['a', 3], ['d', 2], ['b', 1]),
			dense: list(['d', 0.9], ['c', 0.8], ['a', 0.7]),
			fused: list(['d', 0.04], ['a', 0.03], ['c', 0.02], ['b', 0.01]),
			rerank: list(['a', 0.9], ['d', 0.8])
		}
	},
	{
		id: 'q2',
		stages: {
			lexical: list(['x', 1]),
			dense: list(['y', 0.5]),
			fused: list(['x', 0.03], ['y', 0.02], ['z', 0.01]),
			rerank: list(['y', 0.9], ['z', 0.8], ['x', 0.1])
		}
	}
];

const options = { topK: 2, cutoffs: [1, 2], metric: 'recall@2', paired: { resamples: 1000, permutations: 1000 } };

describe('stage ablation', () => {
	it('scores each stage on its list cut to the evaluated depth, per query and in aggregate', () => {
		const a = computeAblation(queries, qrels, options);
		expect(a.stages).toEqual(['lexical', 'dense', 'fused', 'rerank']);
		expect(a.perQuery.map((q) => q.id)).toEqual(['q1', 'q2']);
		const recall = (stage: 'lexical' | 'dense' | 'fused' | 'rerank') => a.perQuery.map((q) => q.metrics[stage]!['recall@2']);
		expect(recall('lexical')).toEqual([1 / 3, 1]);
		expect(recall('dense')).toEqual([1 / 3, 0]);
		expect(recall('fused')).toEqual([1 / 3, 1]);
		expect(recall('rerank')).toEqual([1 / 3, 0]);
		expect(a.perQuery.map((q) => q.metrics.dense!.recip_rank)).toEqual([1 / 2, 0]);
		expect(a.aggregate.lexical!['recall@2']).toEqual({ mean: 2 / 3, answerableMean: 2 / 3 });
		expect(a.aggregate.rerank!['recall@2']!.mean).toBe(1 / 6);
		expect(a.aggregate.fused!.recip_rank!.mean).toBe(3 / 4);
	});

	it('compares lexical→fused, dense→fused and fused→rerank on the chosen metric, paired by query', () => {
		const a = computeAblation(queries, qrels, options);
		expect(a.comparisons.map((c) => [c.from, c.to, c.meanDifference, c.improved, c.regressed, c.tied])).toEqual([
			['lexical', 'fused', 0, 0, 0, 2],
			['dense', 'fused', 0.5, 1, 0, 1],
			['fused', 'rerank', -0.5, 0, 1, 1]
		]);
		expect(a.comparisons[1]).toMatchObject({ metric: 'recall@2', fromMean: 1 / 6, toMean: 2 / 3, queryCount: 2 });
		// Two queries: every sign flip is as extreme as the observed mean, so p = 1.
		expect(a.comparisons.map((c) => [c.pValue, c.verdict])).toEqual([
			[1, 'no significant difference'],
			[1, 'no significant difference'],
			[1, 'no significant difference']
		]);
		expect(a.method).toContain('1000 permutations');
	});

	it('says per relevant document its rank in every stage and the step that lost it for good', () => {
		const a = computeAblation(queries, qrels, options);
		expect(a.perQuery[0]!.relevant).toEqual([
			{ doc: 'a', grade: 2, ranks: { lexical: 1, dense: 3, fused: 2, rerank: 1 }, lostAt: null },
			{ doc: 'b', grade: 1, ranks: { lexical: 3, dense: null, fused: 4, rerank: null }, lostAt: 'retrievers' },
			{ doc: 'c', grade: 1, ranks: { lexical: null, dense: 2, fused: 3, rerank: null }, lostAt: 'fused' }
		]);
		expect(a.perQuery[1]!.relevant).toEqual([
			{ doc: 'x', grade: 1, ranks: { lexical: 1, dense: null, fused: 1, rerank: 3 }, lostAt: 'rerank' }
		]);
	});

	it('writes a section the report schema accepts', () => {
		const a = computeAblation(queries, qrels, options);
		expect(AblationSectionSchema.parse(a)).toEqual(a);
	});

	it('ablates a single-retriever run to its one stage, with no comparison and losses at that retriever', () => {
		const lexicalOnly = queries.map((q) => ({ id: q.id, stages: { ...q.stages, dense: null, fused: null, rerank: null } }));
		const a = computeAblation(lexicalOnly, qrels, options);
		expect(a.stages).toEqual(['lexical']);
		expect(a.comparisons).toEqual([]);
		expect(a.perQuery[0]!.relevant.map((r) => [r.doc, r.lostAt])).toEqual([
			['a', null],
			['b', 'lexical'],
			['c', 'lexical']
		]);
	});

	it('evaluates a qrels query absent from the stage lists as empty lists', () => {
		const a = computeAblation([queries[0]!], qrels, options);
		expect(a.perQuery[1]!.metrics.fused!['recall@2']).toBe(0);
		expect(a.perQuery[1]!.relevant[0]!.lostAt).toBe('retrievers');
	});

	it('ranks documents by their best chunk when ids map to documents', () => {
		const chunks: AblationQuery[] = [
			{ id: 'q2', stages: { lexical: list(['y#1', 3], ['y#2', 2], ['x#1', 1]), dense: null, fused: null, rerank: null } }
		];
		const a = computeAblation(chunks, new Map([['q2', new Map([['x', 1]])]]), { ...options, documentOf: (id) => id.split('#')[0]! });
		expect(a.perQuery[0]!.metrics.lexical!['recall@2']).toBe(1);
		expect(a.perQuery[0]!.relevant[0]!.ranks).toEqual({ lexical: 2 });
	});

	it('refuses a metric the evaluation does not produce and a depth below 1', () => {
		expect(() => computeAblation(queries, qrels, { ...options, metric: 'ndcg@7' })).toThrow(/ndcg@7/);
		expect(() => computeAblation(queries, qrels, { ...options, topK: 0 })).toThrow(/topK/);
	});
});

describe('where a relevant document was lost', () => {
	const all = ['lexical', 'dense', 'fused', 'rerank'] as const;

	it('does not call a document lost when fusion lifts it back into the cut list', () => {
		expect(lostAt({ lexical: 5, dense: 5, fused: 1, rerank: 2 }, all, 2)).toBeNull();
	});

	it('blames the reranker for a document it pushed below the depth', () => {
		expect(lostAt({ lexical: 1, dense: 1, fused: 1, rerank: 3 }, all, 2)).toBe('rerank');
	});

	it('blames the retrievers for a document neither of them ranked within the depth and fusion did not lift', () => {
		expect(lostAt({ lexical: 3, dense: null, fused: 4, rerank: null }, all, 2)).toBe('retrievers');
	});
});
