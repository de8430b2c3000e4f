import { AssayError } from '../../shared/errors.ts';
import { parseGateConfig, type GateConfig } from '../gate/index.ts';
import { AGENT_METRICS, wilsonInterval } from './metrics.ts';
import type { AgentEvalReport, AgentReportRow } from './report.ts';

/**
 * Human review of agent eval tasks, and the gate rules the page writes. A review is a person's
 * pass/fail verdict on one task with a note (as answers are labelled on the Answer evals page);
 * like a manual rating in promptfoo's viewer it overrides the automatic verdict: the row's
 * `metrics["task-success"]` becomes 1 or 0, the run's own value is kept in
 * `review.automaticTaskSuccess`, and the aggregate's task success (passes, rate, Wilson interval,
 * mean) is recomputed over the rows. Tool metrics are never changed by a review. A task that
 * could not run (`error`) cannot be reviewed.
 */

/** One person's verdict on one task. */
export interface AgentTaskReview {
	readonly pass: boolean;
	/** Free text (may be empty). */
	readonly notes: string;
	/** ISO 8601. */
	readonly reviewedAt: string;
}

/**
 * The report with `reviews` (by task id) applied (see the module comment). Rows already reviewed
 * keep their `automaticTaskSuccess`; a review of an unknown task or of an errored row is ignored.
 * Pure: `report` is not changed.
 */
export function applyAgentReviews(report: AgentEvalReport, reviews: Readonly<Record<string, AgentTaskReview>>): AgentEvalReport {
	const perTask = report.perTask.map((row): AgentReportRow => {
		const review = Object.hasOwn(reviews, row.id) ? reviews[row.id] : undefined;
		if (!review || row.error) return row;
		const ts = row.metrics['task-success'];
		const automaticTaskSuccess = row.review ? row.review.automaticTaskSuccess : ts === undefined ? null : ts === 1;
		return {
			...row,
			metrics: { ...row.metrics, 'task-success': review.pass ? 1 : 0 },
			review: { pass: review.pass, notes: review.notes, reviewedAt: review.reviewedAt, automaticTaskSuccess }
		};
	});
	const values = perTask.filter((r) => !r.error && r.metrics['task-success'] !== undefined).map((r) => r.metrics['task-success'] as number);
	const passed = values.filter((v) => v === 1).length;
	const n = values.length;
	return {
		...report,
		perTask,
		aggregate: {
			...report.aggregate,
			means: { ...report.aggregate.means, 'task-success': n === 0 ? null : { mean: passed / n, n } },
			taskSuccess: { passed, n, rate: n === 0 ? null : passed / n, wilson95: wilsonInterval(passed, n) }
		}
	};
}

/** How many rows of `report` carry a review. */
export function reviewedCount(report: AgentEvalReport): number {
	return report.perTask.filter((r) => r.review).length;
}

/** The page's default gate: task success and tool recall may drop by at most 0.1 from the baseline. */
export const DEFAULT_AGENT_GATE: GateConfig = {
	metrics: { 'task-success': { maxDrop: 0.1 }, 'tool-recall': { maxDrop: 0.1 } }
};

/**
 * Parse a gate configuration for agent reports (the `assay gate --config` format, `{"metrics":
 * {"task-success": {"maxDrop": 0.1}}, …}`) whose rules name only agent metrics ({@link AGENT_METRICS}).
 * @throws AssayError `CONFIG_INVALID` for text that is not JSON, not a gate configuration, or a rule on another metric.
 */
export function parseAgentGateText(text: string): GateConfig {
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (cause) {
		throw new AssayError('CONFIG_INVALID', `The gate rules are not JSON (${(cause as Error).message}).`, { cause });
	}
	const config = parseGateConfig(raw);
	const other = Object.keys(config.metrics).find((m) => !(AGENT_METRICS as readonly string[]).includes(m));
	if (other !== undefined)
		throw new AssayError('CONFIG_INVALID', `The gate rule on "${other}" names no agent metric — use one of ${AGENT_METRICS.join(', ')}.`);
	return config;
}
