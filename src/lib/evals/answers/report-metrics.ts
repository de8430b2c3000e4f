import { resolveGoldenSet, type DocumentKey } from '../golden/resolve.ts';
import type { GoldenCase } from '../golden/types.ts';
import type { MetricDefinition, MetricMean } from '../metrics/summary.ts';
import type { Qrels, Run, RunEntry } from '../metrics/trec-format.ts';
import { attackSucceeded } from './summary.ts';
import { RUBRIC_IDS, type AnswerRecord, type RubricId } from './types.ts';
import { documentReference as reference } from '../../shared/identity.ts';

/**
 * The numbers an answer report adds to the retrieval metrics: the retrieval run rebuilt from
 * each answer's retrieved chunks, judgments from the golden set, and per-query answer metrics.
 */

/** Per-query answer metric names: `judge.<rubric>` (1–5; the context rubrics `judge.context-precision` / `judge.context-recall` only when graded), `checks.pass-rate` (0–1) and, on prompt-injection cases, `attack.success-rate` (0 or 1; lower is better). */
export const ANSWER_METRIC_NAMES: readonly string[] = [...RUBRIC_IDS.map((r) => `judge.${r}`), 'checks.pass-rate', 'attack.success-rate'];

/** Definitions of the answer metrics, written into the report beside the retrieval ones. */
export const ANSWER_METRIC_DEFINITIONS: Readonly<Record<string, MetricDefinition>> = {
	'judge.correctness': {
		definition:
			'LLM judge score 1–5 against the reference answer; absent when the case has no reference or the judge reply was a typed error',
		source: 'Assay judge prompt "correctness" (G-Eval 1–5 scale, Liu et al. 2023)'
	},
	'judge.faithfulness': {
		definition: 'LLM judge score 1–5: claims of the answer supported by its packed sources; absent on a judge error',
		source: 'Assay judge prompt "faithfulness" (RAGAS faithfulness criterion, Es et al. 2023)'
	},
	'judge.answer-relevancy': {
		definition: 'LLM judge score 1–5: the answer addresses the question; absent on a judge error',
		source: 'Assay judge prompt "answer-relevancy" (RAGAS answer relevancy criterion, Es et al. 2023)'
	},
	'judge.context-precision': {
		definition:
			'LLM judge score 1–5: the retrieved contexts are useful for the reference answer (else the answer given) and the useful ones are ranked first; a banded 1–5 reading of Ragas context precision (mean precision@k over the ranks of useful contexts, 0–1); absent when nothing was retrieved or on a judge error',
		source:
			'Assay judge prompt "context-precision" (Ragas LLM context precision with reference, https://docs.ragas.io/en/stable/concepts/metrics/available_metrics/context_precision/)'
	},
	'judge.context-recall': {
		definition:
			"LLM judge score 1–5: share of the reference answer's claims attributable to the retrieved contexts, in bands (5 = all, 1 = none); a banded 1–5 reading of Ragas context recall (attributed claims / reference claims, 0–1); absent when the case has no reference or on a judge error",
		source:
			'Assay judge prompt "context-recall" (Ragas LLM context recall, https://docs.ragas.io/en/stable/concepts/metrics/available_metrics/context_recall/)'
	},
	'checks.pass-rate': {
		definition: 'passed / total layer-1 checks of the answer, 0–1; absent before grading or when generation failed',
		source: 'Assay layer-1 checks (src/lib/evals/checks)'
	},
	'attack.success-rate': {
		definition:
			'prompt-injection cases only: 1 when an attack check failed (the answer repeats a planted canary or links to a forbidden host), else 0; the mean is the fraction of attacks that succeeded (lower is better); absent for other cases and before grading',
		source: 'Assay attack checks canary-absent, no-exfiltration-url (src/lib/evals/checks/attack-checks.ts)'
	}
};

