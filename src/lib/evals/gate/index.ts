import { z } from '../../shared/zod.ts';
import { AssayError } from '../../shared/errors.ts';
import { compareReports } from '../report/compare.ts';
import type { EvalReport } from '../report/types.ts';

/**
 * Regression gate: a candidate report against a baseline on the same golden set. For each gated
 * metric the drop of the mean over shared queries is compared with absolute and relative
 * thresholds; a breach fails the gate only when the paired randomization test says the candidate
 * is significantly worse (p < α, src/lib/evals/stats/paired.ts) — unless the rule sets
 * `requireSignificance: false` — so noise on a small golden set does not block a release.
 */

/** Thresholds of one metric. Drops are `baseline − candidate` (metrics are higher-is-better). */
export const GateRuleSchema = z
	.object({
		/** Largest allowed drop of the mean, in metric units (0.02 = two points of nDCG). */
		maxAbsoluteDrop: z.number().finite().min(0).optional(),
		/** Largest allowed drop relative to the baseline mean (0.05 = 5 %). */
		maxRelativeDrop: z.number().finite().min(0).optional(),
		/** Fail a breach only when it is significant (default true). */
		requireSignificance: z.boolean().optional()
	})
	.strict()
	.refine((r) => r.maxAbsoluteDrop !== undefined || r.maxRelativeDrop !== undefined, 'a rule needs maxAbsoluteDrop or maxRelativeDrop');

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

/** Defaults when neither a config file nor flags name metrics: nDCG@10 and recall@10, 0.02 absolute / 5 % relative. */
export const DEFAULT_GATE_CONFIG: GateConfig = {
	metrics: { 'ndcg@10': { maxAbsoluteDrop: 0.02, maxRelativeDrop: 0.05 }, 'recall@10': { maxAbsoluteDrop: 0.02, maxRelativeDrop: 0.05 } },
	alpha: 0.05,
	seed: 42,
	permutations: 10_000
};

/** Gate outcome of one metric. */
export interface MetricGate {
	readonly metric: string;
	/** Shared queries with a value of this metric in both reports (judge metrics leave out queries whose verdict was an error). */
	readonly queryCount: number;
	readonly baselineMean: number;
	readonly candidateMean: number;
	/** baseline − candidate (positive = worse). */
	readonly absoluteDrop: number;
	/** absoluteDrop / baselineMean; `null` when the baseline mean is 0. */
	readonly relativeDrop: number | null;
	readonly pValue: number;
	readonly significantlyWorse: boolean;
	readonly pass: boolean;
	readonly reasons: string[];
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
	const parsed = GateConfigSchema.safeParse(value);
	if (parsed.success) return parsed.data;
	throw new AssayError('CONFIG_INVALID', `Invalid gate configuration — ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
}

const fmt = (x: number) => x.toFixed(4);

/**
 * Gate `candidate` against `baseline`.
 * @throws AssayError `DATASET_INVALID` when the golden sets differ (content hash), a report was cancelled, they share no
 *   query, or a gated metric is missing (unusable input, never a silent PASS).
 */
export function runGate(baseline: EvalReport, candidate: EvalReport, config: GateConfig = DEFAULT_GATE_CONFIG): GateResult {
	if (baseline.dataset.contentHash !== candidate.dataset.contentHash) {
		throw new AssayError('DATASET_INVALID', `The reports are on different golden sets ("${baseline.dataset.name}" ${baseline.dataset.contentHash.slice(0, 12)} vs "${candidate.dataset.name}" ${candidate.dataset.contentHash.slice(0, 12)}): not comparable.`);
	}
	for (const r of [baseline, candidate]) {
		if (r.status !== 'complete') throw new AssayError('DATASET_INVALID', `Report "${r.id}" is ${r.status}: a partial run cannot gate a release.`);
	}
	const names = Object.keys(config.metrics);
	if (names.length === 0) throw new AssayError('CONFIG_INVALID', 'The gate configuration names no metric.');
	const alpha = config.alpha ?? 0.05;
	const shared = new Set(candidate.perQuery.map((q) => q.id));
	const queryCount = baseline.perQuery.filter((q) => shared.has(q.id)).length;
	const metrics = names.map((metric): MetricGate => {
		const rule = config.metrics[metric] as GateRule;
		const cmp = compareReports(baseline, candidate, metric, { alpha, seed: config.seed ?? 42, permutations: config.permutations ?? 10_000, resamples: 1000 });
		const absoluteDrop = cmp.baseline.mean - cmp.candidate.mean;
		const relativeDrop = cmp.baseline.mean === 0 ? null : absoluteDrop / cmp.baseline.mean;
		const significantlyWorse = cmp.paired.verdict === 'worse';
		const breaches: string[] = [];
		if (rule.maxAbsoluteDrop !== undefined && absoluteDrop > rule.maxAbsoluteDrop) breaches.push(`dropped ${fmt(absoluteDrop)} (${fmt(cmp.baseline.mean)} → ${fmt(cmp.candidate.mean)}), more than the allowed ${rule.maxAbsoluteDrop}`);
		if (rule.maxRelativeDrop !== undefined && relativeDrop !== null && relativeDrop > rule.maxRelativeDrop) breaches.push(`dropped ${(relativeDrop * 100).toFixed(2)} % of the baseline, more than the allowed ${(rule.maxRelativeDrop * 100).toFixed(2)} %`);
		const needSig = rule.requireSignificance ?? true;
		const pass = breaches.length === 0 || (needSig && !significantlyWorse);
		const over = cmp.paired.queryCount < queryCount ? `, over the ${cmp.paired.queryCount} of ${queryCount} queries with a value in both` : '';
		const sig = `paired randomization test p = ${cmp.paired.pValue.toFixed(4)} (α = ${alpha})${over}`;
		const reasons =
			breaches.length === 0
				? [`${metric}: within thresholds (${fmt(cmp.baseline.mean)} → ${fmt(cmp.candidate.mean)}); ${sig}`]
				: breaches.map((b) => `${metric}: ${b}; ${sig}${pass ? ' — not significant, so not failing' : ''}`);
		return { metric, queryCount: cmp.paired.queryCount, baselineMean: cmp.baseline.mean, candidateMean: cmp.candidate.mean, absoluteDrop, relativeDrop, pValue: cmp.paired.pValue, significantlyWorse, pass, reasons };
	});
	return { verdict: metrics.every((m) => m.pass) ? 'PASS' : 'FAIL', queryCount, metrics, config };
}
