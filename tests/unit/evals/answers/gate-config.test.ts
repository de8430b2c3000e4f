import { describe, expect, it } from 'vitest';
import { ANSWER_GATE_CONFIG, gateConfigFor } from '../../../../src/lib/evals/answers/gate.ts';
import { DEFAULT_GATE_CONFIG } from '../../../../src/lib/evals/gate/index.ts';
import type { EvalReport } from '../../../../src/lib/evals/report/types.ts';

const report = (answers: boolean, metrics: string[]) =>
	({
		answers: answers ? {} : null,
		metrics: { aggregate: Object.fromEntries(metrics.map((m) => [m, { mean: 1, answerableMean: 1 }])) }
	}) as unknown as EvalReport;

describe('the gate thresholds suggested for two reports', () => {
	it('retrieval reports get the nDCG@10 / recall@10 defaults', () => {
		expect(gateConfigFor(report(false, ['ndcg@10']), report(false, ['ndcg@10']), DEFAULT_GATE_CONFIG)).toBe(DEFAULT_GATE_CONFIG);
		expect(gateConfigFor(report(true, ['judge.correctness']), report(false, ['ndcg@10']), DEFAULT_GATE_CONFIG)).toBe(DEFAULT_GATE_CONFIG);
	});

	it('answer reports get the answer thresholds for the metrics both carry (no judge.correctness without references)', () => {
		const noReference = ['judge.faithfulness', 'checks.pass-rate'];
		expect(gateConfigFor(report(true, noReference), report(true, noReference), DEFAULT_GATE_CONFIG).metrics).toEqual({
			'judge.faithfulness': ANSWER_GATE_CONFIG.metrics['judge.faithfulness'],
			'checks.pass-rate': ANSWER_GATE_CONFIG.metrics['checks.pass-rate']
		});
		expect(gateConfigFor(report(true, []), report(true, []), DEFAULT_GATE_CONFIG)).toBe(DEFAULT_GATE_CONFIG);
	});
});
