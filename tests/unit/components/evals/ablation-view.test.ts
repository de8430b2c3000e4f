import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ablationQueryRows, describeRanks, docLabel, lostLabel } from '../../../../src/lib/components/evals/ablation-view.ts';
import { computeAblation } from '../../../../src/lib/evals/ablation/index.ts';
import type { EvalReport } from '../../../../src/lib/evals/report/types.ts';

const report = JSON.parse(readFileSync(new URL('../../../fixtures/gate/baseline.json', import.meta.url), 'utf8')) as EvalReport;
const list = (...ids: string[]) => ids.map((id, i) => ({ id, score: 1 / (i + 1) }));
const section = computeAblation(
	[
		{ id: 'q01', stages: { lexical: list('x', 'd1'), dense: list('y'), fused: list('x', 'y', 'd1'), rerank: null } },
		{ id: 'zz', stages: { lexical: list('d9'), dense: list('d9'), fused: list('d9'), rerank: null } }
	],
	new Map([
		['q01', new Map([['d1', 1]])],
		['zz', new Map([['d9', 1]])]
	]),
	{ topK: 2, metric: 'recall@1', paired: { resamples: 100, permutations: 100 } }
);

describe('the ablation table rows', () => {
	it('give each query its text from the report and the compared metric at every stage', () => {
		expect(ablationQueryRows(report, section).map((r) => [r.id, r.query, r.values])).toEqual([
			['q01', 'question 1', { lexical: 0, dense: 0, fused: 0 }],
			['zz', '', { lexical: 1, dense: 1, fused: 1 }]
		]);
	});

	it('label a relevant document kept or lost at a step, with its rank in every stage', () => {
		const [d1] = section.perQuery[0]!.relevant;
		expect(lostLabel(d1!)).toBe('lost at fused');
		expect(describeRanks(d1!, section.stages)).toBe('lexical 2 · dense — · fused 3');
		expect(lostLabel(section.perQuery[1]!.relevant[0]!)).toBe('kept');
	});

	it('say when a judged document is not in the corpus', () => {
		expect([docLabel('?gone.txt'), docLabel('d1')]).toEqual(['gone.txt (not in the corpus)', 'd1']);
	});
});
