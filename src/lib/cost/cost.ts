import type { CostResult, CostTotal, ModelPrice, PriceTable, TokenUsage } from './types.ts';
import { isPriced, priceFor } from './table.ts';

/** Providers whose models run in the browser (or are scripted stand-ins): no price, their cost is time. */
export const IN_BROWSER_PROVIDERS: readonly string[] = ['webllm', 'scripted', 'in-browser'];

const PICO_PER_USD = 1_000_000_000_000n;

/** A USD-per-MTok rate as an exact integer of micro-dollars per MTok (rates carry ≤ 6 decimals). */
const microPerMTok = (usdPerMTok: number): bigint => BigInt(Math.round(usdPerMTok * 1e6));

const count = (n: number | undefined, what: string): bigint => {
	const v = n ?? 0;
	if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${what} must be a whole number ≥ 0, got ${String(n)}`);
	return BigInt(v);
};

/**
 * Exact cost of `usage` at `price`, in pico-dollars (10⁻¹² USD): uncached input × input rate +
 * cached input × cached rate (the input rate when the row has none) + output × output rate, each
 * rate in µ$/MTok, so µ$/MTok × tokens is pico-dollars with no rounding. Throws a RangeError for
 * counts that are not whole numbers ≥ 0 or cached > input.
 */
export function costOfPico(usage: TokenUsage, price: ModelPrice): bigint {
	const input = count(usage.inputTokens, 'inputTokens');
	const output = count(usage.outputTokens, 'outputTokens');
	const cached = count(usage.cachedInputTokens, 'cachedInputTokens');
	if (cached > input) throw new RangeError(`cachedInputTokens (${cached}) must not exceed inputTokens (${input})`);
	const cachedRate = microPerMTok(price.cachedInputPerMTok ?? price.inputPerMTok);
	return (input - cached) * microPerMTok(price.inputPerMTok) + cached * cachedRate + output * microPerMTok(price.outputPerMTok);
}

/** Pico-dollars as an exact decimal string of USD, trailing zeros dropped: 150000000n → "0.00015". */
export function picoToUsdString(pico: bigint): string {
	const sign = pico < 0n ? '-' : '';
	const abs = pico < 0n ? -pico : pico;
	const whole = abs / PICO_PER_USD;
	const frac = (abs % PICO_PER_USD).toString().padStart(12, '0').replace(/0+$/, '');
	return `${sign}${whole}${frac ? '.' + frac : ''}`;
}

/** Pico-dollars as a USD number (the nearest double to the exact decimal). */
export const picoToUsd = (pico: bigint): number => Number(picoToUsdString(pico));

/** Cost of `usage` at `price` in USD (exact arithmetic, then the nearest double). */
export function costOf(usage: TokenUsage, price: ModelPrice): number {
	return picoToUsd(costOfPico(usage, price));
}

/** The model a cost is asked for: its provider (`openai-compatible`, `webllm`, …) and id. */
export interface PricedModel {
	readonly provider?: string;
	readonly modelId: string;
}

/**
 * Cost of one call or answer of `model` with `usage` under `table`, or why there is none:
 * in-browser providers ({@link IN_BROWSER_PROVIDERS}) → "in-browser model: time only"; no token
 * counts (null or a null field) → "no token counts"; no row → "no price for model X".
 */
export function costFor(
	model: PricedModel,
	usage: { readonly inputTokens: number | null; readonly outputTokens: number | null; readonly cachedInputTokens?: number | null } | null,
	table: PriceTable
): CostResult {
	if (model.provider !== undefined && IN_BROWSER_PROVIDERS.includes(model.provider))
		return { ok: false, reason: 'in-browser', text: 'in-browser model: time only' };
	const price = priceFor(model.modelId, table);
	if (!isPriced(price)) return { ok: false, reason: 'no-price', text: `no price for model ${model.modelId || '(unnamed)'}` };
	if (!usage || usage.inputTokens === null || usage.outputTokens === null)
		return { ok: false, reason: 'no-usage', text: 'no token counts reported' };
	const picoUsd = costOfPico(
		{ inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, cachedInputTokens: usage.cachedInputTokens ?? undefined },
		price
	);
	return { ok: true, picoUsd, usd: picoToUsd(picoUsd), match: price.match };
}

/** Sum of many costs (per run, report or configuration): exact over the priced ones, with the unpriced counted by reason. */
export function totalCost(results: readonly CostResult[]): CostTotal {
	let pico = 0n;
	let priced = 0;
	const reasons: string[] = [];
	for (const r of results) {
		if (r.ok) {
			pico += r.picoUsd;
			priced++;
		} else if (!reasons.includes(r.text)) reasons.push(r.text);
	}
	return { usd: priced > 0 ? picoToUsd(pico) : null, picoUsd: pico, priced, unpriced: results.length - priced, reasons };
}

/**
 * A USD amount for people: "$0.0123", "$1.23", "<$0.000001" for a tiny non-zero amount; 4
 * significant digits below one cent, 2 decimals from one dollar up.
 */
export function formatUsd(usd: number): string {
	if (usd === 0) return '$0';
	if (Math.abs(usd) < 0.000001) return '<$0.000001';
	if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
	return `$${Number(usd.toPrecision(4)).toString()}`;
}
