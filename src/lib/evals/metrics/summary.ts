import { AssayError } from '../../shared/errors.ts';
import { compareCodePoints } from '../../shared/ids.ts';
import { assertUniqueDocuments, sortForEvaluation } from './evaluate.ts';
import {
	averagePrecision,
	ndcgAt,
	precisionAt,
	recallAt,
	reciprocalRank,
	relevantInTop,
	rPrecision,
	type JudgedRanking,
	type NdcgGain
} from './measures.ts';
import type { Qrels, Run } from './trec-format.ts';

/**
 * The metrics Assay reports for a retrieval evaluation, per query and averaged two ways:
 * the trec_eval mean (every judged query counts; one without relevant documents scores 0)
 * and, labelled apart, the mean over answerable queries (≥ 1 relevant document) with the
 * number of unanswerable ones. Ranking conventions are trec_eval's (see `evaluate.ts`).
 */

/** Options of {@link evaluateRetrieval}. */
export interface RetrievalMetricOptions {
	/** Cutoffs k, positive integers. Default [1, 3, 5, 10, 20, 100]. */
	readonly cutoffs?: readonly number[];
	/** Minimum grade counted relevant (trec_eval `-l`). Default 1. */
	readonly relevanceLevel?: number;
	/** nDCG gain: `linear` (trec_eval, default) or `exponential` (2^grade − 1). */
	readonly ndcgGain?: NdcgGain;
}

/** Default cutoffs of the report. */
export const REPORT_CUTOFFS: readonly number[] = [1, 3, 5, 10, 20, 100];

/** Per-query values by metric name (`recall@10`, `recip_rank`, …), each in [0, 1]. */
export type MetricValues = Readonly<Record<string, number>>;

/** A metric's definition and the source it follows, written into every report. */
export interface MetricDefinition {
	readonly definition: string;
	readonly source: string;
}

/** Averages of one metric. */
export interface MetricMean {
	/** trec_eval's mean: over every evaluated query, unanswerable ones scoring 0. */
	readonly mean: number;
	/** Mean over answerable queries only; `null` when no query is answerable (never NaN). */
	readonly answerableMean: number | null;
}

/** Result of {@link evaluateRetrieval}. */
export interface RetrievalMetrics {
	readonly perQuery: ReadonlyMap<string, MetricValues>;
	readonly means: Readonly<Record<string, MetricMean>>;
	readonly queryCount: number;
	readonly answerableCount: number;
	readonly unanswerableCount: number;
	/** Unanswerable queries for which retrieval still returned documents. */
	readonly unanswerableWithResults: number;
	readonly definitions: Readonly<Record<string, MetricDefinition>>;
}

const TE = 'trec_eval 9.0.8 / 10.0';

/** Definitions of every metric name {@link evaluateRetrieval} can produce, for `cutoffs`. */
export function metricDefinitions(cutoffs: readonly number[], gain: NdcgGain = 'linear'): Record<string, MetricDefinition> {
	const defs: Record<string, MetricDefinition> = {
		recip_rank: { definition: '1 / rank of the first relevant document, 0 if none; no cutoff', source: `${TE} recip_rank` },
		map: {
			definition: 'mean over all relevant documents of the precision at the rank of each one retrieved (unretrieved add 0)',
			source: `${TE} map`
		},
		r_precision: { definition: 'precision at rank R, R = number of relevant documents', source: `${TE} Rprec` }
	};
	for (const k of cutoffs) {
		defs[`recall@${k}`] = { definition: `|relevant ∩ top ${k}| / |relevant|`, source: `${TE} recall_${k}; BEIR, ranx` };
		defs[`capped_recall@${k}`] = {
			definition: `|relevant ∩ top ${k}| / min(${k}, |relevant|)`,
			source: 'BEIR R_cap@k (Thakur et al. 2021)'
		};
		defs[`precision@${k}`] = {
			definition: `|relevant ∩ top ${k}| / ${k} (divides by ${k} even when fewer were retrieved)`,
			source: `${TE} P_${k}`
		};
		defs[`hit_rate@${k}`] = {
			definition: `1 if any relevant document is in the top ${k}, else 0`,
			source: 'ranx hit_rate; "Recall@k" of metric-learning papers'
		};
		defs[`mrr@${k}`] = {
			definition: `1 / rank of the first relevant document if it is within the top ${k}, else 0`,
			source: 'BEIR / ranx MRR@k (recip_rank cut at k)'
		};
		defs[`ndcg@${k}`] =
			gain === 'linear'
				? {
						definition: `DCG@${k} / ideal DCG@${k}; gain = grade, discount = log2(rank + 1); ideal from all judged grades > 0`,
						source: `${TE} ndcg_cut_${k}`
					}
				: {
						definition: `DCG@${k} / ideal DCG@${k}; gain = 2^grade − 1, discount = log2(rank + 1)`,
						source: 'Burges et al. 2005 (exponential gain); not a trec_eval measure'
					};
	}
	return defs;
}

