import type { GateConfig } from '../gate/index.ts';
import type { EvalReport } from '../report/types.ts';

/**
 * Default gate for answer reports: judge correctness and faithfulness may drop by at most 0.25
 * points on the 1–5 scale (or 5 %), the layer-1 check pass rate by 0.05. As every rule, a breach
 * fails whatever the p-value (shown beside it) unless the rule opts into `requireSignificance`.
 */
export const ANSWER_GATE_CONFIG: GateConfig = {
	metrics: {
		'judge.correctness': { maxDrop: 0.25, maxDropPct: 5 },
		'judge.faithfulness': { maxDrop: 0.25, maxDropPct: 5 },
		'checks.pass-rate': { maxDrop: 0.05 }
	},
	alpha: 0.05,
	seed: 42,
	permutations: 10_000
};

/**
 * The gate to pre-fill for two reports: for two answer reports, {@link ANSWER_GATE_CONFIG}
 * restricted to the answer metrics both carry (a golden set without reference answers has no
 * `judge.correctness`); otherwise `retrievalDefault`. Falls back to `retrievalDefault` when the
 * answer reports share no answer metric.
 */
export function gateConfigFor(
	baseline: EvalReport | undefined,
	candidate: EvalReport | undefined,
	retrievalDefault: GateConfig
): GateConfig {
	if (!baseline?.answers || !candidate?.answers) return retrievalDefault;
	const shared = Object.entries(ANSWER_GATE_CONFIG.metrics).filter(
		([m]) => baseline.metrics.aggregate[m] !== undefined && candidate.metrics.aggregate[m] !== undefined
	);
	return shared.length === 0 ? retrievalDefault : { ...ANSWER_GATE_CONFIG, metrics: Object.fromEntries(shared) };
}
