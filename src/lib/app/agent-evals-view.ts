import type { AgentEvalReport, AgentReportRow } from '$lib/evals/agents/index.ts';

/**
 * How "Evaluate the agent" shows a report (pure): a task's verdict, metric values, the aggregate
 * lines. Numbers are never rounded in the report itself, only here for display.
 */

/** A task's verdict as shown: the review when there is one, else the run's task success. */
export type TaskVerdict = 'pass' | 'fail' | 'error' | 'unscored';

/** The verdict of one row: `error` when the task could not run, `unscored` when task success is absent (a judge error). */
export function taskVerdict(row: AgentReportRow): TaskVerdict {
	if (row.error) return 'error';
	const ts = row.metrics['task-success'];
	return ts === undefined ? 'unscored' : ts === 1 ? 'pass' : 'fail';
}

/** A [0, 1] value with 3 decimals; `–` when absent (a metric that does not apply is never shown as 0). */
export function formatShare(value: number | null | undefined): string {
	return value === null || value === undefined ? '–' : value.toFixed(3);
}

/** The task success line: `0.750 (3 of 4; 95 % Wilson 0.301–0.954)`, or `–` when nothing was scored. */
export function taskSuccessLine(report: AgentEvalReport): string {
	const ts = report.aggregate.taskSuccess;
	if (ts.rate === null) return '–';
	const ci = ts.wilson95 ? `; 95 % Wilson ${ts.wilson95.low.toFixed(3)}–${ts.wilson95.high.toFixed(3)}` : '';
	return `${ts.rate.toFixed(3)} (${ts.passed} of ${ts.n}${ci})`;
}

/** The stop reasons counted: `final_answer 3 · max_steps 1`, most frequent first (ties by name). */
export function stopReasonsLine(report: AgentEvalReport): string {
	const entries = Object.entries(report.aggregate.stopReasons).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
	return entries.length === 0 ? '–' : entries.map(([k, n]) => `${k} ${n}`).join(' · ');
}

/** A row's trajectory in words: the call names joined by arrows, and the mode with whether it matched. */
export function trajectoryLine(row: AgentReportRow): string {
	const t = row.trajectory;
	if (!t) return '–';
	const actual = t.actual.length > 0 ? t.actual.join(' → ') : 'no calls';
	return t.expected === null ? actual : `${actual} (${t.mode}: ${row.metrics['trajectory-match'] === 1 ? 'match' : 'no match'})`;
}
