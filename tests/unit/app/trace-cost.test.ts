import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICE_TABLE } from '../../../src/lib/cost/index.ts';
import { costText, traceCosts } from '../../../src/lib/app/traces/trace-cost.ts';
import type { SpanRecord } from '../../../src/lib/tracing/types.ts';

const chat = (traceId: string, attributes: SpanRecord['attributes']): SpanRecord => ({
	traceId,
	spanId: `${traceId}-chat`,
	parentSpanId: null,
	name: 'chat',
	startTimeMs: 0,
	endTimeMs: 1,
	durationMs: 1,
	status: 'ok',
	attributes: { 'gen_ai.operation.name': 'chat', ...attributes },
	events: []
});

describe('traceCosts', () => {
	it('prices model-call spans per trace and says why a trace has no cost', () => {
		const model = DEFAULT_PRICE_TABLE.models[0]!.match;
		const costs = traceCosts(
			[
				chat('paid', { 'gen_ai.request.model': model, 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 }),
				chat('local', {
					'gen_ai.provider.name': 'webllm',
					'gen_ai.request.model': 'Qwen',
					'gen_ai.usage.input_tokens': 5,
					'gen_ai.usage.output_tokens': 5
				})
			],
			DEFAULT_PRICE_TABLE
		);
		expect(costs.get('paid')!.usd).toBeGreaterThan(0);
		expect(costText(costs.get('paid'))).toMatch(/^\$/);
		expect(costText(costs.get('local'))).toBe('in-browser model: time only');
		expect(costText(undefined)).toBe('—');
	});
});
