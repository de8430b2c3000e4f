import { describe, expect, it } from 'vitest';
import {
	DEFAULT_PRICE_TABLE,
	NO_PRICE,
	costFor,
	costOf,
	costOfPico,
	formatUsd,
	parsePriceTable,
	picoToUsdString,
	priceFor,
	spanCost,
	totalCost,
	type ModelPrice,
	type PriceTable
} from '../../../src/lib/cost/index.ts';

const row = (match: string, inputPerMTok: number, outputPerMTok: number, cachedInputPerMTok?: number): ModelPrice => ({
	match,
	inputPerMTok,
	outputPerMTok,
	...(cachedInputPerMTok === undefined ? {} : { cachedInputPerMTok }),
	source: 'https://example.com/pricing',
	asOf: '2026-12-02'
});
const table = (...models: ModelPrice[]): PriceTable => ({ version: 1, asOf: '2026-12-02', currency: 'USD', models });

describe('costOf: exact arithmetic', () => {
	it('prices tokens to the digit in pico-dollars and USD', () => {
		const mini = row('gpt-4o-mini*', 0.15, 0.6, 0.075);
		// 1234 × 0.15 µ$… : 1234 × 150 000 + 567 × 600 000 = 185 100 000 + 340 200 000 pico$.
		expect(costOfPico({ inputTokens: 1234, outputTokens: 567 }, mini)).toBe(525_300_000n);
		expect(picoToUsdString(525_300_000n)).toBe('0.0005253');
		expect(costOf({ inputTokens: 1234, outputTokens: 567 }, mini)).toBe(0.0005253);
		// Cached input at its own rate: (1000−400)×150 000 + 400×75 000 + 0.
		expect(costOfPico({ inputTokens: 1000, outputTokens: 0, cachedInputTokens: 400 }, mini)).toBe(120_000_000n);
	});

	it('has no floating-point drift: 0.1 + 0.2 style sums stay exact', () => {
		const p = row('m', 0.1, 0.2);
		const one = costFor({ modelId: 'm' }, { inputTokens: 1_000_000, outputTokens: 1_000_000 }, table(p));
		expect(one.ok && one.usd).toBe(0.3);
		const ten = totalCost(Array.from({ length: 10 }, () => costFor({ modelId: 'm' }, { inputTokens: 1, outputTokens: 0 }, table(p))));
		expect(ten.picoUsd).toBe(1_000_000n);
		expect(ten.usd).toBe(0.000001);
	});

	it('uses the input rate for cached tokens when the row has no cached rate, and refuses bad counts', () => {
		const p = row('m', 3, 15);
		expect(costOfPico({ inputTokens: 10, outputTokens: 0, cachedInputTokens: 10 }, p)).toBe(30_000_000n);
		expect(() => costOfPico({ inputTokens: 1.5, outputTokens: 0 }, p)).toThrow(/whole number/);
		expect(() => costOfPico({ inputTokens: 1, outputTokens: -1 }, p)).toThrow(/outputTokens/);
		expect(() => costOfPico({ inputTokens: 1, outputTokens: 0, cachedInputTokens: 2 }, p)).toThrow(/exceed/);
	});

	it('handles sums beyond 2^53 pico-dollars exactly', () => {
		const opus = row('claude-opus-4*', 15, 75);
		// 10^9 output tokens × 75 000 000 µ$/MTok = 7.5 × 10^16 pico$ = $75 000.
		expect(picoToUsdString(costOfPico({ inputTokens: 0, outputTokens: 1_000_000_000 }, opus))).toBe('75000');
	});
});

describe('priceFor: most specific match wins', () => {
	const t = table(row('gpt-4o*', 2.5, 10), row('gpt-4o-mini*', 0.15, 0.6), row('gpt-4o-mini-2024-07-18', 1, 1), row('*', 9, 9));
	it('prefers an exact id, then the glob with most literal characters', () => {
		expect(priceFor('gpt-4o-mini-2024-07-18', t)).toMatchObject({ match: 'gpt-4o-mini-2024-07-18' });
		expect(priceFor('gpt-4o-mini', t)).toMatchObject({ match: 'gpt-4o-mini*' });
		expect(priceFor('GPT-4o-2024-08-06', t)).toMatchObject({ match: 'gpt-4o*' });
		expect(priceFor('llama-3', t)).toMatchObject({ match: '*' });
	});
	it('tries the id after a provider prefix, and gives NO_PRICE when nothing matches', () => {
		expect(priceFor('openai/gpt-4o-mini', table(row('gpt-4o-mini*', 0.15, 0.6)))).toMatchObject({ match: 'gpt-4o-mini*' });
		expect(priceFor('Llama-3.2-1B-Instruct-q4f16_1-MLC', DEFAULT_PRICE_TABLE)).toBe(NO_PRICE);
		expect(priceFor('', DEFAULT_PRICE_TABLE)).toBe(NO_PRICE);
	});
	it('matches globs with inner wildcards and ties to the earlier row', () => {
		const g = table(row('claude-*-4*', 1, 1), row('claude-opus*', 2, 2), row('claude-son*', 3, 3));
		// 'claude-opus*' has 11 literal characters, 'claude-*-4*' 9.
		expect(priceFor('claude-opus-4-1', g)).toMatchObject({ match: 'claude-opus*' });
		expect(priceFor('claude-haiku-4-5', g)).toMatchObject({ match: 'claude-*-4*' });
		expect(priceFor('claude-x', g)).toBe(NO_PRICE);
		const tie = table(row('a*', 1, 1), row('*a', 2, 2));
		expect(priceFor('aba', tie)).toMatchObject({ match: 'a*' });
	});
	it('prices the common API models of the defaults by their own rows', () => {
		expect(priceFor('gpt-4.1-mini-2025-04-14', DEFAULT_PRICE_TABLE)).toMatchObject({ inputPerMTok: 0.4, outputPerMTok: 1.6 });
		expect(priceFor('claude-opus-4-5-20251101', DEFAULT_PRICE_TABLE)).toMatchObject({ inputPerMTok: 5 });
		expect(priceFor('claude-opus-4-1-20250805', DEFAULT_PRICE_TABLE)).toMatchObject({ inputPerMTok: 15 });
		expect(priceFor('gemini-2.5-flash-lite', DEFAULT_PRICE_TABLE)).toMatchObject({ inputPerMTok: 0.1 });
		expect(parsePriceTable(DEFAULT_PRICE_TABLE).ok).toBe(true);
	});
});

