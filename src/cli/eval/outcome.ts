import type { AnswerRecord } from '../../lib/evals/answers/types.ts';
import type { GateResult } from '../../lib/evals/gate/index.ts';
import type { EvalReport } from '../../lib/evals/report/types.ts';
import type { SystemOutput } from '../../lib/evals/system/types.ts';
import type { AssayErrorData } from '../../lib/shared/errors.ts';

/**
 * What one `assay eval --config` run produced, as the output writers (report.json, junit.xml,
 * results.jsonl, report.html) read it: the report, every case × repeat with its output and its
 * graded record, and the gate's verdict.
 */

/** A report as `assay eval --config` writes it: the eval report v2 with the system-evaluation fields (`system`, `cache`, `repeats`, `errors`, `incomplete`, `contextMatching`; report/types.ts). */
export type SystemEvalReport = EvalReport;

/** One case × repeat. */
export interface CaseOutcome {
	readonly caseId: string;
	readonly query: string;
	/** 0-based. */
	readonly repeat: number;
	/** What the system returned; null when the case failed or was not run. */
	readonly output: SystemOutput | null;
	/** The case's error (counted, never scored); null when it was answered. */
	readonly error: AssayErrorData | null;
	/** The answer record after grading (checks, verdicts); null when the case failed or was not run. */
	readonly record: AnswerRecord | null;
	/** True when the run stopped (system unreachable) before this case was asked. */
	readonly notRun?: boolean;
}

/** The gate part: a verdict (`null` when the config has no gate) or why it could not run. */
export interface GateOutcome {
	readonly result: GateResult | null;
	/** Path of the baseline report gated against; null for floors only. */
	readonly baselinePath: string | null;
	/** The baseline report's per-query values (to name the cases that dropped most); absent for floors only. */
	readonly baselinePerQuery?: ReadonlyMap<string, Readonly<Record<string, number>>>;
	/** Why the gate was not evaluated (e.g. the run is incomplete); null when it ran or none is configured. */
	readonly skipped: string | null;
}

/** Everything the writers need. */
export interface EvalOutcome {
	readonly report: SystemEvalReport;
	readonly cases: readonly CaseOutcome[];
	readonly gate: GateOutcome;
	/** Judge score at or above which an answer passes (1–5). */
	readonly passThreshold: number;
	/** Wall-clock time of the run, ms. */
	readonly elapsedMs: number;
}

/** Why a graded answer fails, in words: failed checks, judge scores below the threshold, judge errors. Empty = passes. */
export function failureReasons(record: AnswerRecord, passThreshold: number): string[] {
	const reasons: string[] = [];
	for (const c of record.checks) if (!c.pass) reasons.push(`check ${c.id} failed: ${c.reason}`);
	for (const [rubric, v] of Object.entries(record.verdicts)) {
		if (!v) continue;
		if (v.result.ok) {
			if (v.result.verdict.score < passThreshold)
				reasons.push(`judge.${rubric} = ${v.result.verdict.score} < ${passThreshold}: ${v.result.verdict.reason}`);
		} else reasons.push(`judge.${rubric} gave no verdict (${v.result.error.code}): ${v.result.error.message}`);
	}
	return reasons;
}

/** The cases in golden-set order, each with its repeats (repeat order). */
export function groupByCase(cases: readonly CaseOutcome[]): { caseId: string; query: string; repeats: CaseOutcome[] }[] {
	const out = new Map<string, { caseId: string; query: string; repeats: CaseOutcome[] }>();
	for (const c of cases) {
		const g = out.get(c.caseId) ?? { caseId: c.caseId, query: c.query, repeats: [] };
		g.repeats.push(c);
		out.set(c.caseId, g);
	}
	for (const g of out.values()) g.repeats.sort((a, b) => a.repeat - b.repeat);
	return [...out.values()];
}

/**
 * The cases whose value of `metric` dropped most from the baseline to the candidate (drop > 0),
 * largest first, at most `limit`: `id: baseline → candidate`. Empty without baseline values.
 */
export function largestDrops(outcome: EvalOutcome, metric: string, limit = 10): string[] {
	const before = outcome.gate.baselinePerQuery;
	if (!before) return [];
	const drops: [string, number, number][] = [];
	for (const q of outcome.report.perQuery) {
		const b = before.get(q.id)?.[metric];
		const c = q.metrics[metric];
		if (b !== undefined && c !== undefined && b - c > 0) drops.push([q.id, b, c]);
	}
	return drops
		.sort((x, y) => y[1] - y[2] - (x[1] - x[2]) || x[0].localeCompare(y[0]))
		.slice(0, limit)
		.map(([id, b, c]) => `${id}: ${b.toFixed(4)} → ${c.toFixed(4)}`);
}
