/** The metrics shown side by side (report names), in display order. */
export const SHOWN_METRICS = ['ndcg@10', 'recall@5', 'recall@10', 'recall@100', 'precision@10', 'hit_rate@10', 'mrr@10', 'recip_rank', 'map', 'r_precision'] as const;

/** A metric value as shown: 4 decimals (full precision lives in the exported report). */
export function fmt(value: number | null | undefined): string {
	return value === null || value === undefined ? '—' : value.toFixed(4);
}
