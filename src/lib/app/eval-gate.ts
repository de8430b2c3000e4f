import { AssayError } from '$lib/shared/errors.ts';
import { parseGateConfig, runGate, type GateConfig, type GateResult, type GateRule } from '$lib/evals/gate/index.ts';
import type { EvalReport } from '$lib/evals/report/index.ts';

/**
 * Gate `candidate` against `baseline` with a configuration given as JSON text (the format of
 * `assay gate --config`).
 * @throws AssayError `CONFIG_INVALID` for text that is not JSON or not a gate configuration;
 *   `DATASET_INVALID` as {@link runGate}.
 */
export function gateFromText(baseline: EvalReport, candidate: EvalReport, configText: string): GateResult {
	return runGate(baseline, candidate, parseGateConfigText(configText));
}

/**
 * Gate `candidate` against `baseline` with the rules of the gate panel's rows.
 * @throws AssayError `CONFIG_INVALID` as {@link configFromRows}; `DATASET_INVALID` as {@link runGate}.
 */
export function gateFromRows(
	baseline: EvalReport,
	candidate: EvalReport,
	rows: readonly GateRuleRow[],
	base: Omit<GateConfig, 'metrics'>
): GateResult {
	return runGate(baseline, candidate, configFromRows(rows, base));
}

/**
 * Parse gate configuration JSON text.
 * @throws AssayError `CONFIG_INVALID` for text that is not JSON or not a gate configuration.
 */
export function parseGateConfigText(configText: string): GateConfig {
	let raw: unknown;
	try {
		raw = JSON.parse(configText);
	} catch (cause) {
		throw new AssayError('CONFIG_INVALID', `The gate configuration is not JSON (${String(cause)}).`, { cause });
	}
	return parseGateConfig(raw);
}

/**
 * One rule as the gate panel edits it: the fields as typed (empty = no such limit). `maxDropPct`
 * is in percent, as in the config file.
 */
export interface GateRuleRow {
	readonly metric: string;
	readonly maxDrop: string;
	readonly maxDropPct: string;
	readonly min: string;
	/** "fail only when significant" (`requireSignificance`). */
	readonly requireSignificance: boolean;
}

/** The rows of a configuration, one per metric in its order. */
export function rowsFromConfig(config: GateConfig): GateRuleRow[] {
	const text = (x: number | undefined) => (x === undefined ? '' : String(x));
	return Object.entries(config.metrics).map(([metric, r]) => ({
		metric,
		maxDrop: text(r.maxDrop),
		maxDropPct: text(r.maxDropPct),
		min: text(r.min),
		requireSignificance: r.requireSignificance ?? false
	}));
}

/**
 * The configuration the rows describe, with `base`'s alpha, seed and permutations; validated.
 * @throws AssayError `CONFIG_INVALID` for a field that is not a number, an empty or repeated
 *   metric, or a rule without any limit (the message names the metric and the field).
 */
export function configFromRows(rows: readonly GateRuleRow[], base: Omit<GateConfig, 'metrics'>): GateConfig {
	const metrics: Record<string, GateRule> = {};
	for (const row of rows) {
		const metric = row.metric.trim();
		if (metric === '') throw new AssayError('CONFIG_INVALID', 'A gate rule has no metric name.');
		if (metrics[metric]) throw new AssayError('CONFIG_INVALID', `Two gate rules name ${metric}: keep one.`);
		const num = (field: string, text: string): number | undefined => {
			if (text.trim() === '') return undefined;
			const value = Number(text);
			if (!Number.isFinite(value)) throw new AssayError('CONFIG_INVALID', `Rule ${metric}: ${field} must be a number, received "${text}".`);
			return value;
		};
		const maxDrop = num('max drop', row.maxDrop);
		const maxDropPct = num('max drop %', row.maxDropPct);
		const min = num('floor', row.min);
		if (maxDrop === undefined && maxDropPct === undefined && min === undefined)
			throw new AssayError('CONFIG_INVALID', `Rule ${metric}: give a max drop, a max drop % or a floor.`);
		metrics[metric] = {
			...(maxDrop !== undefined ? { maxDrop } : {}),
			...(maxDropPct !== undefined ? { maxDropPct } : {}),
			...(min !== undefined ? { min } : {}),
			...(row.requireSignificance ? { requireSignificance: true } : {})
		};
	}
	return parseGateConfig({ ...base, metrics });
}
