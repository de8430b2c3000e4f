import type { SchemaValidator } from '../../generation/structured.ts';
import { comparePairs, PAIRWISE_PROMPT, type AnswerPair, type PairwiseOutcome, type PairwiseSummary } from '../judge/index.ts';
import type { JudgeSettings } from '../judge/runner.ts';
import type { AnswerRecord } from './types.ts';

/**
 * Length bias of a pairwise comparison: of the pairs with an agreed winner (both orders named the
 * same run) whose two answers differ in length, the share won by the longer answer. 0.5 is what
 * an unbiased judge gives on answers of unrelated quality; values near 1 suggest verbosity bias
 * (Zheng et al., 2023 §3.3). Chosen over a correlation because a pairwise outcome is one binary
 * event per pair — the share is the exact statistic, with `n` to judge its precision.
 */
export interface PairwiseLengthBias {
	/** Pairs counted (agreed winner, lengths differ). */
	readonly n: number;
	/** Longer-answer wins / n, in [0, 1]; `null` when n is 0. */
	readonly longerWinsRate: number | null;
}

/** Result of {@link compareAnswerRuns}: one outcome per shared case (id = case id), summary and length bias. */
export interface AnswerRunComparison {
	readonly outcomes: PairwiseOutcome[];
	readonly summary: PairwiseSummary;
	readonly lengthBias: PairwiseLengthBias;
	/** True when the signal stopped it before every pair was judged (the outcomes so far are kept). */
	readonly cancelled: boolean;
}

/**
 * The cases both runs answered without error for the same question, in `first`'s order, as pairs
 * (`first` = answer of `first`). A case whose query differs between the runs (the golden set was
 * edited between them) is left out: the judge would compare answers to different questions.
 */
export function answerPairs(first: readonly AnswerRecord[], second: readonly AnswerRecord[]): AnswerPair[] {
	const other = new Map(second.filter((a) => a.error === null).map((a) => [a.caseId, a] as const));
	const pairs: AnswerPair[] = [];
	for (const a of first) {
		const b = other.get(a.caseId);
		if (a.error !== null || b === undefined || b.query !== a.query) continue;
		pairs.push({
			id: a.caseId,
			question: a.query,
			first: a.text,
			second: b.text,
			...(a.reference !== undefined ? { reference: a.reference } : {})
		});
	}
	return pairs;
}

/** Share of agreed wins taken by the longer answer (UTF-16 code units); see {@link PairwiseLengthBias}. */
export function pairwiseLengthBias(pairs: readonly AnswerPair[], outcomes: readonly PairwiseOutcome[]): PairwiseLengthBias {
	const byId = new Map(pairs.map((p) => [p.id, p] as const));
	let n = 0;
	let longer = 0;
	for (const o of outcomes) {
		const p = byId.get(o.id);
		if (!p || (o.preferred !== 'first' && o.preferred !== 'second') || p.first.length === p.second.length) continue;
		n++;
		const firstLonger = p.first.length > p.second.length;
		if ((o.preferred === 'first') === firstLonger) longer++;
	}
	return { n, longerWinsRate: n === 0 ? null : longer / n };
}

/**
 * Pairwise comparison of two answer runs on the same golden set: every case both answered
 * without error is judged in both orders with `PAIRWISE_PROMPT` (disagreeing orders = tie;
 * position consistency reported), sequentially. Cases either run failed or lacks, or whose
 * query differs, are left out. `signal` stops between pairs; `onProgress(done, total)` per pair.
 */
export async function compareAnswerRuns(
	first: readonly AnswerRecord[],
	second: readonly AnswerRecord[],
	settings: JudgeSettings,
	validator: SchemaValidator,
	signal?: AbortSignal,
	onProgress?: (done: number, total: number) => void
): Promise<AnswerRunComparison> {
	const pairs = answerPairs(first, second);
	const { outcomes, summary, cancelled } = await comparePairs(pairs, settings, validator, PAIRWISE_PROMPT, signal, onProgress);
	return { outcomes, summary, lengthBias: pairwiseLengthBias(pairs, outcomes), cancelled };
}
