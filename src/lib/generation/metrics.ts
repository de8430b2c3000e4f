import type { ChatUsage } from './types.ts';

/**
 * Serving metrics of one generation, as serving stacks (vLLM, TGI) define them.
 * Times are milliseconds from the same clock.
 */
export interface GenerationTimings {
	/** When the request was sent. */
	readonly startMs: number;
	/** When the first non-empty token arrived; absent when none did. */
	readonly firstTokenMs?: number;
	/** When the stream ended. */
	readonly endMs: number;
}

/** Derived metrics; `undefined` where the inputs do not define them. */
export interface GenerationMetrics {
	/** Time to first token: `firstTokenMs − startMs`, ms. */
	readonly ttftMs?: number;
	/** Time per output token after the first: `(endMs − firstTokenMs) / (outputTokens − 1)`, ms (vLLM's TPOT). */
	readonly tpotMs?: number;
	/** Engine-reported prefill speed, else `inputTokens / (ttftMs / 1000)`, tokens/s. */
	readonly prefillTokensPerSecond?: number;
	/** Engine-reported decode speed, else `(outputTokens − 1) / ((endMs − firstTokenMs) / 1000)`, tokens/s. */
	readonly decodeTokensPerSecond?: number;
	readonly inputTokens?: number;
	readonly outputTokens?: number;
}

/** Compute {@link GenerationMetrics} from timings and the engine's usage (if any). */
export function generationMetrics(t: GenerationTimings, usage: ChatUsage | undefined): GenerationMetrics {
	const ttftMs = t.firstTokenMs === undefined ? undefined : t.firstTokenMs - t.startMs;
	const decodeMs = t.firstTokenMs === undefined ? undefined : t.endMs - t.firstTokenMs;
	const out = usage?.outputTokens;
	const tpotMs = decodeMs !== undefined && out !== undefined && out > 1 ? decodeMs / (out - 1) : undefined;
	const prefill =
		usage?.prefillTokensPerSecond ?? (usage && ttftMs !== undefined && ttftMs > 0 ? usage.inputTokens / (ttftMs / 1000) : undefined);
	const decode = usage?.decodeTokensPerSecond ?? (tpotMs !== undefined && tpotMs > 0 ? 1000 / tpotMs : undefined);
	return {
		...(ttftMs !== undefined ? { ttftMs } : {}),
		...(tpotMs !== undefined ? { tpotMs } : {}),
		...(prefill !== undefined ? { prefillTokensPerSecond: prefill } : {}),
		...(decode !== undefined ? { decodeTokensPerSecond: decode } : {}),
		...(usage ? { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens } : {})
	};
}

/**
 * Span attributes with OpenTelemetry GenAI semantic-convention names: `gen_ai.usage.*` tokens,
 * and the GenAI server metrics `gen_ai.server.time_to_first_token` / `…time_per_output_token`
 * in SECONDS as the convention defines them; Assay's tokens/s use the `assay.gen_ai.` prefix.
 */
export function metricsAttributes(m: GenerationMetrics): Record<string, number> {
	const a: Record<string, number> = {};
	if (m.inputTokens !== undefined) a['gen_ai.usage.input_tokens'] = m.inputTokens;
	if (m.outputTokens !== undefined) a['gen_ai.usage.output_tokens'] = m.outputTokens;
	if (m.ttftMs !== undefined) a['gen_ai.server.time_to_first_token'] = m.ttftMs / 1000;
	if (m.tpotMs !== undefined) a['gen_ai.server.time_per_output_token'] = m.tpotMs / 1000;
	if (m.prefillTokensPerSecond !== undefined) a['assay.gen_ai.prefill_tokens_per_second'] = m.prefillTokensPerSecond;
	if (m.decodeTokensPerSecond !== undefined) a['assay.gen_ai.decode_tokens_per_second'] = m.decodeTokensPerSecond;
	return a;
}