describe('costFor and totalCost', () => {
	it('says why there is no cost', () => {
		expect(costFor({ provider: 'webllm', modelId: 'gpt-4o' }, { inputTokens: 1, outputTokens: 1 }, DEFAULT_PRICE_TABLE)).toEqual({
			ok: false,
			reason: 'in-browser',
			text: 'in-browser model: time only'
		});
		expect(
			costFor({ provider: 'openai-compatible', modelId: 'my-model' }, { inputTokens: 1, outputTokens: 1 }, DEFAULT_PRICE_TABLE)
		).toMatchObject({ reason: 'no-price', text: 'no price for model my-model' });
		expect(costFor({ modelId: 'gpt-4o' }, { inputTokens: null, outputTokens: 3 }, DEFAULT_PRICE_TABLE)).toMatchObject({
			reason: 'no-usage'
		});
	});
	it('totals the priced ones and counts the rest', () => {
		const t = table(row('a', 1, 2));
		const total = totalCost([
			costFor({ modelId: 'a' }, { inputTokens: 100, outputTokens: 50 }, t),
			costFor({ modelId: 'a' }, null, t),
			costFor({ modelId: 'b' }, { inputTokens: 1, outputTokens: 1 }, t)
		]);
		expect(total).toMatchObject({ usd: 0.0002, priced: 1, unpriced: 2, reasons: ['no token counts reported', 'no price for model b'] });
		expect(totalCost([]).usd).toBeNull();
	});
	it('formats USD for people', () => {
		expect(formatUsd(0.0005253)).toBe('$0.0005253');
		expect(formatUsd(0.000123456)).toBe('$0.0001235');
		expect(formatUsd(12.3456)).toBe('$12.35');
		expect(formatUsd(0)).toBe('$0');
		expect(formatUsd(1e-9)).toBe('<$0.000001');
	});
});

describe('parsePriceTable: per-row errors', () => {
	it('names each bad row and field', () => {
		const r = parsePriceTable({
			version: 1,
			asOf: '2026-12-02',
			currency: 'USD',
			models: [
				row('ok*', 1, 2),
				{ ...row('bad', 1, 2), inputPerMTok: -1 },
				{ ...row('x', 1, 2), source: 'not a url', asOf: '2026-13-40' },
				row('OK*', 1, 1),
				{ ...row('y', 1, 2), outputPerMTok: 0.0000001 },
				'nope'
			]
		});
		expect(r.ok).toBe(false);
		if (r.ok) return;
		const at = (row: number) => r.errors.filter((e) => e.row === row).map((e) => `${e.path}: ${e.message}`);
		expect(at(0)).toEqual([]);
		expect(at(1)).toEqual(['models[1].inputPerMTok: must be ≥ 0']);
		expect(at(2).some((e) => e.startsWith('models[2].source'))).toBe(true);
		expect(at(2).some((e) => e.startsWith('models[2].asOf'))).toBe(true);
		expect(at(3)).toEqual(['models[3].match: "OK*" is already priced by row 0']);
		expect(at(4)).toEqual(['models[4].outputPerMTok: has more than 6 decimals']);
		expect(at(5)).toHaveLength(1);
	});
	it('rejects a bad table head', () => {
		const r = parsePriceTable({ version: 2, asOf: 'today', currency: 'EUR', models: {} });
		expect(r.ok).toBe(false);
		if (!r.ok) expect(r.errors.map((e) => e.path).sort()).toEqual(['asOf', 'currency', 'models', 'version']);
		expect(parsePriceTable(null).ok).toBe(false);
	});
});

describe('spanCost: from OpenTelemetry GenAI attributes', () => {
	it('prices a model-call span by its response model, with cached input', () => {
		const c = spanCost(
			{
				'gen_ai.provider.name': 'openai',
				'gen_ai.request.model': 'gpt-4o',
				'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
				'gen_ai.usage.input_tokens': 2000,
				'gen_ai.usage.cache_read.input_tokens': 1000,
				'gen_ai.usage.output_tokens': 100
			},
			DEFAULT_PRICE_TABLE
		);
		// 1000 × 0.15 + 1000 × 0.075 + 100 × 0.60 = 285 µ$.
		expect(c).toMatchObject({ ok: true, picoUsd: 285_000_000n, usd: 0.000285, match: 'gpt-4o-mini*' });
	});
	it('says why a span has no cost', () => {
		expect(spanCost({ 'gen_ai.usage.input_tokens': 5 }, DEFAULT_PRICE_TABLE)).toMatchObject({ ok: false, text: 'no model on the span' });
		expect(spanCost({ 'gen_ai.provider.name': 'webllm', 'gen_ai.request.model': 'Llama-3.2-1B' }, DEFAULT_PRICE_TABLE)).toMatchObject({
			reason: 'in-browser'
		});
		expect(spanCost({ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 1.5 }, DEFAULT_PRICE_TABLE)).toMatchObject({
			reason: 'no-usage'
		});
	});
});
