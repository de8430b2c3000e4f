import { AssayError } from '../../shared/errors.ts';
import { evaluateRun, sortForEvaluation } from '../metrics/evaluate.ts';
import { ROUNDING_EXCESS } from '../metrics/measures.ts';
import type { Qrels, RankedList, Run, RunEntry } from '../metrics/trec-format.ts';
import type { RerankEffect, RerankEffectQuery } from './schema.ts';

/** Options of {@link computeRerankEffect}. */
export interface RerankEffectOptions {
	/** trec_eval measure compared (`ndcg_cut_<k>`, `P_<k>`, `recall_<k>`, `map`, `recip_rank`, `Rprec`). Default `ndcg_cut_10`. */
	readonly metric?: string;
	/** Cutoff k of "moved into / out of the top-k", ≥ 1. */
	readonly topK: number;
	/** Minimum grade counted relevant (trec_eval `-l`), default 1. */
	readonly relevanceLevel?: number;
	/** Rerank pool depth that ran, recorded as `poolDepth` (default null = unknown). */
	readonly poolDepth?: number | null;
	/**
	 * Per-query metric values of a run (default: `evaluateRun` with cutoffs topK and the metric's k,
	 * trec_eval names). The page passes `evaluateRetrieval(...).perQuery` so the effect uses the
	 * report's own metric names (`ndcg@10`).
	 */
	readonly evaluate?: (run: Run) => ReadonlyMap<string, Readonly<Record<string, number>>>;
}

function toRun(lists: readonly RankedList[]): Run {
	return new Map(lists.map((l) => [l.queryId, l.hits.map((h): RunEntry => ({ docId: h.id, score: h.score }))]));
}

function cutoffsOf(metric: string, topK: number): number[] {
	const k = /_(\d+)$/.exec(metric)?.[1];
	return [...new Set([topK, ...(k ? [Number(k)] : [])])];
}

/**
 * The reranker's effect per query: `fused` (the fused lists before reranking: a `hybrid` run) and
 * `reranked` (the `hybrid-rerank` lists of the same queries) are each evaluated as trec_eval does
 * (`evaluateRun`: score desc, ties by document id desc), so `before` / `after` equal the per-query
 * values of the two runs evaluated on their own. Queries: those of `qrels` present in `fused`, in
 * code-point order of their ids. Moved in / out count documents with grade ≥ `relevanceLevel`
 * entering / leaving the top `topK` (evaluation order).
 * @throws AssayError `CONFIG_INVALID` when `metric` is not a measure `evaluateRun` writes or topK < 1;
 *   `DATASET_INVALID` when no fused query is judged (from `evaluateRun`).
 */
export function computeRerankEffect(
	qrels: Qrels,
	fused: readonly RankedList[],
	reranked: readonly RankedList[],
	options: RerankEffectOptions
): RerankEffect {
	const metric = options.metric ?? 'ndcg_cut_10';
	const { topK } = options;
	if (!Number.isInteger(topK) || topK < 1) throw new AssayError('CONFIG_INVALID', `topK must be an integer ≥ 1, received ${topK}`);
	const level = options.relevanceLevel ?? 1;
	const before = toRun(fused);
	const after = new Map(toRun(reranked));
	for (const qid of before.keys()) if (!after.has(qid)) after.set(qid, []);
	const evalOptions = { cutoffs: cutoffsOf(metric, topK), relevanceLevel: level };
	const evaluate = options.evaluate ?? ((run: Run) => evaluateRun(qrels, run, evalOptions).perQuery);
	const b = evaluate(before);
	const a = evaluate(after);
	const top = (entries: readonly RunEntry[] | undefined, judged: ReadonlyMap<string, number>) =>
		new Set(
			sortForEvaluation(entries ?? [])
				.slice(0, topK)
				.filter((e) => (judged.get(e.docId) ?? 0) >= level)
				.map((e) => e.docId)
		);
	const perQuery: RerankEffectQuery[] = [];
	for (const [id, values] of b) {
		const beforeValue = values[metric];
		if (beforeValue === undefined)
			throw new AssayError('CONFIG_INVALID', `Unknown metric "${metric}" (a trec_eval measure such as ndcg_cut_10).`);
		const afterValue = a.get(id)?.[metric] ?? 0;
		const judged = qrels.get(id) ?? new Map<string, number>();
		const inBefore = top(before.get(id), judged);
		const inAfter = top(after.get(id), judged);
		perQuery.push({
			id,
			before: beforeValue,
			after: afterValue,
			delta: afterValue - beforeValue,
			movedIn: [...inAfter].filter((d) => !inBefore.has(d)).length,
			movedOut: [...inBefore].filter((d) => !inAfter.has(d)).length
		});
	}
	const count = (p: (d: number) => boolean) => perQuery.filter((q) => p(q.delta)).length;
	const mean = (pick: (q: RerankEffectQuery) => number) =>
		perQuery.length === 0 ? 0 : perQuery.reduce((s, q) => s + pick(q), 0) / perQuery.length;
	return {
		metric,
		topK,
		poolDepth: options.poolDepth ?? null,
		helped: count((d) => d > ROUNDING_EXCESS),
		hurt: count((d) => d < -ROUNDING_EXCESS),
		unchanged: count((d) => Math.abs(d) <= ROUNDING_EXCESS),
		meanBefore: mean((q) => q.before),
		meanAfter: mean((q) => q.after),
		perQuery
	};
}
