import { z } from '../../shared/zod.ts';
import { AssayError } from '../../shared/errors.ts';
import { compareReports } from '../report/compare.ts';
import type { GateableReport } from '../report/compare.ts';

/**
 * Regression gate: a candidate report against a baseline on the same golden set. Each gated
 * metric has a rule; over the queries both reports share (and that have the metric on both
 * sides), the rule decides:
 * - FAIL when the candidate mean is below the rule's floor `min` (whatever the baseline);
 * - FAIL when the drop (baseline − candidate) exceeds `maxDrop` (metric units) or `maxDropPct`
 *   (percent of the baseline mean) — unless the rule sets `requireSignificance: true`, in which
 *   case such a breach fails only when the paired randomization test (src/lib/evals/stats/paired.ts)
 *   also finds the candidate significantly worse (p < α);
 * - otherwise PASS.
 * The p-value is reported beside every rule, and a limit the user wrote is a limit: by default a
 * breach fails whatever the p-value. The gate passes when every rule passes.
 */

/** Old rule fields (before explicit limits failed by default) and what replaced them. */
const RENAMED_FIELDS: Readonly<Record<string, string>> = {
	maxAbsoluteDrop: 'use "maxDrop" (same units)',
	maxRelativeDrop: 'use "maxDropPct" in percent (0.05 → 5)'
};

/** One metric's rule. Drops are `baseline − candidate` (metrics are higher-is-better). */
export const GateRuleSchema = z
	.object({
		/** Largest allowed drop of the mean, in metric units (0.02 = two points of nDCG, 0.25 = a quarter point of a 1–5 judge score). */
		maxDrop: z.number().finite().min(0).optional(),
		/** Largest allowed drop relative to the baseline mean, in percent (5 = 5 %); not checked when the baseline mean is 0. */
		maxDropPct: z.number().finite().min(0).max(100).optional(),
		/** Floor: the candidate mean must be at least this (in metric units), whatever the baseline. */
		min: z.number().finite().optional(),
		/** Fail a breached drop limit only when the drop is significant (p < α). Default false. Floors never wait for significance. */
		requireSignificance: z.boolean().optional()
	})
	.strict()
	.refine((r) => r.maxDrop !== undefined || r.maxDropPct !== undefined || r.min !== undefined, 'a rule needs maxDrop, maxDropPct or min');

/** A gate configuration (the `--config gate.json` file). */
export const GateConfigSchema = z
	.object({
		metrics: z.record(z.string().min(1), GateRuleSchema),
		/** Significance level α of the paired test, (0, 0.5]; default 0.05. */
		alpha: z.number().gt(0).max(0.5).optional(),
		/** Seed of the bootstrap and permutation generator; default 42. */
		seed: z.number().int().optional(),
		/** Permutations of the randomization test; default 10 000. */
		permutations: z.number().int().min(100).max(1_000_000).optional()
	})
	.strict();

export type GateRule = z.infer<typeof GateRuleSchema>;
export type GateConfig = z.infer<typeof GateConfigSchema>;

/** Defaults when neither a config file nor flags name metrics: nDCG@10 and recall@10 may drop by 0.02 or 5 %. */
export const DEFAULT_GATE_CONFIG: GateConfig = {
	metrics: { 'ndcg@10': { maxDrop: 0.02, maxDropPct: 5 }, 'recall@10': { maxDrop: 0.02, maxDropPct: 5 } },
	alpha: 0.05,
	seed: 42,
	permutations: 10_000
};

/** One limit of a rule, checked. */
export interface GateLimitCheck {
	readonly kind: 'maxDrop' | 'maxDropPct' | 'min';
	/** The rule's value (metric units; percent for `maxDropPct`). */
	readonly limit: number;
	/** What was measured: the drop, the drop in percent (`null` when the baseline mean is 0), or the candidate mean. */
	readonly observed: number | null;
	readonly breached: boolean;
}

