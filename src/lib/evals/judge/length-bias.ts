import { pearson, spearman } from '../stats/correlation.ts';
import type { RubricVerdict, VerdictResult } from './verdict.ts';

/** How judge scores move with answer length (verbosity bias, Zheng et al., 2023 §3.3). */
export interface LengthBias {
	/** Valid verdicts used (errors excluded). */
	readonly n: number;
	/** Pearson r between score and answer length in characters; `null` below 2 points or constant. */
	readonly pearson: number | null;
	/** Spearman ρ (average ranks for ties); `null` as for `pearson`. */
	readonly spearman: number | null;
}

/**
 * Correlate valid rubric scores with answer lengths (`answerLengthsChars[i]` belongs to
 * `results[i]`, UTF-16 code units). A strong positive value suggests the judge rewards length.
 * @throws RangeError when the two arrays differ in length.
 */
export function lengthBias(results: readonly VerdictResult<RubricVerdict>[], answerLengthsChars: readonly number[]): LengthBias {
	if (results.length !== answerLengthsChars.length)
		throw new RangeError(`lengthBias: ${results.length} verdicts vs ${answerLengthsChars.length} lengths`);
	const scores: number[] = [];
	const lengths: number[] = [];
	results.forEach((r, i) => {
		if (!r.ok) return;
		scores.push(r.verdict.score);
		lengths.push(answerLengthsChars[i] as number);
	});
	return { n: scores.length, pearson: pearson(lengths, scores), spearman: spearman(lengths, scores) };
}
