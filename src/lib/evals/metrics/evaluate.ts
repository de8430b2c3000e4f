import { AssayError } from '../../shared/errors.ts';
import { compareCodePoints } from '../../shared/ids.ts';
import { averagePrecision, ndcgAt, precisionAt, recallAt, reciprocalRank, rPrecision, type JudgedRanking } from './measures.ts';
import type { Qrels, Run, RunEntry } from './trec-format.ts';

/**
 * Run-level evaluation that reproduces trec_eval (9.0.8; 10.0 agrees on these measures),
 * with trec_eval's measure names so results compare line by line with its output.
 */

/** trec_eval's default cutoffs for `P_k`, `recall_k` and `ndcg_cut_k`. */
export const TREC_EVAL_CUTOFFS: readonly number[] = [5, 10, 15, 20, 30, 100, 200, 500, 1000];

/**
 * Measure values keyed by trec_eval name: `num_ret`, `num_rel`, `num_rel_ret` (counts),
 * `map`, `recip_rank`, `Rprec`, and for each cutoff k `P_k`, `recall_k`, `ndcg_cut_k` (in [0, 1]).
 */
export type MeasureValues = Readonly<Record<string, number>>;

/** Options of {@link evaluateRun}. */
export interface EvaluateOptions {
	/** Cutoffs k for `P_k`, `recall_k`, `ndcg_cut_k`; positive integers. Default {@link TREC_EVAL_CUTOFFS}. */
	readonly cutoffs?: readonly number[];
	/** Minimum grade counted relevant by binary measures (trec_eval `-l`). Default 1. nDCG uses raw grades regardless. */
	readonly relevanceLevel?: number;
	/**
	 * trec_eval `-c`: qrels queries missing from the run are evaluated as empty rankings
	 * (scoring 0) and count in the mean. Default false: a query is evaluated only when it is
	 * in both the qrels and the run. Run-only queries are always ignored.
	 */
	readonly includeMissingQueries?: boolean;
}

/** Result of {@link evaluateRun}. */
export interface RunEvaluation {
	/** Per evaluated query, in query-id code-point order. */
	readonly perQuery: ReadonlyMap<string, MeasureValues>;
	/**
	 * trec_eval's `all` line: the mean over evaluated queries of every measure, except the
	 * counts (`num_ret`, `num_rel`, `num_rel_ret`), which are summed, plus `num_q`.
	 */
	readonly summary: MeasureValues;
	/** Number of evaluated queries (`num_q`). */
	readonly queryCount: number;
}

/**
 * A query's run entries in trec_eval's evaluation order: score descending, ties broken by
 * document id DESCENDING in byte (code-point) order. The rank column never matters.
 */
export function sortForEvaluation(entries: readonly RunEntry[]): RunEntry[] {
	return [...entries].sort((a, b) => (a.score !== b.score ? b.score - a.score : compareCodePoints(b.docId, a.docId)));
}

/**
 * Refuse a ranking that lists a document twice, as trec_eval does: `form_res_rels.c` sorts a
 * query's results by docno and stops with "duplicate docs <docno>" (UNDEF, a fatal error) when
 * two are equal — it neither de-duplicates nor scores the repeat. Counting a repeat twice would
 * let one relevant document add to the precision sum twice (MAP > 1). Producers that rank
 * chunks keep each document's best chunk first (`rankDocumentsByBestChunk`, `bestEntryPerDocument`).
 * @throws AssayError `DATASET_INVALID` naming the query and the document.
 */
export function assertUniqueDocuments(queryId: string, entries: readonly RunEntry[]): void {
	const seen = new Set<string>();
	for (const e of entries) {
		if (seen.has(e.docId)) {
			throw new AssayError(
				'DATASET_INVALID',
				`Query "${queryId}" ranks document "${e.docId}" twice: a ranking lists each document once (trec_eval stops with "duplicate docs" too).`,
				{ details: { queryId, docId: e.docId } }
			);
		}
		seen.add(e.docId);
	}
}

