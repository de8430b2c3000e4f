import type { MetricDefinition } from '../metrics/summary.ts';
import type { AnswerRecord } from '../answers/types.ts';

/**
 * Repeats and flaky cases: with a case asked N ≥ 2 times (seeded), how often its graded verdict
 * agrees with itself. Assay's own measure (no published tool reports it): per repeat a verdict,
 * per case the share of repeats agreeing with the majority verdict, and whether it flipped.
 */

/** The verdict of one graded answer: `pass`, `fail`, or `null` when nothing was graded (or generation failed). */
export type RepeatVerdict = 'pass' | 'fail' | null;

/** Name of the per-query consistency metric in reports (0.5–1; gate it with `{"consistency": {"min": 1}}`). */
export const CONSISTENCY_METRIC = 'consistency';

/** Definition of {@link CONSISTENCY_METRIC}, written into the report beside the other metrics. */
export const CONSISTENCY_DEFINITION: MetricDefinition = {
	definition:
		'repeats only: share of the repeats with a verdict (pass = every check passed and every judge score ≥ the pass threshold) that agree with the majority verdict, 0.5–1 (1 = stable); absent when fewer than 2 repeats of the case have a verdict',
	source: 'Assay repeats (src/lib/evals/system/consistency.ts)'
};

/**
 * The verdict of one answer: `null` when it failed (`error`) or carries no check result and no
 * valid judge score; else `pass` when every check passed and every valid judge score is ≥
 * `passThreshold` (judge errors are ignored: they are no score), `fail` otherwise.
 */
export function repeatVerdict(a: AnswerRecord, passThreshold: number): RepeatVerdict {
	if (a.error !== null) return null;
	const scores = Object.values(a.verdicts).flatMap((v) => (v?.result.ok ? [v.result.verdict.score] : []));
	if (a.checks.length === 0 && scores.length === 0) return null;
	return a.checks.every((c) => c.pass) && scores.every((s) => s >= passThreshold) ? 'pass' : 'fail';
}

/** Spread of one rubric's valid judge scores over the repeats of a case. */
export interface ScoreSpread {
	readonly n: number;
	readonly min: number;
	readonly max: number;
	/** Sample standard deviation (n − 1 in the denominator); `null` when n < 2. */
	readonly stdev: number | null;
}

/** Consistency of one case over its repeats. */
export interface CaseConsistency {
	readonly caseId: string;
	/** Verdict of each repeat, index = repeat (`null` = not graded, failed or not run). */
	readonly verdicts: readonly RepeatVerdict[];
	/**
	 * Share of the repeats with a verdict that agree with the majority verdict, in [0.5, 1]
	 * (a tie counts as 0.5); `null` when fewer than 2 repeats have a verdict.
	 */
	readonly consistency: number | null;
	/** True when the repeats with a verdict do not all agree. */
	readonly flipped: boolean;
	/** Judge score spread by rubric id (rubrics with at least one valid score). */
	readonly spread: Readonly<Record<string, ScoreSpread>>;
}

/** Consistency of a run with repeats. */
export interface RepeatsSummary {
	/** Number of repeats N. */
	readonly n: number;
	/** Cases whose verdict flipped, in golden-set order. */
	readonly flakyCaseIds: readonly string[];
	readonly perCase: readonly CaseConsistency[];
}

function spreadOf(xs: readonly number[]): ScoreSpread {
	const n = xs.length;
	const mean = xs.reduce((s, x) => s + x, 0) / n;
	const stdev = n < 2 ? null : Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
	return { n, min: Math.min(...xs), max: Math.max(...xs), stdev };
}

/**
 * Consistency of every case over its repeats. `byRepeat[r]` = the graded records of repeat r
 * (any order; a case missing from a repeat has a `null` verdict there). Cases are reported in
 * the order of `caseIds`.
 * @param passThreshold judge score at or above which an answer passes, 1–5 (the grading's; default 4).
 */
export function summariseRepeats(
	caseIds: readonly string[],
	byRepeat: readonly (readonly AnswerRecord[])[],
	passThreshold = 4
): RepeatsSummary {
	const maps = byRepeat.map((records) => new Map(records.map((a) => [a.caseId, a] as const)));
	const perCase = caseIds.map((caseId): CaseConsistency => {
		const records = maps.map((m) => m.get(caseId));
		const verdicts = records.map((a) => (a === undefined ? null : repeatVerdict(a, passThreshold)));
		const defined = verdicts.filter((v): v is 'pass' | 'fail' => v !== null);
		const passes = defined.filter((v) => v === 'pass').length;
		const consistency = defined.length < 2 ? null : Math.max(passes, defined.length - passes) / defined.length;
		const scores = new Map<string, number[]>();
		for (const a of records) {
			if (a === undefined || a.error !== null) continue;
			for (const [rubric, v] of Object.entries(a.verdicts)) {
				if (v?.result.ok) scores.set(rubric, [...(scores.get(rubric) ?? []), v.result.verdict.score]);
			}
		}
		return {
			caseId,
			verdicts,
			consistency,
			flipped: passes > 0 && passes < defined.length,
			spread: Object.fromEntries([...scores].map(([r, xs]) => [r, spreadOf(xs)]))
		};
	});
	return { n: byRepeat.length, flakyCaseIds: perCase.filter((c) => c.flipped).map((c) => c.caseId), perCase };
}

/** The per-query {@link CONSISTENCY_METRIC} values of a summary (cases with a `null` consistency left out). */
export function consistencyMetrics(summary: RepeatsSummary): Map<string, Record<string, number>> {
	return new Map(
		summary.perCase.flatMap((c) => (c.consistency === null ? [] : [[c.caseId, { [CONSISTENCY_METRIC]: c.consistency }] as const]))
	);
}
