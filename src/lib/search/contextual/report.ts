import { costFor } from '../../cost/cost.ts';
import type { PriceTable } from '../../cost/types.ts';
import type { ContextualReport } from './schema.ts';
import type { ContextualSummary } from './types.ts';

/** The report section of a run's contextual chunks: counts and tokens of `summary`, priced with `costFor` under `table`. */
export function contextualReport(summary: ContextualSummary, table: PriceTable): ContextualReport {
	const cost = costFor({ modelId: summary.modelId, provider: summary.provider }, summary, table);
	return {
		model: summary.modelId,
		provider: summary.provider,
		promptVersion: summary.promptVersion,
		generated: summary.generated,
		cached: summary.cached,
		failed: summary.failures.length,
		calls: summary.calls,
		inputTokens: summary.inputTokens,
		outputTokens: summary.outputTokens,
		costUsd: cost.ok ? cost.usd : null,
		costNote: cost.ok ? null : cost.text
	};
}
