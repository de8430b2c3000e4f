import { AssayError } from '$lib/shared/errors.ts';
import { parseGateConfig, runGate, type GateResult } from '$lib/evals/gate/index.ts';
import type { EvalReport } from '$lib/evals/report/index.ts';

/**
 * Gate `candidate` against `baseline` with a configuration given as JSON text (the format of
 * `assay gate --config`).
 * @throws AssayError `CONFIG_INVALID` for text that is not JSON or not a gate configuration;
 *   `DATASET_INVALID` as {@link runGate}.
 */
export function gateFromText(baseline: EvalReport, candidate: EvalReport, configText: string): GateResult {
	let raw: unknown;
	try {
		raw = JSON.parse(configText);
	} catch (cause) {
		throw new AssayError('CONFIG_INVALID', `The gate configuration is not JSON (${String(cause)}).`, { cause });
	}
	return runGate(baseline, candidate, parseGateConfig(raw));
}
