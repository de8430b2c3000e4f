import type { StageLists } from '../../search/retrieval/types.ts';
import { AssayError } from '../../shared/errors.ts';
import { compareCodePoints } from '../../shared/ids.ts';
import { bestEntryPerDocument } from '../metrics/evaluate.ts';
import type { NdcgGain } from '../metrics/measures.ts';
import { evaluateRetrieval, type RetrievalMetrics } from '../metrics/summary.ts';
import type { Qrels, RunEntry } from '../metrics/trec-format.ts';
import { comparePaired, type PairedOptions } from '../stats/paired.ts';
import { lostAt } from './lost.ts';
import { ABLATION_STAGES, type AblationSection, type AblationStage, type StageComparison } from './schema.ts';

/** One query's stage lists, as `retrieve()` leaves them in `outcome.stages`. */
export interface AblationQuery {
	readonly id: string;
	readonly stages: StageLists;
}

/** Options of {@link computeAblation}. */
export interface AblationOptions {
	/** Evaluated depth ≥ 1: each stage list is cut to its first `topK` documents (what a run of that stage's mode writes). */
	readonly topK: number;
	/** Metric cutoffs k (positive integers). Default `REPORT_CUTOFFS` [1, 3, 5, 10, 20, 100]. */
	readonly cutoffs?: readonly number[];
	/** Minimum grade counted relevant. Default 1. */
	readonly relevanceLevel?: number;
	/** nDCG gain. Default `linear` (trec_eval). */
	readonly ndcgGain?: NdcgGain;
	/** The metric the paired comparisons test (a report metric name). Default `ndcg@10`. */
	readonly metric?: string;
	/** Options of the paired tests (seed, resamples, permutations, α); defaults of `comparePaired`. */
	readonly paired?: PairedOptions;
	/** The document an id belongs to (chunk → document); default the id itself. A document keeps its best-placed id. */
	readonly documentOf?: (id: string) => string;
}

/** Consecutive stages the comparisons test, `[from, to]`. */
export const STAGE_PAIRS: readonly (readonly [AblationStage, AblationStage])[] = [
	['lexical', 'fused'],
	['dense', 'fused'],
	['fused', 'rerank']
];

/**
 * Measure one retrieval configuration after each of its stages. Each stage's list (ids mapped to
 * documents, a document at its first place) is cut to `topK` and evaluated with
 * `evaluateRetrieval` exactly as a run of that stage alone: the `lexical` stage of a hybrid run
 * scores what a lexical run scores, `fused` what a hybrid run scores, `rerank` what a
 * hybrid-rerank run scores (when the lists were made with the same parameters). Every qrels
 * query is evaluated (absent from `queries` = empty lists). Consecutive stages are compared with
 * `comparePaired` on `metric`; each relevant document gets its rank per stage and {@link lostAt}.
 * @throws AssayError `DATASET_INVALID` when no query has any stage list or qrels is empty;
 *   `CONFIG_INVALID` for a `topK` below 1 or a `metric` the evaluation does not produce.
 */
export function computeAblation(queries: readonly AblationQuery[], qrels: Qrels, options: AblationOptions): AblationSection {
	const { topK } = options;
	if (!Number.isInteger(topK) || topK < 1) throw new AssayError('CONFIG_INVALID', `topK must be an integer ≥ 1, received ${topK}`);
	const stages = ABLATION_STAGES.filter((s) => queries.some((q) => q.stages[s] !== null));
	if (stages.length === 0) throw new AssayError('DATASET_INVALID', 'Nothing to ablate: no query has a stage list.');
	const metric = options.metric ?? 'ndcg@10';
	const level = options.relevanceLevel ?? 1;
	const documentOf = options.documentOf ?? ((id: string) => id);
	// Per stage and query: the full document list (ranks) and its first topK (the evaluated run).
	const full = new Map<AblationStage, Map<string, RunEntry[]>>();
	const evaluated = new Map<AblationStage, RetrievalMetrics>();
	for (const stage of stages) {
		const lists = new Map<string, RunEntry[]>();
		for (const q of queries) {
			const hits = (q.stages[stage] ?? []).map((h) => ({ docId: documentOf(h.id), score: h.score }));
			lists.set(q.id, bestEntryPerDocument(hits));
		}
		full.set(stage, lists);
		const run = new Map([...lists].map(([qid, entries]) => [qid, entries.slice(0, topK)]));
		evaluated.set(stage, evaluateRetrieval(qrels, run, metricOptions(options)));
	}
	const first = evaluated.get(stages[0]!)!;
	const queryIds = [...first.perQuery.keys()];
	if (!queryIds.every((qid) => first.perQuery.get(qid)![metric] !== undefined))
		throw new AssayError('CONFIG_INVALID', `Metric "${metric}" is not one the evaluation produces (e.g. ndcg@10, recall@100, recip_rank).`);
	let method = 'no comparison (one stage)';
	const comparisons = STAGE_PAIRS.filter(([a, b]) => stages.includes(a) && stages.includes(b)).map(([from, to]) => {
		const { comparison, description } = compareStages(from, to, metric, queryIds, evaluated, options.paired);
		method = description;
		return comparison;
	});
	return {
		topK,
		stages,
		metric,
		method,
		aggregate: Object.fromEntries(stages.map((s) => [s, evaluated.get(s)!.means])),
		comparisons,
		perQuery: queryIds.map((qid) => ({
			id: qid,
			metrics: Object.fromEntries(stages.map((s) => [s, evaluated.get(s)!.perQuery.get(qid)!])),
			relevant: [...(qrels.get(qid) ?? new Map<string, number>())]
				.filter(([, grade]) => grade >= level)
				.sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]))
				.map(([doc, grade]) => {
					const ranks = Object.fromEntries(
						stages.map((s) => {
							const i = (full.get(s)!.get(qid) ?? []).findIndex((e) => e.docId === doc);
							return [s, i === -1 ? null : i + 1];
						})
					) as Partial<Record<AblationStage, number | null>>;
					return { doc, grade, ranks, lostAt: lostAt(ranks, stages, topK) };
				})
		}))
	};
}

function metricOptions(options: AblationOptions) {
	return {
		...(options.cutoffs ? { cutoffs: options.cutoffs } : {}),
		...(options.relevanceLevel !== undefined ? { relevanceLevel: options.relevanceLevel } : {}),
		...(options.ndcgGain ? { ndcgGain: options.ndcgGain } : {})
	};
}

function compareStages(
	from: AblationStage,
	to: AblationStage,
	metric: string,
	queryIds: readonly string[],
	evaluated: ReadonlyMap<AblationStage, RetrievalMetrics>,
	paired: PairedOptions | undefined
): { comparison: StageComparison; description: string } {
	const values = (s: AblationStage) => queryIds.map((qid) => evaluated.get(s)!.perQuery.get(qid)![metric]!);
	const a = values(from);
	const b = values(to);
	const c = comparePaired(a, b, paired);
	const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
	const comparison: StageComparison = {
		from,
		to,
		metric,
		fromMean: mean(a),
		toMean: mean(b),
		queryCount: c.queryCount,
		meanDifference: c.meanDifference,
		ciLow: c.ciLow,
		ciHigh: c.ciHigh,
		pValue: c.pValue,
		verdict: c.verdict,
		improved: c.improved,
		regressed: c.regressed,
		tied: c.tied
	};
	return { comparison, description: c.method };
}
