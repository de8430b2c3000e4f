import { agreement, type Agreement } from '../agreement/index.ts';
import { ATTACK_CHECK_TYPES, summariseChecks } from '../checks/index.ts';
import { lengthBias, type LengthBias } from '../judge/length-bias.ts';
import { summariseVerdicts, type VerdictSummary } from '../judge/summary.ts';
import type { RubricVerdict, VerdictResult } from '../judge/verdict.ts';
import { percentile } from '../runner/run.ts';
import { RUBRIC_IDS, type AnswerRecord, type RubricId } from './types.ts';

/**
 * Judge–human agreement on the `correctness` rubric only. Faithfulness and relevancy are not
 * substitutes: a person labelling "is this answer right?" judges correctness, and mixing rubrics
 * would compare different questions. An answer without a reference has no correctness verdict,
 * so its human label is counted in `excluded`.
 */
export interface HumanAgreement {
	readonly rubric: 'correctness';
	/** Human pass/fail labels vs judge score ≥ passThreshold (categories `['fail', 'pass']`); `null` when no such pair. */
	readonly passFail: Agreement<'fail' | 'pass'> | null;
	/** Human 1–5 scores vs judge scores 1–5 (categories `[1…5]`, weighted κ meaningful); `null` when no such pair. */
	readonly score: Agreement<number> | null;
	/** Items with a human label but no valid judge verdict (excluded). */
	readonly excluded: number;
}

/**
 * Whether the injection of one answer succeeded: `true` when any attack check (`canary-absent`,
 * `no-exfiltration-url`) failed, `false` when they all passed; `null` for a case without
 * `attack`, an answer whose generation failed, or one not graded with an attack check yet.
 */
export function attackSucceeded(a: AnswerRecord): boolean | null {
	if (a.attack === undefined || a.error !== null) return null;
	const checks = a.checks.filter((c) => ATTACK_CHECK_TYPES.has(c.type));
	return checks.length === 0 ? null : checks.some((c) => !c.pass);
}

/** Prompt-injection cases of a run: how many were graded and how many the model obeyed. */
export interface AttackSummary {
	/** Answered cases that carry `attack`. */
	readonly cases: number;
	/** Of those, graded with the attack checks. */
	readonly graded: number;
	/** Graded cases where an attack check failed (the injection was obeyed). */
	readonly succeeded: number;
	/** succeeded / graded, in [0, 1]; `null` before grading. Lower is better. */
	readonly successRate: number | null;
	/** Case ids whose attack succeeded, in answer order. */
	readonly succeededCaseIds: readonly string[];
}

/** Summarise the injection cases of `answers` ({@link attackSucceeded}); `null` when none carries `attack`. */
export function summariseAttacks(answers: readonly AnswerRecord[]): AttackSummary | null {
	const cases = answers.filter((a) => a.attack !== undefined && a.error === null);
	if (cases.length === 0) return null;
	const outcomes = cases.map((a) => [a.caseId, attackSucceeded(a)] as const).filter(([, s]) => s !== null);
	const succeededCaseIds = outcomes.filter(([, s]) => s === true).map(([id]) => id);
	return {
		cases: cases.length,
		graded: outcomes.length,
		succeeded: succeededCaseIds.length,
		successRate: outcomes.length === 0 ? null : succeededCaseIds.length / outcomes.length,
		succeededCaseIds
	};
}

/** The numbers of one answer run, as the UI and the report show them. */
export interface AnswerRunSummary {
	/** Answers stored without a generation error. */
	readonly answered: number;
	/** Answers whose generation failed (`error` set); excluded from every other number here. */
	readonly failed: number;
	/** Answered answers that carry any check result or verdict: `answered − graded` were never graded (e.g. grading was stopped). */
	readonly graded: number;
	/** Layer 1: passed/failed/passRate per check id over graded answers. */
	readonly checks: ReturnType<typeof summariseChecks>;
	/** Layer 2 per rubric that has verdicts: mean over valid verdicts, error rate, and score-vs-length correlation. */
	readonly judges: Partial<Record<RubricId, VerdictSummary & { lengthBias: LengthBias }>>;
	readonly agreement: HumanAgreement | null;
	/** Prompt-injection cases ({@link summariseAttacks}); `null` when the run has none. */
	readonly attack: AttackSummary | null;
	/** Means over answers with engine-reported usage, tokens; `null` when none reported. */
	readonly tokens: { readonly inputMean: number | null; readonly outputMean: number | null };
	/** Medians (nearest-rank p50, as the retrieval report's latency), ms; `null` when no value. */
	readonly timings: { readonly ttftP50Ms: number | null; readonly tpotP50Ms: number | null; readonly totalP50Ms: number | null };
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);
const present = (xs: readonly (number | null)[]): number[] => xs.filter((x): x is number => x !== null);

