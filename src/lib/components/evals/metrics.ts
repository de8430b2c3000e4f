import type { EvalReport } from '$lib/evals/report/types.ts';
import { ANSWER_METRIC_NAMES } from '$lib/evals/answers/report-metrics.ts';

/** The metrics shown side by side (report names), in display order. */
export const SHOWN_METRICS = [
	'ndcg@10',
	'recall@5',
	'recall@10',
	'recall@100',
	'precision@10',
	'hit_rate@10',
	'mrr@10',
	'recip_rank',
	'map',
	'r_precision'
] as const;

/** A metric value as shown: 4 decimals (full precision lives in the exported report). */
export function fmt(value: number | null | undefined): string {
	return value === null || value === undefined ? '—' : value.toFixed(4);
}

/** The metrics to show for `reports`: the retrieval ones, then the answer metrics (judge.*, checks.pass-rate) any of them carries. */
export function shownMetrics(reports: readonly EvalReport[]): string[] {
	return [...SHOWN_METRICS, ...ANSWER_METRIC_NAMES.filter((m) => reports.some((r) => r.metrics.aggregate[m] !== undefined))];
}

/** How a report ranked, for column headers: an answer run ranks only the chunks each answer retrieved (top-k), a retrieval run to its depth. */
export function depthNote(r: EvalReport): string {
	return r.answers
		? `answer run: ${r.answers.model.modelId}, prompt v${r.answers.prompt.version}; ranks the top ${r.retrieval.topK} chunks each answer retrieved`
		: `depth ${r.retrieval.depth}`;
}

/**
 * The contextual chunks of a report for its column header, e.g. ` · contexts by gpt-4o-mini
 * (prompt v1): 40 written, 12 stored, 1 failed, 5000 + 300 tokens, $0.000930`, then in a dense
 * mode `; 40 vectors embedded, 12 stored`; empty without them.
 */
export function contextualNote(r: EvalReport): string {
	const c = r.retrieval.contextual;
	if (!c) return '';
	const cost = c.costUsd !== null ? `$${c.costUsd.toFixed(6)}` : (c.costNote ?? 'unpriced');
	return ` · contexts by ${c.model} (prompt v${c.promptVersion}): ${c.generated} written, ${c.cached} stored, ${c.failed} failed, ${c.inputTokens} + ${c.outputTokens} tokens, ${cost}${c.vectors ? `; ${c.vectors.embedded} vectors embedded, ${c.vectors.cached} stored` : ''}`;
}

/**
 * The query rewriting of a report for its column header, e.g. ` · rewrite multi-query ×3 by
 * gpt-4o-mini: 30 calls, 3000 + 600 tokens, $0.000810, 2 fell back to the query`; empty without rewriting.
 */
export function rewriteNote(r: EvalReport): string {
	const w = r.retrieval.rewrite;
	if (!w) return '';
	const cost = w.costUsd !== null ? `$${w.costUsd.toFixed(6)}` : (w.costNote ?? 'unpriced');
	const fallbacks = w.fallbacks > 0 ? `, ${w.fallbacks} fell back to the query` : '';
	return ` · rewrite ${w.technique}${w.technique === 'hyde' ? '' : ` ×${w.count}`} by ${w.model}: ${w.calls} calls, ${w.inputTokens} + ${w.outputTokens} tokens, ${cost}${fallbacks}`;
}
