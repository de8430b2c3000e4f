import { costFor } from '../../cost/cost.ts';
import type { PriceTable } from '../../cost/types.ts';
import type { RewriteReport } from './schema.ts';
import type { QueryPlan, RewriteConfig } from './types.ts';
import { sumRewriteUsage } from './usage.ts';

/**
 * The report section of the rewrites of one run: calls and tokens summed over `plans`, priced
 * with `costFor` under `table` (in-browser and scripted models are unpriced: time is their cost).
 */
export function rewriteReport(
	config: RewriteConfig,
	model: { readonly modelId: string; readonly provider: string },
	plans: readonly QueryPlan[],
	table: PriceTable
): RewriteReport {
	const s = sumRewriteUsage(plans);
	const cost = costFor(model, s, table);
	return {
		technique: config.technique,
		count: config.count,
		model: model.modelId,
		provider: model.provider,
		calls: s.calls,
		inputTokens: s.inputTokens,
		outputTokens: s.outputTokens,
		cached: s.cached,
		fallbacks: s.fallbacks,
		costUsd: cost.ok ? cost.usd : null,
		costNote: cost.ok ? null : cost.text
	};
}
