import { pairsFromHumanScores, pairsFromPairwise, type PreferencePair, type SftSource } from '../export/trl.ts';
import type { ChatMessage } from '../../generation/types.ts';
import type { PairwiseOutcome } from '../judge/pairwise.ts';
import type { AnswerRecord, HumanReview } from './types.ts';

/**
 * Fine-tuning hand-off from answer runs. Serialise the results with `toSftJsonl` / `toDpoJsonl`
 * (export/trl.ts: TRL conversational formats). A corrected reference answer is NOT an SFT
 * example here: it goes to the golden set, whose reference answers are a separate source.
 */

/** True when a person passed the answer: `pass: true`, or a score ≥ `passThreshold` (1–5). */
export function humanPassed(review: HumanReview | null, passThreshold: number): boolean {
	if (review === null) return false;
	return review.kind === 'pass-fail' ? review.pass === true : review.score !== undefined && review.score >= passThreshold;
}

/**
 * Supervised examples: every answer a person passed (see {@link humanPassed}), without a
 * generation error, with its exact prompt `messages` and its text. Input order.
 */
export function sftExamples(answers: readonly AnswerRecord[], passThreshold: number): SftSource[] {
	return answers
		.filter((a) => a.error === null && a.messages.length > 0 && humanPassed(a.review, passThreshold))
		.map((a) => ({ prompt: a.messages, answer: a.text }));
}

/** A human label as a comparable number, with its scale: pass = 1 / fail = 0, or the 1–5 score. */
function humanValue(r: HumanReview | null): { kind: HumanReview['kind']; value: number } | null {
	if (r === null) return null;
	if (r.kind === 'pass-fail') return r.pass === undefined ? null : { kind: r.kind, value: r.pass ? 1 : 0 };
	return r.score === undefined ? null : { kind: r.kind, value: r.score };
}

/**
 * Preference pairs from two runs on the same golden set. The prompt of a pair is `first`'s
 * messages for that case (both runs answered the same question; with different prompt versions
 * the second answer was written under its own prompt). Per case answered without error by both:
 * when both answers carry a human label of the same kind (two pass/fail or two 1–5 scores), the
 * people decide (`pairsFromHumanScores`: a pair when the labels differ, none when equal) and the
 * judge's outcome for that case is ignored — contradicting pairs would train on noise; otherwise
 * an agreed pairwise verdict from `outcomes` (ids = case ids, `compareAnswerRuns`) makes the pair
 * (`pairsFromPairwise`: ties and position-inconsistent outcomes give none).
 */
export function preferencePairsFromRuns(
	first: readonly AnswerRecord[],
	second: readonly AnswerRecord[],
	outcomes: readonly PairwiseOutcome[]
): PreferencePair[] {
	const other = new Map(second.filter((a) => a.error === null).map((a) => [a.caseId, a] as const));
	const forJudge = new Map<string, { prompt: readonly ChatMessage[]; first: string; second: string }>();
	const human: PreferencePair[] = [];
	for (const a of first) {
		const b = other.get(a.caseId);
		if (a.error !== null || b === undefined) continue;
		const ha = humanValue(a.review);
		const hb = humanValue(b.review);
		if (ha && hb && ha.kind === hb.kind) {
			human.push(
				...pairsFromHumanScores(a.messages, [
					{ text: a.text, score: ha.value },
					{ text: b.text, score: hb.value }
				])
			);
		} else forJudge.set(a.caseId, { prompt: a.messages, first: a.text, second: b.text });
	}
	return [...pairsFromPairwise(outcomes, forJudge), ...human];
}