/** Gate outcome of one metric. */
export interface MetricGate {
	readonly metric: string;
	/** Shared queries with a value of this metric in both reports (judge metrics leave out queries whose verdict was an error). */
	readonly queryCount: number;
	readonly baselineMean: number;
	readonly candidateMean: number;
	/** candidate − baseline (negative = worse). */
	readonly delta: number;
	/** baseline − candidate (positive = worse). */
	readonly absoluteDrop: number;
	/** absoluteDrop / baselineMean (a fraction); `null` when the baseline mean is 0. */
	readonly relativeDrop: number | null;
	/** Two-sided paired randomization test. */
	readonly pValue: number;
	readonly alpha: number;
	/** p < α and the candidate mean is lower. */
	readonly significantlyWorse: boolean;
	readonly requireSignificance: boolean;
	readonly checks: GateLimitCheck[];
	/** The rule in words: `drop ≤ 0.02, drop ≤ 5 %, mean ≥ 4.2`, plus `fail only when significant`. */
	readonly limit: string;
	readonly pass: boolean;
	/** Why the rule passed or failed, in words. */
	readonly reason: string;
	/** True for a floor-only rule checked on the candidate alone because the baseline lacks the metric: `baselineMean`, `delta` and the drops are then the candidate's own (0), not a comparison. Absent otherwise. */
	readonly baselineLacksMetric?: true;
}

/** The gate's verdict. */
export interface GateResult {
	readonly verdict: 'PASS' | 'FAIL';
	/** Queries the two reports share (each metric's own count is in `metrics[i].queryCount`). */
	readonly queryCount: number;
	readonly metrics: MetricGate[];
	readonly config: GateConfig;
}

/**
 * Parse a gate configuration (JSON value).
 * @throws AssayError `CONFIG_INVALID` naming the first problems.
 */
export function parseGateConfig(value: unknown): GateConfig {
	const rules = (value as { metrics?: unknown } | null)?.metrics;
	if (rules !== null && typeof rules === 'object') {
		for (const [metric, rule] of Object.entries(rules)) {
			for (const field of Object.keys(rule !== null && typeof rule === 'object' ? rule : {})) {
				const instead = RENAMED_FIELDS[field];
				if (instead) {
					throw new AssayError(
						'CONFIG_INVALID',
						`Invalid gate configuration — metrics.${metric}.${field} is no longer a gate field: ${instead}. A breached limit now fails whatever the p-value; add "requireSignificance": true to fail only when the drop is significant.`,
						{ details: { field: `metrics.${metric}.${field}` } }
					);
				}
			}
		}
	}
	const parsed = GateConfigSchema.safeParse(value);
	if (parsed.success) return parsed.data;
	throw new AssayError(
		'CONFIG_INVALID',
		`Invalid gate configuration — ${parsed.error.issues
			.slice(0, 5)
			.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
			.join('; ')}`
	);
}

const fmt = (x: number) => x.toFixed(4);
const pct = (x: number) => `${Number(x.toFixed(2))} %`;

/** A rule in words, as the CLI and the page show it beside the result. */
export function describeRule(rule: GateRule): string {
	const parts: string[] = [];
	if (rule.maxDrop !== undefined) parts.push(`drop ≤ ${rule.maxDrop}`);
	if (rule.maxDropPct !== undefined) parts.push(`drop ≤ ${pct(rule.maxDropPct)}`);
	if (rule.min !== undefined) parts.push(`mean ≥ ${rule.min}`);
	if (rule.requireSignificance && (rule.maxDrop !== undefined || rule.maxDropPct !== undefined))
		parts.push('drops fail only when significant');
	return parts.join(', ');
}

/**
 * Gate `candidate` against `baseline` (decision rule: see the module comment).
 * A floor-only rule (`min`, no drop limit) whose metric the baseline lacks is checked on the candidate alone.
 * @throws AssayError `DATASET_INVALID` when the golden sets differ (content hash), a report was cancelled, they share no
 *   query, or a gated metric is missing (from the candidate; from the baseline, for a rule with a drop limit) (unusable input, never a silent PASS); `CONFIG_INVALID` for a config naming no metric.
 */
