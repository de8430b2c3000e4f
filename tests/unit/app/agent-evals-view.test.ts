import { describe, expect, it } from 'vitest';
import { formatShare, stopReasonsLine, taskSuccessLine, taskVerdict, trajectoryLine } from '../../../src/lib/app/agent-evals-view.ts';
import type { AgentEvalReport, AgentReportRow } from '../../../src/lib/evals/agents/index.ts';

const row = (over: Partial<AgentReportRow>): AgentReportRow =>
	({
		id: 't',
		task: 'x',
		tags: [],
		metrics: {},
		error: null,
		trajectory: {
			mode: 'in_order',
			actual: ['search_documents', 'read_chunk'],
			expected: ['search_documents'],
			exact: false,
			inOrder: true,
			anyOrder: true
		},
		...over
	}) as AgentReportRow;

describe('how agent eval results are shown', () => {
	it('names a task pass, fail, error or unscored from its row, a review having set task success', () => {
		expect(taskVerdict(row({ metrics: { 'task-success': 1 } }))).toBe('pass');
		expect(taskVerdict(row({ metrics: { 'task-success': 0 } }))).toBe('fail');
		expect(taskVerdict(row({ metrics: {} }))).toBe('unscored');
		expect(taskVerdict(row({ error: { code: 'X', message: 'm' } }))).toBe('error');
	});

	it('shows shares with 3 decimals and an absent metric as a dash, never 0', () => {
		expect(formatShare(2 / 3)).toBe('0.667');
		expect(formatShare(0)).toBe('0.000');
		expect(formatShare(undefined)).toBe('–');
		expect(formatShare(null)).toBe('–');
	});

	it('writes the task success with its Wilson interval and the stop reasons most frequent first', () => {
		const report = {
			aggregate: {
				taskSuccess: { passed: 3, n: 4, rate: 0.75, wilson95: { low: 0.30064, high: 0.95437 } },
				stopReasons: { max_steps: 1, final_answer: 3, cancelled: 1 }
			}
		} as unknown as AgentEvalReport;
		expect(taskSuccessLine(report)).toBe('0.750 (3 of 4; 95 % Wilson 0.301–0.954)');
		expect(stopReasonsLine(report)).toBe('final_answer 3 · cancelled 1 · max_steps 1');
	});

	it('writes a trajectory as arrows with its mode and whether it matched', () => {
		expect(trajectoryLine(row({ metrics: { 'trajectory-match': 1 } }))).toBe('search_documents → read_chunk (in_order: match)');
		expect(trajectoryLine(row({ trajectory: null }))).toBe('–');
	});
});
