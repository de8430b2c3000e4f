import { describe, expect, it } from 'vitest';
import { reportsWithEffect, rerankEffectRows } from '../../../src/lib/app/rerank-effect-view.ts';
import type { EvalReport } from '../../../src/lib/evals/report/index.ts';

const effect = {
	metric: 'ndcg@10',
	topK: 10,
	poolDepth: 40,
	helped: 1,
	hurt: 1,
	unchanged: 1,
	meanBefore: 0.5,
	meanAfter: 0.6,
	perQuery: [
		{ id: 'q1', before: 0.5, after: 0.5, delta: 0, movedIn: 0, movedOut: 0 },
		{ id: 'q2', before: 0.2, after: 0.9, delta: 0.7, movedIn: 1, movedOut: 0 },
		{ id: 'q3', before: 0.8, after: 0.4, delta: -0.4, movedIn: 0, movedOut: 1 }
	]
};
const report = (id: string, withEffect: boolean) =>
	({
		id,
		perQuery: [
			{ id: 'q1', query: 'first' },
			{ id: 'q2', query: 'second' }
		],
		...(withEffect ? { rerankEffect: effect } : {})
	}) as unknown as EvalReport;

describe('reranker effect view', () => {
	it('keeps only the reports that carry a reranker effect', () => {
		expect(reportsWithEffect([report('a', false), report('b', true)]).map((r) => r.id)).toEqual(['b']);
	});

	it('lists the largest changes first with their query text and verdict', () => {
		const rows = rerankEffectRows(reportsWithEffect([report('b', true)])[0]!);
		expect(rows.map((r) => [r.id, r.query, r.verdict])).toEqual([
			['q2', 'second', 'helped'],
			['q3', 'q3', 'hurt'],
			['q1', 'first', 'unchanged']
		]);
	});
});
