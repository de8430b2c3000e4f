import type { AblationRelevant, AblationSection, AblationStage } from '$lib/evals/ablation/schema.ts';
import { STAGE_LABELS } from '$lib/evals/ablation/format.ts';
import type { EvalReport } from '$lib/evals/report/types.ts';

/** One query of the ablation table: its text (from the report's per-query rows), the compared metric per stage, its relevant documents. */
export interface AblationQueryRow {
	readonly id: string;
	/** The query text; empty when the report has no row for it. */
	readonly query: string;
	/** `section.metric` at each stage the mode runs. */
	readonly values: Partial<Record<AblationStage, number>>;
	readonly relevant: readonly AblationRelevant[];
}

/** The per-query rows of a report's ablation section, in the section's order. */
export function ablationQueryRows(report: EvalReport, section: AblationSection): AblationQueryRow[] {
	const text = new Map(report.perQuery.map((q) => [q.id, q.query]));
	return section.perQuery.map((q) => ({
		id: q.id,
		query: text.get(q.id) ?? '',
		values: Object.fromEntries(section.stages.map((s) => [s, q.metrics[s]?.[section.metric]])),
		relevant: q.relevant
	}));
}

/** Where a relevant document ended: `kept` or `lost at <step>`. */
export function lostLabel(r: AblationRelevant): string {
	return r.lostAt === null ? 'kept' : `lost at ${r.lostAt}`;
}

/** A relevant document's rank in every stage, e.g. `lexical 3 · dense — · fused 14` (`—` = not in that stage's list). */
export function describeRanks(r: AblationRelevant, stages: readonly AblationStage[]): string {
	return stages.map((s) => `${s} ${r.ranks[s] ?? '—'}`).join(' · ');
}

/** A stage's name as shown in the stage table. */
export function stageLabel(stage: AblationStage): string {
	return STAGE_LABELS[stage];
}

/** A relevant document as shown: a judgment the corpus has no document for (reference `?name`, as in report qrels) says so. */
export function docLabel(doc: string): string {
	return doc.startsWith('?') ? `${doc.slice(1)} (not in the corpus)` : doc;
}
