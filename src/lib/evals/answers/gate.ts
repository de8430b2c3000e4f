import type { GateConfig } from '../gate/index.ts';

/**
 * Default gate for answer reports: judge correctness and faithfulness may drop by at most 0.25
 * points on the 1–5 scale (or 5 %), the layer-1 check pass rate by 0.05 — each failing only when
 * the paired randomization test finds the drop significant (α 0.05), as for retrieval metrics.
 */
export const ANSWER_GATE_CONFIG: GateConfig = {
	metrics: {
		'judge.correctness': { maxAbsoluteDrop: 0.25, maxRelativeDrop: 0.05 },
		'judge.faithfulness': { maxAbsoluteDrop: 0.25, maxRelativeDrop: 0.05 },
		'checks.pass-rate': { maxAbsoluteDrop: 0.05 }
	},
	alpha: 0.05,
	seed: 42,
	permutations: 10_000
};
