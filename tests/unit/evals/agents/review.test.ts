import { describe, expect, it } from 'vitest';
import {
	applyAgentReviews,
	parseAgentGateText,
	reviewedCount,
	type AgentEvalReport,
	type AgentReportRow
} from '../../../../src/lib/evals/agents/index.ts';
import { AssayError } from '../../../../src/lib/shared/errors.ts';

const row = (id: string, metrics: Record<string, number>, error: AgentReportRow['error'] = null) =>
	({ id, metrics, error }) as unknown as AgentReportRow;

/** Three scored tasks (pass, fail, judge error = no task-success) and one that could not run. */
function report(): AgentEvalReport {
	return {
		perTask: [
			row('a', { 'task-success': 1, 'tool-recall': 1 }),
			row('b', { 'task-success': 0, 'tool-recall': 0.5 }),
			row('c', { 'tool-recall': 1 }),
			row('d', {}, { code: 'TOOL_FAILED', message: 'no tools' })
		],
		aggregate: {
			means: { 'task-success': { mean: 0.5, n: 2 }, 'tool-recall': { mean: 2.5 / 3, n: 3 } },
			taskSuccess: { passed: 1, n: 2, rate: 0.5, wilson95: { low: 0.0945, high: 0.9055 } }
		}
	} as unknown as AgentEvalReport;
}

const at = '2026-12-02T16:10:00.000Z';

describe('human review of agent eval tasks', () => {
	it('overrides task success per reviewed task and recomputes the success aggregate over the rows, leaving tool metrics alone', () => {
		// b reviewed pass, c (judge error, unscored) reviewed pass: 3 of 3 pass; Wilson(3, 3) = [(1 + z²/6)/(1 + z²/3) − (z/(1 + z²/3))·√(z²/36), 1] = [0.43850, 1] with z = 1.96.
		const out = applyAgentReviews(report(), {
			b: { pass: true, notes: 'ok', reviewedAt: at },
			c: { pass: true, notes: '', reviewedAt: at }
		});
		expect(out.perTask.map((r) => r.metrics['task-success'])).toEqual([1, 1, 1, undefined]);
		expect(out.perTask[1]!.review).toEqual({ pass: true, notes: 'ok', reviewedAt: at, automaticTaskSuccess: false });
		expect(out.perTask[2]!.review?.automaticTaskSuccess).toBeNull();
		expect(out.aggregate.taskSuccess.passed).toBe(3);
		expect(out.aggregate.taskSuccess.n).toBe(3);
		expect(out.aggregate.taskSuccess.rate).toBe(1);
		expect(out.aggregate.taskSuccess.wilson95?.low).toBeCloseTo(0.4385, 4);
		expect(out.aggregate.taskSuccess.wilson95?.high).toBe(1);
		expect(out.aggregate.means['task-success']).toEqual({ mean: 1, n: 3 });
		expect(out.aggregate.means['tool-recall']).toEqual(report().aggregate.means['tool-recall']);
		expect(reviewedCount(out)).toBe(2);
	});

	it('ignores a review of a task that could not run or that the report lacks, and never changes the input report', () => {
		const input = report();
		const out = applyAgentReviews(input, { d: { pass: true, notes: '', reviewedAt: at }, zz: { pass: false, notes: '', reviewedAt: at } });
		expect(out.perTask[3]).toBe(input.perTask[3]);
		expect(out.aggregate.taskSuccess).toMatchObject({ passed: 1, n: 2, rate: 0.5 });
		expect(input.perTask[0]!.review).toBeUndefined();
	});

	it('keeps the run’s own verdict when a reviewed report is reviewed again', () => {
		const once = applyAgentReviews(report(), { a: { pass: false, notes: 'wrong', reviewedAt: at } });
		const twice = applyAgentReviews(once, { a: { pass: true, notes: 'fine after all', reviewedAt: at } });
		expect(twice.perTask[0]!.review).toEqual({ pass: true, notes: 'fine after all', reviewedAt: at, automaticTaskSuccess: true });
	});

	it('accepts gate rules on agent metrics only, naming the metric and the choices otherwise', () => {
		expect(parseAgentGateText('{"metrics": {"tool-precision": {"min": 0.8}}}').metrics).toEqual({ 'tool-precision': { min: 0.8 } });
		expect(() => parseAgentGateText('{"metrics": {"recall@10": {"min": 0.8}}}')).toThrow(
			'The gate rule on "recall@10" names no agent metric — use one of task-success, tool-precision, tool-recall, argument-correctness, trajectory-match.'
		);
		expect(() => parseAgentGateText('{"metrics": ')).toThrow(AssayError);
		expect(() => parseAgentGateText('{"metrics": {"task-success": {}}}')).toThrow('a rule needs maxDrop, maxDropPct or min');
	});
});
