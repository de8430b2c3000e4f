import type { EvalReport } from '$lib/evals/report/index.ts';
import type { RerankEffect, RerankEffectQuery } from '$lib/evals/rerank-effect/index.ts';

/** One row of the reranker-effect table: the per-query effect with its query text and verdict. */
export interface RerankEffectRow extends RerankEffectQuery {
	/** The query text from the report's per-query section (the id when absent). */
	readonly query: string;
	/** `helped` (delta > 1e-12), `hurt` (delta < −1e-12) or `unchanged`. */
	readonly verdict: 'helped' | 'hurt' | 'unchanged';
}

/** A report that carries a reranker effect (hybrid-rerank runs made since the effect was recorded). */
export type ReportWithEffect = EvalReport & { rerankEffect: RerankEffect };

/** The reports that carry a reranker effect, in the given order. */
export function reportsWithEffect(reports: readonly EvalReport[]): ReportWithEffect[] {
	return reports.filter((r): r is ReportWithEffect => r.rerankEffect !== null && r.rerankEffect !== undefined);
}

/** The effect's rows, largest |delta| first, then query id (code-point order). */
export function rerankEffectRows(report: ReportWithEffect): RerankEffectRow[] {
	const texts = new Map(report.perQuery.map((q) => [q.id, q.query]));
	return report.rerankEffect.perQuery
		.map((q) => ({
			...q,
			query: texts.get(q.id) ?? q.id,
			verdict: q.delta > 1e-12 ? ('helped' as const) : q.delta < -1e-12 ? ('hurt' as const) : ('unchanged' as const)
		}))
		.sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
