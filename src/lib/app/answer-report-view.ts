import type { EvalReport } from '$lib/evals/report/types.ts';

/**
 * What "Open a CLI report" shows of an eval report (v2) written by `assay eval` (or by the
 * app): the system evaluated, status (an `incomplete` run says why and how many cases were not
 * run), aggregate metrics, errors by code, cache hits, text-only context matching, repeats with per-case consistency and
 * flaky cases, and every case with its answer, error, checks, verdicts
 * and consistency. Pure: the component only renders this.
 */

/** A verdict cell: the score, or the typed error code, per rubric. */
export interface VerdictView {
	readonly rubric: string;
	readonly score: number | null;
	readonly error: string | null;
	readonly reason: string;
}

/** One case row. */
export interface CaseView {
	readonly id: string;
	readonly query: string;
	readonly answer: string | null;
	readonly error: { readonly code: string; readonly message: string } | null;
	readonly checks: readonly { readonly id: string; readonly pass: boolean; readonly reason: string }[];
	readonly verdicts: readonly VerdictView[];
	readonly contexts: readonly string[];
	/** Share of repeats agreeing with the majority verdict (0.5–1); null without repeats or verdicts. */
	readonly consistency: number | null;
	readonly flaky: boolean;
	/** This case's metrics (retrieval and answer metrics), name → value. */
	readonly metrics: Readonly<Record<string, number>>;
}

/** The whole view. */
export interface ReportView {
	readonly id: string;
	readonly title: string;
	readonly createdAt: string;
	readonly status: string;
	readonly incomplete: { readonly reason: string; readonly code: string | null; readonly notRun: number } | null;
	readonly system: { readonly type: string; readonly label: string; readonly details: readonly [string, string][] } | null;
	/** `synthetic`: accepted synthetic cases among `cases`; null in reports written before the count existed. */
	readonly dataset: { readonly name: string; readonly cases: number; readonly evaluated: number; readonly synthetic: number | null };
	readonly metrics: readonly { readonly name: string; readonly mean: number; readonly answerableMean: number | null }[];
	readonly errors: { readonly count: number; readonly byCode: readonly [string, number][] } | null;
	readonly cache: { readonly hits: number; readonly requests: number } | null;
	readonly repeats: { readonly n: number; readonly flakyCaseIds: readonly string[] } | null;
	/** How text-only contexts were matched to golden documents (given with an id, matched, unmatched, ambiguous). */
	readonly contextMatching: {
		readonly given: number;
		readonly matched: number;
		readonly unmatched: number;
		readonly ambiguous: number;
	} | null;
	readonly answersSummary: { readonly answered: number; readonly failed: number; readonly graded: number } | null;
	/** The report's `answers.cost` (docs/cost.md); null for reports without it (retrieval-only, or written before cost was recorded). */
	readonly cost: {
		readonly totalUsd: number | null;
		readonly priced: number;
		readonly unpriced: number;
		readonly reasons: readonly string[];
		readonly asOf: string;
	} | null;
	readonly cases: readonly CaseView[];
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Build the view of `report` (validated beforehand with `EvalReportSchema`). Metrics sorted by name; cases in report order. */
export function reportView(report: EvalReport): ReportView {
	const extra = report;
	const answers = report.answers ?? null;
	const repeats = extra.repeats ?? null;
	const byCase = new Map((answers?.perCase ?? []).map((c) => [c.caseId, c] as const));
	const consistency = new Map((repeats?.perCase ?? []).map((c) => [c.caseId, c] as const));
	const flaky = new Set(repeats?.flakyCaseIds ?? []);
	const ids = [...new Set([...report.perQuery.map((q) => q.id), ...byCase.keys()])];
	const perQuery = new Map(report.perQuery.map((q) => [q.id, q] as const));
	const cases: CaseView[] = ids.map((id) => {
		const a = byCase.get(id);
		const q = perQuery.get(id);
		return {
			id,
			query: a?.query ?? q?.query ?? '',
			answer: a && a.error === null ? a.text : null,
			error: a?.error ? { code: a.error.code, message: a.error.message } : null,
			checks: (a?.checks ?? []).map((c) => ({ id: c.id, pass: c.pass, reason: c.reason })),
			verdicts: Object.entries(a?.verdicts ?? {}).map(([rubric, v]) =>
				v.verdict.ok
					? { rubric, score: v.verdict.score, error: null, reason: v.verdict.reason }
					: { rubric, score: null, error: v.verdict.code, reason: v.verdict.message }
			),
			contexts: a
				? a.retrieved.length > 0
					? a.retrieved.map((r) => r.documentRef)
					: a.sources.map((s) => s.title || s.documentRef)
				: (q?.ranked ?? []).map(([doc]) => doc),
			consistency: consistency.get(id)?.consistency ?? null,
			flaky: flaky.has(id) || consistency.get(id)?.flipped === true,
			metrics: q?.metrics ?? {}
		};
	});
	const system = extra.system ?? null;
	return {
		id: report.id,
		title: answers?.label ?? report.retrieval.label,
		createdAt: report.createdAt,
		status: report.status,
		incomplete: extra.incomplete
			? { reason: extra.incomplete.reason, code: extra.incomplete.code ?? null, notRun: extra.incomplete.notRun }
			: null,
		system: system
			? {
					type: system.type,
					label: system.label,
					details: Object.entries(system.details).map(([k, v]) => [k, text(v)] as [string, string])
				}
			: null,
		dataset: {
			name: report.dataset.name,
			cases: report.dataset.cases,
			evaluated: report.dataset.evaluatedCases,
			synthetic: report.dataset.synthetic ?? null
		},
		metrics: Object.entries(report.metrics.aggregate)
			.map(([name, m]) => ({ name, mean: m.mean, answerableMean: m.answerableMean }))
			.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)),
		errors: extra.errors ? { count: extra.errors.count, byCode: Object.entries(extra.errors.byCode) } : null,
		cache: extra.cache ?? null,
		repeats: repeats ? { n: repeats.n, flakyCaseIds: [...repeats.flakyCaseIds] } : null,
		contextMatching: extra.contextMatching ? { ...extra.contextMatching } : null,
		answersSummary: answers ? { answered: answers.summary.answered, failed: answers.summary.failed, graded: answers.summary.graded } : null,
		cost: answers?.cost
			? {
					totalUsd: answers.cost.totalUsd,
					priced: answers.cost.pricedCases,
					unpriced: answers.cost.unpricedCases,
					reasons: [...answers.cost.reasons],
					asOf: answers.cost.priceTableAsOf
				}
			: null,
		cases
	};
}
