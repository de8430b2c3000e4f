import type { ErrorCode } from '../../shared/errors.ts';
import type { RubricVerdict, VerdictResult } from './verdict.ts';

/** Summary of rubric verdicts: means over valid verdicts only, errors counted apart. */
export interface VerdictSummary {
	/** All replies. */
	readonly total: number;
	/** Replies that parsed to a valid verdict. */
	readonly okCount: number;
	/** Replies that became typed errors. */
	readonly errorCount: number;
	/** `errorCount / total`, in [0, 1]; `null` when `total` is 0 (never NaN). */
	readonly errorRate: number | null;
	/** Arithmetic mean of valid scores (1–5); `null` when none is valid (never NaN, never 0). */
	readonly meanScore: number | null;
	/** Replies that validated only after a lenient repair. */
	readonly repairedCount: number;
	/** Error count per `JUDGE_*` code. */
	readonly errorsByCode: Partial<Record<ErrorCode, number>>;
}

/**
 * Summarise parsed rubric replies: mean = Σ score / okCount over valid verdicts only; error
 * rate = errorCount / total. Errors are excluded from the mean — scoring them 0 would drag the
 * mean down for a formatting fault, and clamping would invent a verdict.
 */
export function summariseVerdicts(results: readonly VerdictResult<RubricVerdict>[]): VerdictSummary {
	let sum = 0;
	let okCount = 0;
	let repairedCount = 0;
	const errorsByCode: Partial<Record<ErrorCode, number>> = {};
	for (const r of results) {
		if (r.ok) {
			sum += r.verdict.score;
			okCount++;
			if (r.repaired) repairedCount++;
		} else errorsByCode[r.error.code] = (errorsByCode[r.error.code] ?? 0) + 1;
	}
	const total = results.length;
	return {
		total,
		okCount,
		errorCount: total - okCount,
		errorRate: total === 0 ? null : (total - okCount) / total,
		meanScore: okCount === 0 ? null : sum / okCount,
		repairedCount,
		errorsByCode
	};
}
