import { describe, expect, it } from 'vitest';
import { judgeHumanAgreement, summariseAnswerRun } from '../../../../src/lib/evals/answers/summary.ts';
import type { HumanReview } from '../../../../src/lib/evals/answers/types.ts';
import { check, makeAnswer, verdict } from './fixtures.ts';

const pf = (pass: boolean): HumanReview => ({ kind: 'pass-fail', pass, notes: '', reviewedAtMs: 1 });
const sc = (score: number): HumanReview => ({ kind: 'score', score, notes: '', reviewedAtMs: 1 });

describe('judgeHumanAgreement', () => {
	it('pass/fail labels against judge score ≥ threshold: accuracy 3/5, κ = (0.6 − 0.52)/0.48 = 1/6', () => {
		// human: pass pass pass fail fail; judge scores 5 4 3 2 4 → pass pass fail fail pass
		const humans = [true, true, true, false, false];
		const scores = [5, 4, 3, 2, 4];
		const answers = humans.map((h, i) => makeAnswer(`q${i}`, { review: pf(h), verdicts: { correctness: verdict(scores[i]!) } }));
		const a = judgeHumanAgreement(answers, 4)!;
		expect(a.score).toBeNull();
		expect(a.excluded).toBe(0);
		expect(a.passFail!.accuracy).toBe(0.6);
		expect(a.passFail!.kappa).toBeCloseTo(1 / 6, 12);
		expect(a.passFail!.confusion).toEqual({
			categories: ['fail', 'pass'],
			counts: [
				[1, 1],
				[1, 2]
			],
			n: 5
		});
	});

	it('1–5 scores: accuracy 2/3, κ = 4/7, linear weighted κ = 1 − (1/12)/(13/36) = 10/13', () => {
		const pairs: [number, number][] = [
			[5, 5],
			[4, 3],
			[2, 2]
		];
		const answers = pairs.map(([h, j], i) => makeAnswer(`q${i}`, { review: sc(h), verdicts: { correctness: verdict(j) } }));
		const a = judgeHumanAgreement(answers, 4)!;
		expect(a.passFail).toBeNull();
		expect(a.score!.accuracy).toBeCloseTo(2 / 3, 12);
		expect(a.score!.kappa).toBeCloseTo(4 / 7, 12);
		expect(a.score!.weightedKappaLinear).toBeCloseTo(10 / 13, 12);
	});

	it('counts labelled answers without a valid correctness verdict as excluded (judge error, no reference)', () => {
		const answers = [
			makeAnswer('q1', { review: pf(true), verdicts: { correctness: verdict(5) } }),
			makeAnswer('q2', { review: pf(false), verdicts: { correctness: verdict('JUDGE_OUTPUT_INVALID') } }),
			makeAnswer('q3', { review: sc(4), verdicts: { faithfulness: verdict(4, 'faithfulness') } })
		];
		const a = judgeHumanAgreement(answers, 4)!;
		expect(a.excluded).toBe(2);
		expect(a.passFail!.n).toBe(1);
	});

	it('is null when no answer has both a human label and a valid correctness verdict', () => {
		expect(
			judgeHumanAgreement([makeAnswer('q1', { verdicts: { correctness: verdict(5) } }), makeAnswer('q2', { review: pf(true) })], 4)
		).toBeNull();
	});
});

describe('summariseAnswerRun', () => {
	it('counts failures apart and averages tokens, timings and checks over the answers that generated', () => {
		const answers = [
			makeAnswer('q1', {
				checks: [check('a', true), check('b', false)],
				verdicts: { correctness: verdict(5) },
				tokens: { input: 100, output: 10, promptTokensEstimate: 90 },
				timings: { retrievalMs: 1, ttftMs: 30, tpotMs: 10, totalMs: 200 }
			}),
			makeAnswer('q2', {
				checks: [check('a', true), check('b', true)],
				verdicts: { correctness: verdict(3) },
				tokens: { input: null, output: null, promptTokensEstimate: 90 },
				timings: { retrievalMs: 1, ttftMs: 50, tpotMs: null, totalMs: 100 }
			}),
			makeAnswer('q3', {
				error: { name: 'AssayError', code: 'LLM_GENERATION_FAILED', message: 'x' },
				finishReason: null,
				timings: { retrievalMs: 1, ttftMs: 1, tpotMs: 1, totalMs: 1 }
			})
		];
		const s = summariseAnswerRun(answers, 4);
		expect([s.answered, s.failed]).toEqual([2, 1]);
		expect(s.checks).toEqual({ a: { passed: 2, failed: 0, passRate: 1 }, b: { passed: 1, failed: 1, passRate: 0.5 } });
		expect(s.tokens).toEqual({ inputMean: 100, outputMean: 10 });
		expect(s.timings).toEqual({ ttftP50Ms: 30, tpotP50Ms: 10, totalP50Ms: 100 });
		expect(s.judges.correctness).toMatchObject({ total: 2, okCount: 2, errorRate: 0, meanScore: 4, lengthBias: { n: 2 } });
		expect(Object.keys(s.judges)).toEqual(['correctness']);
		expect(s.agreement).toBeNull();
	});
});
