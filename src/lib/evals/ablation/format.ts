import { ABLATION_STEPS, type AblationSection, type AblationStep } from './schema.ts';

/** Stage names as people read them. */
export const STAGE_LABELS: Readonly<Record<AblationStep, string>> = {
	retrievers: 'retrievers (lexical and dense)',
	lexical: 'lexical (BM25)',
	dense: 'dense',
	fused: 'fused',
	rerank: 'reranked'
};

/** Relevant documents per step that lost them for good, plus `kept` (still in the last stage's cut list), over every query. */
export function lostCounts(section: AblationSection): { kept: number; lost: Partial<Record<AblationStep, number>> } {
	let kept = 0;
	const lost: Partial<Record<AblationStep, number>> = {};
	for (const q of section.perQuery)
		for (const r of q.relevant) {
			if (r.lostAt === null) kept++;
			else lost[r.lostAt] = (lost[r.lostAt] ?? 0) + 1;
		}
	return { kept, lost };
}

/** The aggregate columns shown for every stage: the compared metric first, then MAP, recall at the depth and reciprocal rank (those present). */
export function ablationColumns(section: AblationSection): string[] {
	const first = section.aggregate[section.stages[0]!] ?? {};
	const wanted = [section.metric, 'map', `recall@${section.topK}`, 'recip_rank'];
	return wanted.filter((m, i) => wanted.indexOf(m) === i && first[m] !== undefined);
}

/** The loss counts as a phrase, e.g. `17 kept to the end; lost at retrievers 2, rerank 1`. */
export function describeLost(counts: ReturnType<typeof lostCounts>): string {
	const parts = ABLATION_STEPS.filter((s) => counts.lost[s] !== undefined).map((s) => `${s} ${counts.lost[s]}`);
	return `${counts.kept} kept to the end${parts.length > 0 ? `; lost at ${parts.join(', ')}` : ''}`;
}

const f4 = (x: number) => x.toFixed(4);
const signed = (x: number) => (x >= 0 ? `+${f4(x)}` : f4(x));

/**
 * The ablation as text for a terminal (`assay run --ablation`): one row per stage with
 * {@link ablationColumns} (trec_eval means, 4 decimals), one line per paired comparison
 * (difference, 95 % CI, p, verdict), and how many relevant documents each step lost. Ends in `\n`.
 */
export function formatAblation(section: AblationSection): string {
	const columns = ablationColumns(section);
	const width = Math.max(...section.stages.map((s) => STAGE_LABELS[s].length), 'stage'.length);
	const cell = (text: string, i: number) => text.padStart(Math.max(columns[i]!.length, 6));
	const lines = [
		`stage ablation at depth ${section.topK} (${section.perQuery.length} queries)`,
		`${'stage'.padEnd(width)}  ${columns.map((c, i) => cell(c, i)).join('  ')}`,
		...section.stages.map(
			(s) => `${STAGE_LABELS[s].padEnd(width)}  ${columns.map((c, i) => cell(f4(section.aggregate[s]![c]!.mean), i)).join('  ')}`
		),
		...section.comparisons.map(
			(c) =>
				`${c.from} → ${c.to} on ${c.metric}: ${f4(c.fromMean)} → ${f4(c.toMean)}, Δ ${signed(c.meanDifference)} [${signed(c.ciLow)}, ${signed(c.ciHigh)}], p ${c.pValue.toFixed(4)}: ${c.verdict} (${c.improved} improved, ${c.regressed} regressed, ${c.tied} tied)`
		)
	];
	lines.push(`relevant documents: ${describeLost(lostCounts(section))}`);
	return `${lines.join('\n')}\n`;
}
