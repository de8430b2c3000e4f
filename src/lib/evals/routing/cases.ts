import { AssayError } from '../../shared/errors.ts';
import type { AnswersSection } from '../answers/report-schema.ts';
import type { EvalReport } from '../report/types.ts';

/** One model's result on one case, as routing needs it. */
export interface ModelOutcome {
	/** Passed: a person's review when there is one, else no error, every check passed and every judged rubric scored ≥ the pass threshold. */
	readonly pass: boolean;
	/** Quality in [0, 1]: the score rubric's judge score s (1–5) as (s − 1)/4, a person's score likewise, else pass as 1/0. */
	readonly score: number;
	/** USD; null when unpriced (in-browser model, no price, no token counts). */
	readonly costUsd: number | null;
	/** Whole-answer time (retrieval, generation), ms. */
	readonly latencyMs: number;
}

/** One golden case answered by both models: what a router sees (query, retrieval) and what each model did. */
export interface RoutedCase {
	readonly caseId: string;
	readonly query: string;
	/** Score of the top retrieved chunk (the cheap run's retrieval; the strong run's when the cheap one has none); null when nothing was retrieved. */
	readonly topScore: number | null;
	readonly cheap: ModelOutcome;
	readonly strong: ModelOutcome;
}

/** The paired cases of two reports and what could not be paired. */
export interface PairedReports {
	readonly cases: RoutedCase[];
	/** Case ids only one report has (left out, reported). */
	readonly unpaired: string[];
	readonly cheapLabel: string;
	readonly strongLabel: string;
}

type AnswerCase = AnswersSection['perCase'][number];

function answersOf(report: EvalReport, role: string): AnswersSection {
	if (!report.answers) throw new AssayError('DATASET_INVALID', `The ${role} report has no answers section: routing compares answer runs`);
	if (report.status === 'cancelled') throw new AssayError('DATASET_INVALID', `The ${role} report is of a cancelled run`);
	return report.answers;
}

/** The outcome of one answer (see {@link ModelOutcome} for the rules). */
export function outcomeOf(a: AnswerCase, passThreshold: number, scoreRubric: string): ModelOutcome {
	const base = { costUsd: a.costUsd ?? null, latencyMs: a.timings.totalMs };
	const verdicts = Object.values(a.verdicts);
	const scored = a.verdicts[scoreRubric]?.verdict;
	const judgeScore = scored?.ok ? (scored.score - 1) / 4 : null;
	if (a.review) {
		const pass = a.review.kind === 'pass-fail' ? a.review.pass === true : (a.review.score ?? 0) >= passThreshold;
		const score = a.review.kind === 'score' && a.review.score !== undefined ? (a.review.score - 1) / 4 : (judgeScore ?? (pass ? 1 : 0));
		return { ...base, pass, score };
	}
	const pass = a.error === null && a.checks.every((c) => c.pass) && verdicts.every((v) => v.verdict.ok && v.verdict.score >= passThreshold);
	if (a.error !== null) return { ...base, pass: false, score: 0 };
	return { ...base, pass, score: judgeScore ?? (pass ? 1 : 0) };
}

/**
 * Pair the answers of a cheap and a strong model's eval reports (assay.eval-report/v2 with an
 * answers section) on the same golden set, case by case in the cheap report's order.
 * @param scoreRubric the judge rubric that gives the score (default `correctness`).
 * @throws AssayError `DATASET_INVALID` when a report has no answers, is cancelled, the golden
 *   sets differ, or no case is in both.
 */
export function pairReports(cheap: EvalReport, strong: EvalReport, scoreRubric = 'correctness'): PairedReports {
	const a = answersOf(cheap, 'cheap');
	const b = answersOf(strong, 'strong');
	if (cheap.dataset.goldenSetId !== strong.dataset.goldenSetId)
		throw new AssayError(
			'DATASET_INVALID',
			`The reports are of different golden sets: ${cheap.dataset.goldenSetId} vs ${strong.dataset.goldenSetId}`
		);
	const threshold = (s: AnswersSection) => s.grading?.passThreshold ?? 4;
	const strongById = new Map(b.perCase.map((c) => [c.caseId, c]));
	const cases: RoutedCase[] = [];
	const unpaired: string[] = [];
	for (const c of a.perCase) {
		const s = strongById.get(c.caseId);
		strongById.delete(c.caseId);
		if (!s) {
			unpaired.push(c.caseId);
			continue;
		}
		const top = c.retrieved[0]?.score ?? s.retrieved[0]?.score ?? null;
		cases.push({
			caseId: c.caseId,
			query: c.query,
			topScore: top,
			cheap: outcomeOf(c, threshold(a), scoreRubric),
			strong: outcomeOf(s, threshold(b), scoreRubric)
		});
	}
	unpaired.push(...strongById.keys());
	if (cases.length === 0) throw new AssayError('DATASET_INVALID', 'The two reports share no case');
	return { cases, unpaired, cheapLabel: a.label, strongLabel: b.label };
}
