import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerMeans, answerMetrics } from '../../../../src/lib/evals/answers/report-metrics.ts';
import { summariseAnswerRun } from '../../../../src/lib/evals/answers/summary.ts';
import { makeAnswer, verdict } from './fixtures.ts';

const outcome = fc.oneof(fc.integer({ min: 1, max: 5 }), fc.constant('JUDGE_OUTPUT_INVALID' as const), fc.constant(null));

describe('answer metric properties', () => {
	it('the correctness mean is the mean of the valid verdicts only — errors and missing rubrics never count as a score', () => {
		fc.assert(
			fc.property(fc.array(outcome, { minLength: 1, maxLength: 30 }), (outcomes) => {
				const answers = outcomes.map((o, i) => makeAnswer(`q${i}`, { verdicts: o === null ? {} : { correctness: verdict(o) } }));
				const valid = outcomes.filter((o): o is number => typeof o === 'number');
				const agg = answerMeans(answers.map(answerMetrics))['judge.correctness'];
				const summary = summariseAnswerRun(answers, 4).judges.correctness;
				if (valid.length === 0) expect(agg).toBeUndefined();
				else {
					const mean = valid.reduce((s, x) => s + x, 0) / valid.length;
					expect(agg?.mean).toBeCloseTo(mean, 12);
					expect(agg!.mean).toBeGreaterThanOrEqual(1);
					expect(summary?.meanScore).toBeCloseTo(mean, 12);
				}
				const judged = outcomes.filter((o) => o !== null).length;
				if (judged > 0) expect(summary?.errorRate).toBeCloseTo((judged - valid.length) / judged, 12);
			})
		);
	});
});
