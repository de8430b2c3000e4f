import type { SchemaValidator } from '../../generation/structured.ts';
import type { AssayErrorData } from '../../shared/errors.ts';
import { PAIRWISE_PROMPT, type JudgePromptSpec, type PairwiseInput } from './prompts.ts';
import { judgeOne, type JudgeProvenance, type JudgeSettings } from './runner.ts';
import type { PairwiseVerdict } from './verdict.ts';

/** The two answer runs being compared: `first` and `second` as the user named them (not positions). */
export type Preferred = 'first' | 'second' | 'tie';

/** A pair of answers to the same question from two answer runs. */
export interface AnswerPair {
	readonly id: string;
	readonly question: string;
	readonly first: string;
	readonly second: string;
	readonly reference?: string;
}

/**
 * Outcome of one pair asked in both orders. `preferred` is the agreed winner, or `tie` when the
 * two orders disagree (position bias must not pick a winner); `null` when either order failed.
 */
export interface PairwiseOutcome {
	readonly id: string;
	/** Winner when `first` was shown as A. */
	readonly forward: Preferred | null;
	/** Winner when `second` was shown as A, mapped back to run names. */
	readonly swapped: Preferred | null;
	/** Both orders valid and naming the same run (or both tie). */
	readonly consistent: boolean | null;
	readonly preferred: Preferred | null;
	readonly errors: AssayErrorData[];
	readonly attempts: number;
}

/** Summary of a pairwise comparison (MT-Bench's position-swap protocol, Zheng et al., 2023). */
export interface PairwiseSummary {
	readonly pairs: number;
	/** Pairs with both orders valid. */
	readonly judged: number;
	readonly errorCount: number;
	readonly firstWins: number;
	readonly secondWins: number;
	readonly ties: number;
	/** consistent / judged, in [0, 1]; `null` when nothing was judged. */
	readonly positionConsistency: number | null;
	readonly judge: JudgeProvenance | null;
}

function mapBack(winner: PairwiseVerdict['winner'], swapped: boolean): Preferred {
	if (winner === 'tie') return 'tie';
	return (winner === 'A') !== swapped ? 'first' : 'second';
}

/**
 * Judge one pair in both orders (first as A, then second as A). Disagreement = tie.
 */
export async function comparePair(
	pair: AnswerPair,
	settings: JudgeSettings,
	validator: SchemaValidator,
	spec: JudgePromptSpec<PairwiseInput> = PAIRWISE_PROMPT,
	signal?: AbortSignal
): Promise<PairwiseOutcome & { judge: JudgeProvenance }> {
	const base = { question: pair.question, ...(pair.reference !== undefined ? { reference: pair.reference } : {}) };
	const fwd = await judgeOne(spec, { ...base, answerA: pair.first, answerB: pair.second }, settings, validator, signal);
	const swp = await judgeOne(spec, { ...base, answerA: pair.second, answerB: pair.first }, settings, validator, signal);
	const forward = fwd.result.ok ? mapBack((fwd.result.verdict as PairwiseVerdict).winner, false) : null;
	const swapped = swp.result.ok ? mapBack((swp.result.verdict as PairwiseVerdict).winner, true) : null;
	const errors = [fwd.result, swp.result].flatMap((r) => (r.ok ? [] : [r.error]));
	const both = forward !== null && swapped !== null;
	const consistent = both ? forward === swapped : null;
	return {
		id: pair.id,
		forward,
		swapped,
		consistent,
		preferred: both ? (consistent ? forward : 'tie') : null,
		errors,
		attempts: fwd.attempts + swp.attempts,
		judge: fwd.judge
	};
}

/**
 * Compare every pair (sequentially: a local judge runs one request at a time) and summarise.
 * Aborting `signal` stops between pairs (`cancelled`; the pair in flight is dropped).
 * `onProgress(done, total)` after each pair.
 */
export async function comparePairs(
	pairs: readonly AnswerPair[],
	settings: JudgeSettings,
	validator: SchemaValidator,
	spec: JudgePromptSpec<PairwiseInput> = PAIRWISE_PROMPT,
	signal?: AbortSignal,
	onProgress?: (done: number, total: number) => void
): Promise<{ outcomes: PairwiseOutcome[]; summary: PairwiseSummary; cancelled: boolean }> {
	const outcomes: (PairwiseOutcome & { judge: JudgeProvenance })[] = [];
	for (const pair of pairs) {
		// Stop between pairs: a pair cut by the abort would be judged on a half reply.
		if (signal?.aborted) return { outcomes, summary: summarisePairwise(outcomes), cancelled: true };
		const outcome = await comparePair(pair, settings, validator, spec, signal);
		if (signal?.aborted) return { outcomes, summary: summarisePairwise(outcomes), cancelled: true };
		outcomes.push(outcome);
		onProgress?.(outcomes.length, pairs.length);
	}
	return { outcomes, summary: summarisePairwise(outcomes), cancelled: false };
}

/** Counts per winner; position consistency = pairs whose two orders agree / pairs judged in both orders. */
export function summarisePairwise(outcomes: readonly (PairwiseOutcome & { judge?: JudgeProvenance })[]): PairwiseSummary {
	const judged = outcomes.filter((o) => o.preferred !== null);
	const count = (p: Preferred) => judged.filter((o) => o.preferred === p).length;
	return {
		pairs: outcomes.length,
		judged: judged.length,
		errorCount: outcomes.length - judged.length,
		firstWins: count('first'),
		secondWins: count('second'),
		ties: count('tie'),
		positionConsistency: judged.length === 0 ? null : judged.filter((o) => o.consistent).length / judged.length,
		judge: outcomes[0]?.judge ?? null
	};
}
