import type { PriceTable } from './types.ts';

/** OpenAI's model pages carry each model's rates (the main pricing page lists the newest models only). */
const OPENAI = (model: string) => `https://developers.openai.com/api/docs/models/${model}`;
const ANTHROPIC = 'https://platform.claude.com/docs/en/about-claude/pricing';
const GOOGLE = 'https://ai.google.dev/gemini-api/docs/pricing';
/** The day these rows were read from the providers' pricing pages (and cross-checked). */
const READ = '2026-12-02';

/**
 * Dated default prices, USD per million tokens, standard (non-batch) tier, text tokens, as the
 * providers' pricing pages give them on {@link READ}. Each row names its source page. Left out
 * where the sources disagreed or could not be checked: OpenAI o-series (o3, o3-mini: cached and
 * list prices differ between sources), Mistral (published rates differ between sources), Gemini
 * cached-input rates. Gemini 2.5 Pro is priced at its ≤ 200k-token prompt tier (longer prompts
 * cost more: the table has one tier per row). Users edit the table in Settings (docs/cost.md).
 */
export const DEFAULT_PRICE_TABLE: PriceTable = {
	version: 1,
	asOf: READ,
	currency: 'USD',
	models: [
		// OpenAI, standard tier, from each model's page.
		{ match: 'gpt-4o*', inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25, source: OPENAI('gpt-4o'), asOf: READ },
		{ match: 'gpt-4o-mini*', inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075, source: OPENAI('gpt-4o-mini'), asOf: READ },
		{ match: 'gpt-4.1*', inputPerMTok: 2, outputPerMTok: 8, cachedInputPerMTok: 0.5, source: OPENAI('gpt-4.1'), asOf: READ },
		{ match: 'gpt-4.1-mini*', inputPerMTok: 0.4, outputPerMTok: 1.6, cachedInputPerMTok: 0.1, source: OPENAI('gpt-4.1-mini'), asOf: READ },
		{
			match: 'gpt-4.1-nano*',
			inputPerMTok: 0.1,
			outputPerMTok: 0.4,
			cachedInputPerMTok: 0.025,
			source: OPENAI('gpt-4.1-nano'),
			asOf: READ
		},
		// Anthropic: "Cache Hits & Refreshes" is the cached-input rate.
		{ match: 'claude-opus-4*', inputPerMTok: 15, outputPerMTok: 75, cachedInputPerMTok: 1.5, source: ANTHROPIC, asOf: READ },
		{ match: 'claude-opus-4-5*', inputPerMTok: 5, outputPerMTok: 25, cachedInputPerMTok: 0.5, source: ANTHROPIC, asOf: READ },
		{ match: 'claude-opus-4-6*', inputPerMTok: 5, outputPerMTok: 25, cachedInputPerMTok: 0.5, source: ANTHROPIC, asOf: READ },
		{ match: 'claude-sonnet-4*', inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, source: ANTHROPIC, asOf: READ },
		{ match: 'claude-3-7-sonnet*', inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, source: ANTHROPIC, asOf: READ },
		{ match: 'claude-haiku-4-5*', inputPerMTok: 1, outputPerMTok: 5, cachedInputPerMTok: 0.1, source: ANTHROPIC, asOf: READ },
		{ match: 'claude-3-5-haiku*', inputPerMTok: 0.8, outputPerMTok: 4, cachedInputPerMTok: 0.08, source: ANTHROPIC, asOf: READ },
		{ match: 'claude-3-haiku*', inputPerMTok: 0.25, outputPerMTok: 1.25, cachedInputPerMTok: 0.03, source: ANTHROPIC, asOf: READ },
		// Google Gemini (paid tier, text input).
		{ match: 'gemini-2.5-pro*', inputPerMTok: 1.25, outputPerMTok: 10, source: GOOGLE, asOf: READ },
		{ match: 'gemini-2.5-flash*', inputPerMTok: 0.3, outputPerMTok: 2.5, source: GOOGLE, asOf: READ },
		{ match: 'gemini-2.5-flash-lite*', inputPerMTok: 0.1, outputPerMTok: 0.4, source: GOOGLE, asOf: READ }
	]
};
