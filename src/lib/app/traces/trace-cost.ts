/**
 * Cost of traces for the Traces page: every model-call span (one with GenAI token usage or the
 * `chat` operation) priced with `spanCost` under the price table, summed per trace. In-browser
 * models and unpriced models are counted as unpriced with their reason (docs/cost.md).
 */
import { formatUsd, spanCost, totalCost, type CostResult, type CostTotal, type PriceTable } from '$lib/cost/index.ts';
import type { SpanRecord } from '$lib/tracing/types.ts';

/** Whether a span is a model call that may carry a cost. */
function isModelCall(span: SpanRecord): boolean {
	const a = span.attributes;
	return (
		a['gen_ai.usage.input_tokens'] !== undefined || a['gen_ai.usage.output_tokens'] !== undefined || a['gen_ai.operation.name'] === 'chat'
	);
}

/** Cost total of each trace in `spans` that has a model call, by trace id. */
export function traceCosts(spans: readonly SpanRecord[], table: PriceTable): Map<string, CostTotal> {
	const byTrace = new Map<string, CostResult[]>();
	for (const s of spans) {
		if (!isModelCall(s)) continue;
		const list = byTrace.get(s.traceId);
		const cost = spanCost(s.attributes, table);
		if (list) list.push(cost);
		else byTrace.set(s.traceId, [cost]);
	}
	return new Map([...byTrace].map(([id, results]) => [id, totalCost(results)]));
}

/** A cost cell: `$0.0012`, `$0.0012 + 1 unpriced`, or the reason there is none (`in-browser model: time only`); `—` without a model call. */
export function costText(total: CostTotal | undefined): string {
	if (!total) return '—';
	if (total.usd === null) return total.reasons[0] ?? '—';
	return total.unpriced > 0 ? `${formatUsd(total.usd)} + ${total.unpriced} unpriced` : formatUsd(total.usd);
}
