import { AssayError } from '../../shared/errors.ts';
import { comparePaired, type PairedComparison, type PairedOptions } from '../stats/paired.ts';

/**
 * What a comparison (and the gate) reads of a report: every eval report is one, and other reports
 * (the agent eval report, `evals/agents/report.ts` `agentGateView`) present themselves as one —
 * one query per item with its per-item metrics.
 */
export interface GateableReport {
	readonly id: string;
	readonly status: string;
	readonly dataset: { readonly name: string; readonly contentHash: string };
	readonly retrieval: { readonly label: string };
	readonly perQuery: readonly { readonly id: string; readonly query: string; readonly metrics: Readonly<Record<string, number>> }[];
}

/** One query's values in two reports. */
export interface QueryDifference {
	readonly id: string;
	readonly query: string;
	readonly baseline: number;
	readonly candidate: number;
	/** candidate − baseline. */
	readonly difference: number;
}

/** Result of {@link compareReports}. */
export interface ReportComparison {
	readonly metric: string;
	readonly baseline: { readonly id: string; readonly label: string; readonly mean: number };
	readonly candidate: { readonly id: string; readonly label: string; readonly mean: number };
	readonly paired: PairedComparison;
	/** Per query, sorted by difference ascending (worst regressions first). */
	readonly queries: QueryDifference[];
	/** True when both reports come from the same golden-set content (hash). */
	readonly sameDataset: boolean;
	/**
	 * Shared queries left out because the metric is missing on either side (answer metrics are
	 * absent where a judge failed or a rubric did not apply — never scored 0).
	 */
	readonly skippedQueries: number;
}

/**
 * Paired comparison of two reports on one metric over the queries they share and that have the
 * metric on both sides; a shared query missing it on either side is skipped and counted.
 * @throws AssayError `DATASET_INVALID` when they share no query, or no shared query has the metric on both sides.
 */
export function compareReports(
	baseline: GateableReport,
	candidate: GateableReport,
	metric: string,
	options: PairedOptions = {}
): ReportComparison {
	const other = new Map(candidate.perQuery.map((q) => [q.id, q]));
	const queries: QueryDifference[] = [];
	let shared = 0;
	for (const q of baseline.perQuery) {
		const c = other.get(q.id);
		if (!c) continue;
		shared++;
		const a = q.metrics[metric];
		const b = c.metrics[metric];
		if (a === undefined || b === undefined) continue;
		queries.push({ id: q.id, query: q.query, baseline: a, candidate: b, difference: b - a });
	}
	if (shared === 0) throw new AssayError('DATASET_INVALID', 'The two reports share no query: they are not comparable.');
	if (queries.length === 0)
		throw new AssayError(
			'DATASET_INVALID',
			`Metric "${metric}" is missing for every shared query (${shared}) in at least one of the reports.`
		);
	const paired = comparePaired(
		queries.map((q) => q.baseline),
		queries.map((q) => q.candidate),
		options
	);
	const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
	return {
		metric,
		baseline: { id: baseline.id, label: baseline.retrieval.label, mean: mean(queries.map((q) => q.baseline)) },
		candidate: { id: candidate.id, label: candidate.retrieval.label, mean: mean(queries.map((q) => q.candidate)) },
		paired,
		queries: queries.sort((x, y) => x.difference - y.difference || (x.id < y.id ? -1 : 1)),
		sameDataset: baseline.dataset.contentHash === candidate.dataset.contentHash,
		skippedQueries: shared - queries.length
	};
}
