/**
 * Cost of model calls: tokens × a per-model price table (docs/cost.md). Prices are USD per
 * million tokens (`…PerMTok`); internally every price is an integer number of micro-dollars per
 * million tokens, so a cost is an exact integer of pico-dollars (µ$/MTok × tokens = 10⁻¹² USD).
 */

/** One row of a price table: the models it prices and their rates. */
export interface ModelPrice {
	/**
	 * A model id, exact (`gpt-4o-mini-2024-07-18`) or a glob whose only wildcard is `*` (any run of
	 * characters, also none): `gpt-4o-mini*`. Compared case-insensitively.
	 */
	readonly match: string;
	/** USD per million input (prompt) tokens, ≥ 0, at most 6 decimals. */
	readonly inputPerMTok: number;
	/** USD per million output (completion, including reasoning) tokens, ≥ 0, at most 6 decimals. */
	readonly outputPerMTok: number;
	/** USD per million cached input tokens; absent = cached tokens cost the input rate. */
	readonly cachedInputPerMTok?: number;
	/** URL of the provider's pricing page the rates come from. */
	readonly source: string;
	/** The day the rates were read from `source`, ISO `YYYY-MM-DD`. */
	readonly asOf: string;
}

/** A price table (Settings → Models and endpoints; `assay.priceTable` in localStorage). */
export interface PriceTable {
	readonly version: 1;
	/** The day the table as a whole was last checked, ISO `YYYY-MM-DD`. */
	readonly asOf: string;
	readonly currency: 'USD';
	readonly models: readonly ModelPrice[];
}

/**
 * Token counts of one call or a sum of calls, OpenAI convention: `inputTokens` counts every
 * prompt token, cached ones included; `cachedInputTokens` (≤ `inputTokens`) is the part billed
 * at the cached rate.
 */
export interface TokenUsage {
	readonly inputTokens: number;
	readonly outputTokens: number;
	readonly cachedInputTokens?: number;
}

/** Why something has no cost: an in-browser model (time is its cost), a model the table does not price, or no token counts. */
export type UnpricedReason = 'in-browser' | 'no-price' | 'no-usage';

/** A computed cost, or why there is none (`text` says it to a person, e.g. "in-browser model: time only"). */
export type CostResult =
	| {
			readonly ok: true;
			/** Exact cost in pico-dollars (10⁻¹² USD). */
			readonly picoUsd: bigint;
			/** The same in USD (the nearest double to the exact value). */
			readonly usd: number;
			/** The `match` of the row that priced it. */
			readonly match: string;
	  }
	| { readonly ok: false; readonly reason: UnpricedReason; readonly text: string };

/** Cost over many calls or answers: the priced total and how many could not be priced, by reason. */
export interface CostTotal {
	/** USD over the priced items; `null` when none was priced. */
	readonly usd: number | null;
	readonly picoUsd: bigint;
	readonly priced: number;
	readonly unpriced: number;
	/** Distinct reasons (texts) of the unpriced items, in first-seen order. */
	readonly reasons: readonly string[];
}