export function runGate(baseline: GateableReport, candidate: GateableReport, config: GateConfig = DEFAULT_GATE_CONFIG): GateResult {
	if (baseline.dataset.contentHash !== candidate.dataset.contentHash) {
		throw new AssayError(
			'DATASET_INVALID',
			`The reports are on different golden sets ("${baseline.dataset.name}" ${baseline.dataset.contentHash.slice(0, 12)} vs "${candidate.dataset.name}" ${candidate.dataset.contentHash.slice(0, 12)}): not comparable.`
		);
	}
	for (const r of [baseline, candidate]) {
		if (r.status !== 'complete')
			throw new AssayError('DATASET_INVALID', `Report "${r.id}" is ${r.status}: a partial run cannot gate a release.`);
	}
	const names = Object.keys(config.metrics);
	if (names.length === 0) throw new AssayError('CONFIG_INVALID', 'The gate configuration names no metric.');
	const alpha = config.alpha ?? 0.05;
	const shared = new Set(candidate.perQuery.map((q) => q.id));
	const queryCount = baseline.perQuery.filter((q) => shared.has(q.id)).length;
	const metrics = names.map((metric): MetricGate => {
		const rule = config.metrics[metric] as GateRule;
		// A floor needs no baseline: a floor-only rule on a metric the baseline lacks (e.g. a judge added after the
		// baseline was committed) is checked on the candidate alone, as with no baseline at all.
		const floorOnly = rule.maxDrop === undefined && rule.maxDropPct === undefined;
		const baselineHas = baseline.perQuery.some((q) => shared.has(q.id) && q.metrics[metric] !== undefined);
		const cmp = compareReports(floorOnly && !baselineHas ? candidate : baseline, candidate, metric, {
			alpha,
			seed: config.seed ?? 42,
			permutations: config.permutations ?? 10_000,
			resamples: 1000
		});
		const baselineMean = cmp.baseline.mean;
		const candidateMean = cmp.candidate.mean;
		const absoluteDrop = baselineMean - candidateMean;
		const relativeDrop = baselineMean === 0 ? null : absoluteDrop / baselineMean;
		const significantlyWorse = cmp.paired.verdict === 'worse';
		const requireSignificance = rule.requireSignificance ?? false;
		const checks: GateLimitCheck[] = [];
		if (rule.maxDrop !== undefined)
			checks.push({ kind: 'maxDrop', limit: rule.maxDrop, observed: absoluteDrop, breached: absoluteDrop > rule.maxDrop });
		if (rule.maxDropPct !== undefined) {
			const observed = relativeDrop === null ? null : relativeDrop * 100;
			checks.push({ kind: 'maxDropPct', limit: rule.maxDropPct, observed, breached: observed !== null && observed > rule.maxDropPct });
		}
		if (rule.min !== undefined) checks.push({ kind: 'min', limit: rule.min, observed: candidateMean, breached: candidateMean < rule.min });
		const p = `p = ${cmp.paired.pValue.toFixed(4)}`;
		const floor = checks.find((c) => c.kind === 'min' && c.breached);
		const drops = checks.filter((c) => c.kind !== 'min' && c.breached);
		const dropFails = drops.length > 0 && (!requireSignificance || significantlyWorse);
		const pass = !floor && !dropFails;
		const words: string[] = [];
		if (floor) words.push(`candidate mean ${fmt(candidateMean)} is below the floor ${floor.limit}`);
		if (drops.length > 0) {
			const what = drops
				.map((c) =>
					c.kind === 'maxDrop'
						? `more than the allowed ${c.limit}`
						: `${pct(c.observed as number)} of the baseline, more than the allowed ${pct(c.limit)}`
				)
				.join(' and ');
			const sig = !requireSignificance
				? `${p} (a breached limit fails whatever the p-value)`
				: significantlyWorse
					? `significant (${p} < α ${alpha})`
					: `not significant (${p}, α ${alpha}), and this rule fails only when significant`;
			words.push(`dropped ${fmt(absoluteDrop)} (${fmt(baselineMean)} → ${fmt(candidateMean)}), ${what}; ${sig}`);
		}
		if (words.length === 0)
			words.push(
				floorOnly && !baselineHas
					? `candidate mean ${fmt(candidateMean)} is at or above the floor ${rule.min} (the baseline has no ${metric}: floor only)`
					: `within limits (${fmt(baselineMean)} → ${fmt(candidateMean)}); ${p}`
			);
		else if (floorOnly && !baselineHas) words.push(`the baseline has no ${metric}: floor only`);
		if (cmp.paired.queryCount < queryCount) words.push(`over the ${cmp.paired.queryCount} of ${queryCount} queries with a value in both`);
		return {
			metric,
			queryCount: cmp.paired.queryCount,
			baselineMean,
			candidateMean,
			delta: candidateMean - baselineMean,
			absoluteDrop,
			relativeDrop,
			pValue: cmp.paired.pValue,
			alpha,
			significantlyWorse,
			requireSignificance,
			checks,
			limit: describeRule(rule),
			pass,
			reason: words.join('; '),
			...(floorOnly && !baselineHas ? { baselineLacksMetric: true as const } : {})
		};
	});
	return { verdict: metrics.every((m) => m.pass) ? 'PASS' : 'FAIL', queryCount, metrics, config };
}
