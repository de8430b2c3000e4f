import { AssayError } from '../../shared/errors.ts';
import { comparePaired, type PairedComparison, type PairedOptions } from '../stats/paired.ts';
import type { EvalReport } from './types.ts';

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
}

/**
 * Paired comparison of two reports on one metric over the queries they share.
 * @throws AssayError `DATASET_INVALID` when they share no query or the metric is missing.
 */
export function compareReports(baseline: EvalReport, candidate: EvalReport, metric: string, options: PairedOptions = {}): ReportComparison {
	const other = new Map(candidate.perQuery.map((q) => [q.id, q]));
	const queries: QueryDifference[] = [];
	for (const q of baseline.perQuery) {
		const c = other.get(q.id);
		if (!c) continue;
		const a = q.metrics[metric];
		const b = c.metrics[metric];
		if (a === undefined || b === undefined) throw new AssayError('DATASET_INVALID', `Metric "${metric}" is missing for query "${q.id}"`);
		queries.push({ id: q.id, query: q.query, baseline: a, candidate: b, difference: b - a });
	}
	if (queries.length === 0) throw new AssayError('DATASET_INVALID', 'The two reports share no query: they are not comparable.');
	const paired = comparePaired(queries.map((q) => q.baseline), queries.map((q) => q.candidate), options);
	const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
	return {
		metric,
		baseline: { id: baseline.id, label: baseline.retrieval.label, mean: mean(queries.map((q) => q.baseline)) },
		candidate: { id: candidate.id, label: candidate.retrieval.label, mean: mean(queries.map((q) => q.candidate)) },
		paired,
		queries: queries.sort((x, y) => x.difference - y.difference || (x.id < y.id ? -1 : 1)),
		sameDataset: baseline.dataset.contentHash === candidate.dataset.contentHash
	};
}
