import type { RerankEffect } from './schema.ts';

/**
 * The effect as text lines (no trailing newline on each): one aggregate line, then up to `maxRows`
 * queries (default 20), largest |delta| first (ties by id), each
 * `  <id>  <before> → <after>  Δ <delta>  +<movedIn> −<movedOut>` with 4 decimals.
 */
export function formatRerankEffect(effect: RerankEffect, maxRows = 20): string[] {
	const f = (n: number) => n.toFixed(4);
	const signed = (n: number) => `${n >= 0 ? '+' : '−'}${f(Math.abs(n))}`;
	const pool = effect.poolDepth !== null ? `, pool ${effect.poolDepth}` : '';
	const lines = [
		`reranker effect on ${effect.metric} (top-${effect.topK}${pool}): helped ${effect.helped}, hurt ${effect.hurt}, unchanged ${effect.unchanged}; mean ${f(effect.meanBefore)} fused → ${f(effect.meanAfter)} reranked (${signed(effect.meanAfter - effect.meanBefore)})`
	];
	const rows = [...effect.perQuery].sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	for (const q of rows.slice(0, maxRows))
		lines.push(
			`  ${q.id}  ${f(q.before)} → ${f(q.after)}  Δ ${signed(q.delta)}  relevant +${q.movedIn} in −${q.movedOut} out of top-${effect.topK}`
		);
	if (rows.length > maxRows) lines.push(`  … ${rows.length - maxRows} more queries`);
	return lines;
}
