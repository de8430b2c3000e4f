import { GEN_AI } from '../tracing/otlp/conventions.ts';
import { costFor } from './cost.ts';
import type { CostResult, PriceTable } from './types.ts';

/**
 * OpenTelemetry GenAI attributes a span's cost is read from (semantic conventions v1.41.0, as
 * pinned in tracing/otlp/conventions.ts): `gen_ai.provider.name`, `gen_ai.response.model`
 * (the model that answered) else `gen_ai.request.model`, `gen_ai.usage.input_tokens`,
 * `gen_ai.usage.output_tokens` and `gen_ai.usage.cache_read.input_tokens` (cached input).
 */
export const SPAN_COST_ATTRIBUTES = {
	provider: GEN_AI.providerName,
	responseModel: 'gen_ai.response.model',
	requestModel: GEN_AI.requestModel,
	inputTokens: GEN_AI.inputTokens,
	outputTokens: GEN_AI.outputTokens,
	cachedInputTokens: 'gen_ai.usage.cache_read.input_tokens'
} as const;

const count = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);

/**
 * Cost of one span (a model call) from its GenAI attributes under `table`, or why there is none
 * (no model attribute → "no model on the span"; counts missing or not whole numbers → "no token
 * counts reported"; in-browser provider; no price). For the trace viewer and trace lists.
 */
export function spanCost(attributes: Readonly<Record<string, unknown>>, table: PriceTable): CostResult {
	const a = SPAN_COST_ATTRIBUTES;
	const model = attributes[a.responseModel] ?? attributes[a.requestModel];
	if (typeof model !== 'string' || model === '') return { ok: false, reason: 'no-price', text: 'no model on the span' };
	const provider = attributes[a.provider];
	const input = count(attributes[a.inputTokens]);
	const cached = count(attributes[a.cachedInputTokens]);
	return costFor(
		{ ...(typeof provider === 'string' ? { provider } : {}), modelId: model },
		{
			inputTokens: input,
			outputTokens: count(attributes[a.outputTokens]),
			...(cached !== null && input !== null && cached <= input ? { cachedInputTokens: cached } : {})
		},
		table
	);
}