/** Hit at k: 1 when a relevant document is in the top k. */
export function hitAt(r: JudgedRanking, k: number): number {
	return precisionAt(r, k) > 0 ? 1 : 0;
}

/**
 * Capped recall at k: relevant in the top k / min(k, relevant count); 0 when none is relevant.
 * One division of two integers, the numerator never above the denominator, so the value is at
 * most 1 exactly (going through P@k · k does not: (7 / 100) · 100 = 7.000000000000001).
 */
export function cappedRecallAt(r: JudgedRanking, k: number): number {
	if (r.relevantCount === 0) return 0;
	return relevantInTop(r, k) / Math.min(k, r.relevantCount);
}

/** Reciprocal rank cut at k (the per-query term of MRR@k): 0 when the first relevant rank is beyond k. */
export function reciprocalRankAt(r: JudgedRanking, k: number): number {
	const rr = reciprocalRank(r);
	return rr > 0 && 1 / rr <= k ? rr : 0;
}

/**
 * Evaluate a run against a golden set's judgments. Every query of `qrels` is evaluated (a
 * query missing from the run is an empty ranking, as trec_eval `-c`); a query whose judgments
 * hold no grade ≥ the level is unanswerable. Run-only queries are ignored.
 * @throws AssayError `DATASET_INVALID` when `qrels` is empty or a ranking lists a document twice
 *   (refused as trec_eval does, see `assertUniqueDocuments`); `CONFIG_INVALID` for a bad cutoff.
 */
export function evaluateRetrieval(qrels: Qrels, run: Run, options: RetrievalMetricOptions = {}): RetrievalMetrics {
	const cutoffs = options.cutoffs ?? REPORT_CUTOFFS;
	for (const k of cutoffs) {
		if (!Number.isInteger(k) || k < 1) throw new AssayError('CONFIG_INVALID', `Cutoffs must be positive integers, received ${String(k)}`);
	}
	if (qrels.size === 0) throw new AssayError('DATASET_INVALID', 'Nothing to evaluate: the golden set has no query.');
	const level = options.relevanceLevel ?? 1;
	const gain = options.ndcgGain ?? 'linear';
	const perQuery = new Map<string, MetricValues>();
	let answerable = 0;
	let unanswerableWithResults = 0;
	const totals: Record<string, number> = {};
	const answerableTotals: Record<string, number> = {};
	for (const qid of [...qrels.keys()].sort(compareCodePoints)) {
		const judged = qrels.get(qid) ?? new Map<string, number>();
		assertUniqueDocuments(qid, run.get(qid) ?? []);
		const ranking = sortForEvaluation(run.get(qid) ?? []);
		const judgedGrades = [...judged.values()];
		const r: JudgedRanking = {
			grades: ranking.map((e) => judged.get(e.docId)),
			relevantCount: judgedGrades.filter((g) => g >= level).length,
			judgedGrades,
			level
		};
		const values: Record<string, number> = { recip_rank: reciprocalRank(r), map: averagePrecision(r), r_precision: rPrecision(r) };
		for (const k of cutoffs) {
			values[`recall@${k}`] = recallAt(r, k);
			values[`capped_recall@${k}`] = cappedRecallAt(r, k);
			values[`precision@${k}`] = precisionAt(r, k);
			values[`hit_rate@${k}`] = hitAt(r, k);
			values[`mrr@${k}`] = reciprocalRankAt(r, k);
			values[`ndcg@${k}`] = ndcgAt(r, k, gain);
		}
		perQuery.set(qid, values);
		const isAnswerable = r.relevantCount > 0;
		if (isAnswerable) answerable++;
		else if (ranking.length > 0) unanswerableWithResults++;
		for (const [name, v] of Object.entries(values)) {
			totals[name] = (totals[name] ?? 0) + v;
			if (isAnswerable) answerableTotals[name] = (answerableTotals[name] ?? 0) + v;
		}
	}
	// Means cannot leave [0, 1] by rounding: each partial sum of n values ≤ 1 is at most the
	// integer n (which is exact, and rounding is monotone), and n / n = 1 exactly; likewise ≥ 0.
	const means: Record<string, MetricMean> = {};
	for (const [name, total] of Object.entries(totals)) {
		means[name] = { mean: total / perQuery.size, answerableMean: answerable > 0 ? (answerableTotals[name] ?? 0) / answerable : null };
	}
	return {
		perQuery,
		means,
		queryCount: perQuery.size,
		answerableCount: answerable,
		unanswerableCount: perQuery.size - answerable,
		unanswerableWithResults,
		definitions: metricDefinitions(cutoffs, gain)
	};
}
