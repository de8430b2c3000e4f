import type { QueryPlan, RewriteUsage } from './types.ts';

/** Sum of the rewrite calls and tokens of `plans`, with how many came from the cache and how many fell back to the original. */
export function sumRewriteUsage(plans: readonly QueryPlan[]): RewriteUsage & { readonly cached: number; readonly fallbacks: number } {
	let calls = 0;
	let inputTokens = 0;
	let outputTokens = 0;
	let cached = 0;
	let fallbacks = 0;
	for (const p of plans) {
		calls += p.usage.calls;
		inputTokens += p.usage.inputTokens;
		outputTokens += p.usage.outputTokens;
		if (p.cached) cached++;
		if (p.fallback !== null) fallbacks++;
	}
	return { calls, inputTokens, outputTokens, cached, fallbacks };
}
