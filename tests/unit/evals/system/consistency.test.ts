import { describe, expect, it } from 'vitest';
import { consistencyMetrics, repeatVerdict, summariseRepeats } from '../../../../src/lib/evals/system/consistency.ts';
import { parseEvalReport } from '../../../../src/lib/evals/report/build.ts';
import { check, makeAnswer, verdict } from '../answers/fixtures.ts';
import { readFileSync } from 'node:fs';

describe('repeatVerdict', () => {
	it('passes when every check passed and every valid judge score reaches the threshold; ignores judge errors', () => {
		expect(repeatVerdict(makeAnswer('q1', { checks: [check('a', true)], verdicts: { correctness: verdict(4) } }), 4)).toBe('pass');
		expect(repeatVerdict(makeAnswer('q1', { checks: [check('a', false)], verdicts: { correctness: verdict(5) } }), 4)).toBe('fail');
		expect(repeatVerdict(makeAnswer('q1', { verdicts: { correctness: verdict(3) } }), 4)).toBe('fail');
		expect(
			repeatVerdict(
				makeAnswer('q1', { verdicts: { correctness: verdict('JUDGE_OUTPUT_INVALID'), faithfulness: verdict(5, 'faithfulness') } }),
				4
			)
		).toBe('pass');
	});

	it('is null when nothing was graded or the case failed', () => {
		expect(repeatVerdict(makeAnswer('q1', {}), 4)).toBeNull();
		expect(repeatVerdict(makeAnswer('q1', { verdicts: { correctness: verdict('JUDGE_OUTPUT_INVALID') } }), 4)).toBeNull();
		expect(
			repeatVerdict(
				makeAnswer('q1', { error: { name: 'AssayError', code: 'SYSTEM_REQUEST_FAILED', message: 'x' }, checks: [check('a', true)] }),
				4
			)
		).toBeNull();
	});
});

describe('summariseRepeats', () => {
	const pass = (id: string) => makeAnswer(id, { checks: [check('a', true)] });
	const fail = (id: string) => makeAnswer(id, { checks: [check('a', false)] });

	it('gives the share agreeing with the majority (a tie is 0.5), flips, and leaves cases with < 2 verdicts without consistency', () => {
		const s = summariseRepeats(
			['q1', 'q2', 'q3'],
			[
				[pass('q1'), pass('q2'), pass('q3')],
				[fail('q1'), pass('q2')],
				[fail('q1'), pass('q2')],
				[pass('q1'), fail('q2')]
			]
		);
		expect(s.n).toBe(4);
		expect(s.perCase.map((c) => [c.caseId, c.consistency, c.flipped, c.verdicts])).toEqual([
			['q1', 0.5, true, ['pass', 'fail', 'fail', 'pass']],
			['q2', 0.75, true, ['pass', 'pass', 'pass', 'fail']],
			['q3', null, false, ['pass', null, null, null]]
		]);
		expect(s.flakyCaseIds).toEqual(['q1', 'q2']);
		expect([...consistencyMetrics(s)]).toEqual([
			['q1', { consistency: 0.5 }],
			['q2', { consistency: 0.75 }]
		]);
	});

	it('reports the judge score spread per rubric (sample standard deviation)', () => {
		const s = summariseRepeats(
			['q1'],
			[4, 5, 3].map((score) => [makeAnswer('q1', { verdicts: { correctness: verdict(score) } })])
		);
		expect(s.perCase[0]!.spread).toEqual({ correctness: { n: 3, min: 3, max: 5, stdev: 1 } });
		expect(summariseRepeats(['q1'], [[makeAnswer('q1', { verdicts: { correctness: verdict(4) } })]]).perCase[0]!.spread).toEqual({
			correctness: { n: 1, min: 4, max: 4, stdev: null }
		});
	});
});

describe('report status incomplete', () => {
	it('is accepted only with the reason, and the reason only with the status', () => {
		const base = JSON.parse(readFileSync(new URL('../../../fixtures/gate/baseline.json', import.meta.url), 'utf8')) as Record<
			string,
			unknown
		>;
		const v2 = { ...base, schema: 'assay.eval-report/v2' };
		expect(
			parseEvalReport({ ...v2, status: 'incomplete', incomplete: { reason: 'down', code: 'SYSTEM_UNREACHABLE', notRun: 3 } }).status
		).toBe('incomplete');
		expect(() => parseEvalReport({ ...v2, status: 'incomplete' })).toThrow(/incomplete: an incomplete report says why/);
		expect(() => parseEvalReport({ ...v2, incomplete: { reason: 'down', code: 'SYSTEM_UNREACHABLE', notRun: 3 } })).toThrow(
			/status: a report with "incomplete" set/
		);
	});
});
