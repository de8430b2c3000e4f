import { describe, expect, it } from 'vitest';
import { generationMetrics, metricsAttributes } from '../../../src/lib/generation/index.ts';

describe('generationMetrics', () => {
	it('derives TTFT, TPOT and both speeds from timings and usage', () => {
		const m = generationMetrics({ startMs: 100, firstTokenMs: 350, endMs: 1350 }, { inputTokens: 500, outputTokens: 11 });
		expect(m).toEqual({
			ttftMs: 250,
			tpotMs: 100,
			prefillTokensPerSecond: 2000,
			decodeTokensPerSecond: 10,
			inputTokens: 500,
			outputTokens: 11
		});
	});

	it('prefers engine-reported speeds', () => {
		const m = generationMetrics(
			{ startMs: 0, firstTokenMs: 10, endMs: 20 },
			{ inputTokens: 5, outputTokens: 3, prefillTokensPerSecond: 1234, decodeTokensPerSecond: 56 }
		);
		expect([m.prefillTokensPerSecond, m.decodeTokensPerSecond]).toEqual([1234, 56]);
	});

	it('leaves TPOT undefined for a one-token answer and TTFT undefined without tokens', () => {
		expect(generationMetrics({ startMs: 0, firstTokenMs: 5, endMs: 9 }, { inputTokens: 1, outputTokens: 1 }).tpotMs).toBeUndefined();
		expect(generationMetrics({ startMs: 0, endMs: 9 }, undefined)).toEqual({});
	});

	it('names span attributes by the OpenTelemetry GenAI conventions, times in seconds', () => {
		const a = metricsAttributes({
			ttftMs: 250,
			tpotMs: 100,
			inputTokens: 500,
			outputTokens: 11,
			prefillTokensPerSecond: 2000,
			decodeTokensPerSecond: 10
		});
		expect(a).toEqual({
			'gen_ai.usage.input_tokens': 500,
			'gen_ai.usage.output_tokens': 11,
			'gen_ai.server.time_to_first_token': 0.25,
			'gen_ai.server.time_per_output_token': 0.1,
			'assay.gen_ai.prefill_tokens_per_second': 2000,
			'assay.gen_ai.decode_tokens_per_second': 10
		});
	});
});