/**
 * One entry per document, at its best score (the first of equal-scored repeats), in the input
 * order of the kept entries: how a run built from chunk-level or fused hits whose documents
 * repeat (two chunks, or two ids that map to one portable reference) becomes a document ranking.
 */
export function bestEntryPerDocument(entries: readonly RunEntry[]): RunEntry[] {
	const best = new Map<string, number>();
	entries.forEach((e, i) => {
		const at = best.get(e.docId);
		if (at === undefined || e.score > (entries[at] as RunEntry).score) best.set(e.docId, i);
	});
	if (best.size === entries.length) return [...entries];
	const keep = new Set(best.values());
	return entries.filter((_, i) => keep.has(i));
}

/** Measures of one query: `ranking` in evaluation order, `judged` its qrels (may be empty). */
export function evaluateQuery(
	ranking: readonly RunEntry[],
	judged: ReadonlyMap<string, number>,
	cutoffs: readonly number[],
	level = 1
): MeasureValues {
	const judgedGrades = [...judged.values()];
	const r: JudgedRanking = {
		grades: ranking.map((e) => judged.get(e.docId)),
		relevantCount: judgedGrades.filter((g) => g >= level).length,
		judgedGrades,
		level
	};
	const values: Record<string, number> = {
		num_ret: ranking.length,
		num_rel: r.relevantCount,
		num_rel_ret: r.grades.filter((g) => g !== undefined && g >= level).length,
		map: averagePrecision(r),
		recip_rank: reciprocalRank(r),
		Rprec: rPrecision(r)
	};
	for (const k of cutoffs) {
		values[`P_${k}`] = precisionAt(r, k);
		values[`recall_${k}`] = recallAt(r, k);
		values[`ndcg_cut_${k}`] = ndcgAt(r, k);
	}
	return values;
}

const COUNT_MEASURES = new Set(['num_ret', 'num_rel', 'num_rel_ret']);

/**
 * Evaluate a run against qrels the way trec_eval does (see {@link EvaluateOptions} for which
 * queries count). Rankings are re-sorted with {@link sortForEvaluation}.
 * @throws AssayError `CONFIG_INVALID` for a cutoff that is not a positive integer;
 *   `DATASET_INVALID` for a ranking that lists a document twice ({@link assertUniqueDocuments}), or when no query is evaluated (no query id shared by run and qrels) —
 *   a mean over nothing would be meaningless, never reported as 0 or NaN.
 */
export function evaluateRun(qrels: Qrels, run: Run, options: EvaluateOptions = {}): RunEvaluation {
	const cutoffs = options.cutoffs ?? TREC_EVAL_CUTOFFS;
	for (const k of cutoffs) {
		if (!Number.isInteger(k) || k < 1) throw new AssayError('CONFIG_INVALID', `Cutoffs must be positive integers, received ${String(k)}`);
	}
	const level = options.relevanceLevel ?? 1;
	const queryIds = [...qrels.keys()].filter((qid) => run.has(qid) || options.includeMissingQueries).sort(compareCodePoints);
	if (queryIds.length === 0) {
		throw new AssayError(
			'DATASET_INVALID',
			`No query to evaluate: none of the run's ${run.size} query ids appears in the qrels (${qrels.size} queries)`
		);
	}
	const perQuery = new Map<string, MeasureValues>();
	const totals: Record<string, number> = {};
	for (const qid of queryIds) {
		assertUniqueDocuments(qid, run.get(qid) ?? []);
		const ranking = sortForEvaluation(run.get(qid) ?? []);
		const values = evaluateQuery(ranking, qrels.get(qid) ?? new Map(), cutoffs, level);
		perQuery.set(qid, values);
		for (const [name, value] of Object.entries(values)) totals[name] = (totals[name] ?? 0) + value;
	}
	const summary: Record<string, number> = { num_q: queryIds.length };
	for (const [name, total] of Object.entries(totals)) {
		summary[name] = COUNT_MEASURES.has(name) ? total : total / queryIds.length;
	}
	return { perQuery, summary, queryCount: queryIds.length };
}
