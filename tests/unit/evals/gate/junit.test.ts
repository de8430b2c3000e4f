import { describe, expect, it } from 'vitest';
import { gateCases, junitDocument } from '../../../../src/lib/evals/gate/junit.ts';
import type { GateResult } from '../../../../src/lib/evals/gate/index.ts';

describe('the shared JUnit writer', () => {
	it('counts failures, errors and skips over every suite and writes the run time, not the sum', () => {
		const xml = junitDocument(
			'assay eval: x',
			[
				{
					name: 'a',
					cases: [
						{ name: 'p', classname: 'a', timeMs: 1500, kind: 'pass' },
						{ name: 'f', classname: 'a', timeMs: 250, kind: 'failure', type: 'answer', message: 'first\nsecond', body: 'q <b>' }
					]
				},
				{ name: 'b', cases: [{ name: 's', classname: 'b', timeMs: 0, kind: 'skipped', message: 'not run' }] }
			],
			4000
		);
		expect(xml).toContain('<testsuites name="assay eval: x" tests="3" failures="1" errors="0" skipped="1" time="4.000">');
		expect(xml).toContain('<testsuite name="a" tests="2" failures="1" errors="0" skipped="0" time="1.750">');
		expect(xml).toContain('<failure message="first" type="answer">q &lt;b&gt;</failure>');
		expect(xml).toContain('<testcase name="p" classname="a" time="1.500"/>');
	});

	it('reports a skipped gate as one error and each rule of an evaluated gate as a case', () => {
		expect(gateCases({ skipped: 'the run is incomplete' })).toEqual([
			{
				classname: 'assay.gate',
				timeMs: 0,
				name: 'gate',
				kind: 'error',
				type: 'GATE_NOT_EVALUATED',
				message: 'the run is incomplete',
				body: 'the run is incomplete'
			}
		]);
		expect(gateCases({})).toEqual([]);
		const result = {
			pass: false,
			metrics: [
				{ metric: 'ndcg@10', limit: 'max drop 0.02', pass: true, baselineMean: 0.5, candidateMean: 0.5, reason: 'ok' },
				{ metric: 'recall@10', limit: 'min 0.9', pass: false, baselineMean: 0.95, candidateMean: 0.8, reason: 'is below 0.9' }
			]
		} as unknown as GateResult;
		const cases = gateCases({ result }, (m) => `\nworst: ${m}`);
		expect(cases.map((c) => c.kind)).toEqual(['pass', 'failure']);
		expect(cases[1]?.body).toBe('recall@10: baseline 0.95, candidate 0.8, rule min 0.9\nis below 0.9\nworst: recall@10');
		expect(cases[1]?.message).toBe('recall@10 is below 0.9');
	});
});
