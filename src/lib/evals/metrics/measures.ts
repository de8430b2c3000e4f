/**
 * Per-query retrieval measures, each matching trec_eval 9.0.8 / 10.0 to the last digit
 * (checked against `shared/metrics-reference`). Inputs are prepared by `evaluate.ts`:
 * `grades` are the qrels grades of the ranked documents in evaluation order (`undefined`
 * for an unjudged document), `relevantCount` is the number of judged documents with
 * grade ≥ the relevance level (trec_eval `-l`, default 1).
 */

/** The ranked list of one query as the measures see it. */
export interface JudgedRanking {
	/** Grade of the document at each rank (index 0 = rank 1); `undefined` = not judged. */
	readonly grades: readonly (number | undefined)[];
	/** Relevant documents in the qrels (grade ≥ level), retrieved or not. */
	readonly relevantCount: number;
	/** All judged grades of the query (for the ideal nDCG ranking). */
	readonly judgedGrades: readonly number[];
	/** Minimum grade that counts as relevant for binary measures; trec_eval `-l`, default 1. */
	readonly level: number;
}

function isRelevant(grade: number | undefined, level: number): boolean {
	return grade !== undefined && grade >= level;
}

/**
 * Average precision (trec_eval `map`): mean over ALL relevant documents of the precision
 * at the rank of each one retrieved (unretrieved ones add 0). 0 when nothing is relevant.
 */
export function averagePrecision(r: JudgedRanking): number {
	if (r.relevantCount === 0) return 0;
	let found = 0;
	let sum = 0;
	r.grades.forEach((g, i) => {
		if (isRelevant(g, r.level)) sum += ++found / (i + 1);
	});
	return sum / r.relevantCount;
}

/** Reciprocal rank (trec_eval `recip_rank`): 1 / rank of the first relevant document, 0 if none; no cutoff. */
export function reciprocalRank(r: JudgedRanking): number {
	const i = r.grades.findIndex((g) => isRelevant(g, r.level));
	return i < 0 ? 0 : 1 / (i + 1);
}

/** Relevant documents (grade ≥ level) among the first k of the ranking: an exact integer. */
export function relevantInTop(r: JudgedRanking, k: number): number {
	let n = 0;
	const end = Math.min(k, r.grades.length);
	for (let i = 0; i < end; i++) if (isRelevant(r.grades[i], r.level)) n++;
	return n;
}

/** Precision at k (trec_eval `P_k`): relevant in the top k divided by k, even when fewer were retrieved. */
export function precisionAt(r: JudgedRanking, k: number): number {
	return relevantInTop(r, k) / k;
}

/** Recall at k (trec_eval `recall_k`): relevant in the top k divided by all relevant; 0 when none are relevant. */
export function recallAt(r: JudgedRanking, k: number): number {
	return r.relevantCount === 0 ? 0 : relevantInTop(r, k) / r.relevantCount;
}

/**
 * R-precision (trec_eval `Rprec`): precision at rank R, where R = the number of relevant
 * documents of the query (grade ≥ level); 0 when R = 0. Divides by R even when fewer than R
 * documents were retrieved (as trec_eval 9.0.8 / 10.0 `m_Rprec.c`).
 */
export function rPrecision(r: JudgedRanking): number {
	return r.relevantCount === 0 ? 0 : relevantInTop(r, r.relevantCount) / r.relevantCount;
}

/** Gain of a grade in nDCG: `linear` = the grade (trec_eval), `exponential` = 2^grade − 1 (Burges et al. 2005). */
export type NdcgGain = 'linear' | 'exponential';

function gainOf(grade: number, gain: NdcgGain): number {
	return gain === 'linear' ? grade : 2 ** grade - 1;
}

/**
 * nDCG at k (trec_eval `ndcg_cut_k`): DCG = Σ_{rank i ≤ k} gain_i / log2(i + 1) with
 * linear gain = the qrels grade (grades ≤ 0 and unjudged documents give 0), divided by the
 * DCG of the ideal ranking (all judged grades > 0, sorted descending, cut at k). 0 when
 * the query has no positive grade. Independent of the relevance level. `gain: 'exponential'`
 * uses 2^grade − 1 instead (not a trec_eval measure; same as linear for binary grades).
 */
export function ndcgAt(r: JudgedRanking, k: number, gain: NdcgGain = 'linear'): number {
	let dcg = 0;
	const end = Math.min(k, r.grades.length);
	for (let i = 0; i < end; i++) {
		const g = r.grades[i];
		if (g !== undefined && g > 0) dcg += gainOf(g, gain) / Math.log2(i + 2);
	}
	const ideal = r.judgedGrades.filter((g) => g > 0).sort((a, b) => b - a);
	let idcg = 0;
	const idealEnd = Math.min(k, ideal.length);
	for (let i = 0; i < idealEnd; i++) idcg += gainOf(ideal[i] as number, gain) / Math.log2(i + 2);
	return idcg > 0 ? unitRatio(dcg, idcg) : 0;
}

/**
 * Largest excess over 1 that {@link unitRatio} attributes to rounding: the two sums of an nDCG
 * are at most ~1000 terms each, so their relative rounding error is below 1000 · 2^-53 ≈ 1.1e-13.
 */
export const ROUNDING_EXCESS = 1e-12;

/**
 * `numerator / denominator` for a ratio that is at most 1 in exact arithmetic (a DCG over its
 * ideal DCG) but whose two float sums were rounded separately: an excess over 1 of at most
 * {@link ROUNDING_EXCESS} is rounding and gives 1. A larger excess is returned as is, so a
 * real fault still fails the report's range check instead of being hidden.
 */
export function unitRatio(numerator: number, denominator: number): number {
	const ratio = numerator / denominator;
	return ratio > 1 && ratio - 1 <= ROUNDING_EXCESS ? 1 : ratio;
}