/** The valid correctness score of an answer, or `null` (no verdict, or a typed error). */
function correctnessScore(a: AnswerRecord): number | null {
	const r = a.verdicts.correctness?.result;
	return r?.ok ? r.verdict.score : null;
}

/**
 * Agreement of the correctness judge with human labels (see {@link HumanAgreement}). A pass-fail
 * label pairs with `judge score ≥ passThreshold ? 'pass' : 'fail'`; a score label pairs with the
 * judge's 1–5 score. Uses `agreement()` (accuracy, Cohen's κ, weighted κ, confusion matrix with
 * rows = human). Answers with a generation error are ignored.
 * @returns `null` when no answer has both a human label and a valid correctness verdict.
 */
export function judgeHumanAgreement(answers: readonly AnswerRecord[], passThreshold: number): HumanAgreement | null {
	const pf: { human: 'fail' | 'pass'; judge: 'fail' | 'pass' }[] = [];
	const sc: { human: number; judge: number }[] = [];
	let excluded = 0;
	for (const a of answers) {
		const review = a.review;
		if (a.error !== null || review === null) continue;
		const human = review.kind === 'pass-fail' ? review.pass : review.score;
		if (human === undefined) continue;
		const judge = correctnessScore(a);
		if (judge === null) {
			excluded++;
			continue;
		}
		if (review.kind === 'pass-fail') pf.push({ human: review.pass ? 'pass' : 'fail', judge: judge >= passThreshold ? 'pass' : 'fail' });
		else sc.push({ human: review.score as number, judge });
	}
	if (pf.length === 0 && sc.length === 0) return null;
	return {
		rubric: 'correctness',
		passFail:
			pf.length === 0
				? null
				: agreement(
						pf.map((p) => p.human),
						pf.map((p) => p.judge),
						['fail', 'pass'] as const
					),
		score:
			sc.length === 0
				? null
				: agreement(
						sc.map((p) => p.human),
						sc.map((p) => p.judge),
						[1, 2, 3, 4, 5]
					),
		excluded
	};
}

/**
 * Summarise an answer run: counts, check pass rates (`summariseChecks`), per-rubric verdict
 * summaries (`summariseVerdicts`: errors excluded from the mean, error rate reported) with
 * length bias (`lengthBias`: Pearson/Spearman of valid score vs answer length in UTF-16 code
 * units), judge–human agreement, token means and p50 timings. Answers with a generation error
 * count only in `failed`.
 */
export function summariseAnswerRun(answers: readonly AnswerRecord[], passThreshold: number): AnswerRunSummary {
	const ok = answers.filter((a) => a.error === null);
	const judges: Partial<Record<RubricId, VerdictSummary & { lengthBias: LengthBias }>> = {};
	for (const rubric of RUBRIC_IDS) {
		const withVerdict = ok.filter((a) => a.verdicts[rubric] !== undefined);
		if (withVerdict.length === 0) continue;
		const results = withVerdict.map((a) => a.verdicts[rubric]?.result as VerdictResult<RubricVerdict>);
		judges[rubric] = {
			...summariseVerdicts(results),
			lengthBias: lengthBias(
				results,
				withVerdict.map((a) => a.text.length)
			)
		};
	}
	return {
		answered: ok.length,
		failed: answers.length - ok.length,
		graded: ok.filter((a) => a.checks.length > 0 || Object.keys(a.verdicts).length > 0).length,
		checks: summariseChecks(ok.map((a) => a.checks)),
		judges,
		agreement: judgeHumanAgreement(ok, passThreshold),
		attack: summariseAttacks(ok),
		tokens: { inputMean: mean(present(ok.map((a) => a.tokens.input))), outputMean: mean(present(ok.map((a) => a.tokens.output))) },
		timings: {
			ttftP50Ms: percentile(present(ok.map((a) => a.timings.ttftMs)), 50),
			tpotP50Ms: percentile(present(ok.map((a) => a.timings.tpotMs)), 50),
			totalP50Ms: percentile(
				ok.map((a) => a.timings.totalMs),
				50
			)
		}
	};
}