/**
 * The retrieval run of an answer run: per answer, its documents ranked by their best chunk — the
 * first appearance in the rank-ordered `retrieved` list — with that chunk's score (as
 * `rankDocumentsByBestChunk` does for the retrieval evaluation).
 */
export function runFromAnswers(answers: readonly AnswerRecord[]): Run {
	const run = new Map<string, RunEntry[]>();
	for (const a of answers) {
		const seen = new Set<string>();
		const entries: RunEntry[] = [];
		for (const r of a.retrieved) {
			if (seen.has(r.documentRef)) continue;
			seen.add(r.documentRef);
			// 6 decimals, as the retrieval runner and trec_eval's input (ties then order by document id).
			entries.push({ docId: r.documentRef, score: Math.round(r.score * 1e6) / 1e6 });
		}
		run.set(a.caseId, entries);
	}
	return run;
}

/**
 * Judgments of `cases` keyed by portable document reference. With `documents`, each golden
 * reference is resolved as the retrieval evaluation does (`resolveGoldenSet`: id, external id,
 * path, unique name) and re-keyed by the document's reference; an unmatched one stays as `?ref`
 * and is listed in `unmatched` (case id → references). Without `documents`, references are used as written.
 */
export function qrelsForCases(
	cases: readonly GoldenCase[],
	documents?: readonly DocumentKey[]
): { qrels: Qrels; unmatched: ReadonlyMap<string, readonly string[]> } {
	if (documents === undefined) {
		const qrels = new Map<string, Map<string, number>>();
		for (const c of cases) {
			const judged = new Map<string, number>();
			for (const r of c.relevant) judged.set(r.doc, Math.max(r.grade, judged.get(r.doc) ?? -Infinity));
			qrels.set(c.id, judged);
		}
		return { qrels, unmatched: new Map() };
	}
	const resolved = resolveGoldenSet(cases, documents);
	const refs = new Map(documents.map((d) => [d.id, reference(d)] as const));
	const qrels = new Map<string, Map<string, number>>();
	for (const [qid, judged] of resolved.qrels)
		qrels.set(qid, new Map([...judged].map(([id, grade]) => [refs.get(id) ?? id, grade] as const)));
	return { qrels, unmatched: resolved.unmatched };
}

/**
 * Answer metrics of one answer, only where defined: a rubric not judged or judged with a typed
 * error leaves `judge.<rubric>` out (never 0); no checks leaves `checks.pass-rate` out.
 */
export function answerMetrics(a: AnswerRecord): Record<string, number> {
	const out: Record<string, number> = {};
	for (const rubric of RUBRIC_IDS as readonly RubricId[]) {
		const r = a.verdicts[rubric]?.result;
		if (r?.ok) out[`judge.${rubric}`] = r.verdict.score;
	}
	if (a.checks.length > 0) out['checks.pass-rate'] = a.checks.filter((c) => c.pass).length / a.checks.length;
	const attacked = attackSucceeded(a);
	if (attacked !== null) out['attack.success-rate'] = attacked ? 1 : 0;
	return out;
}

/**
 * Aggregate answer metrics: arithmetic mean over the queries that have the value; `answerableMean`
 * is the same number (answerability is a retrieval notion: every answer is graded on its own).
 * A metric no query has is left out of the aggregate. `names`: the metrics to aggregate, default
 * the answer metrics ({@link ANSWER_METRIC_NAMES}); the system report passes its own
 * (`answered`, `consistency`).
 */
export function answerMeans(
	perQuery: readonly Record<string, number>[],
	names: readonly string[] = ANSWER_METRIC_NAMES
): Record<string, MetricMean> {
	const out: Record<string, MetricMean> = {};
	for (const name of names) {
		const values = perQuery.flatMap((m) => (m[name] === undefined ? [] : [m[name]]));
		if (values.length === 0) continue;
		const mean = values.reduce((s, x) => s + x, 0) / values.length;
		out[name] = { mean, answerableMean: mean };
	}
	return out;
}
