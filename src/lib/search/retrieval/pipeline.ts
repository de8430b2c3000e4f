import { compareCodePoints } from '../../shared/ids.ts';
import { fuseScoredLists } from '../fusion/score.ts';
import type { QueryPlan } from '../rewrite/types.ts';
import { multiQueryLists } from './multi-query.ts';
import type {
	ExplainRow,
	RerankScores,
	RerankTruncation,
	RetrievalOutcome,
	RetrievalParams,
	RetrievalPorts,
	StageLists,
	StagePosition
} from './types.ts';

type Scored = { id: string; score: number };

/**
 * Run one retrieval in the given mode (see {@link RetrievalMode}). Every stage list passes
 * through `allow` again before fusion (defence in depth: a port that forgot the filter still
 * cannot leak a forbidden id into fusion, reranking or the results).
 * Ordering: lexical and dense lists as the ports return them (score desc, id asc); fused by
 * `params.fusion` (default RRF with `rrfK`; score desc, best list rank asc, id); reranked by sigmoid score desc, then fused rank asc.
 *
 * With a `plan` from the rewriting stage (`rewriteQuery`): a one-variant plan (HyDE, expansion,
 * or a fallback) sends `variants[0].lexical` to BM25 and embeds `variants[0].dense`; a multi-query
 * plan retrieves every variant `depth` deep with each retriever the mode uses and fuses all those
 * lists with RRF (`rrfK`; RAG-Fusion, Raudaschl 2023), whatever `params.fusion` says; the
 * reranker always scores against the original query. The outcome then carries `rewrite` and each
 * row `foundBy`. Without a plan the result is exactly today's.
 * @throws RangeError for topK/depth/rerankPool < 1.
 */
export async function retrieve(
	query: string,
	params: RetrievalParams,
	ports: RetrievalPorts,
	allow: (id: string) => boolean = () => true,
	plan?: QueryPlan
): Promise<RetrievalOutcome> {
	for (const [name, value] of [
		['topK', params.topK],
		['depth', params.depth],
		['rerankPool', params.rerankPool]
	] as const) {
		if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${value}.`);
	}
	if (plan && plan.variants.length > 1) return retrieveMultiQuery(query, params, ports, allow, plan);
	const { mode } = params;
	const lexicalQuery = plan ? plan.variants[0]!.lexical : query;
	const denseQuery = plan ? plan.variants[0]!.dense : query;
	const wantsLexical = mode !== 'dense';
	const wantsDense = mode !== 'lexical';
	const [lexical, dense] = await Promise.all([
		wantsLexical
			? ports.lexical(lexicalQuery, mode === 'lexical' ? params.topK : params.depth, allow).then((l) => l.filter((h) => allow(h.id)))
			: null,
		wantsDense
			? ports
					.dense(denseQuery, mode === 'dense' ? params.topK : params.depth, allow)
					.then((l) => l.filter((h) => allow(h.id)).map((h) => ({ id: h.id, score: h.similarity })))
			: null
	]);
	let fused: Scored[] | null = null;
	let rerank: Scored[] | null = null;
	let truncation: RerankTruncation | null = null;
	let final: readonly Scored[];
	if (mode === 'lexical') final = lexical!;
	else if (mode === 'dense') final = dense!;
	else {
		fused = fuseScoredLists(
			[
				{ name: 'lexical', hits: lexical! },
				{ name: 'dense', hits: dense! }
			],
			params.fusion,
			{ defaultK: params.rrfK }
		).map((f) => ({ id: f.id, score: f.score }));
		final = fused;
		if (mode === 'hybrid-rerank') {
			({ rerank, truncation } = await rerankStage(query, fused, params.rerankPool, ports));
			final = rerank;
		}
	}
	const stages: StageLists = { lexical, dense, fused, rerank };
	if (!plan) {
		const results = final.slice(0, params.topK).map((h, i) => explainRow(h.id, stages, i + 1));
		return { mode, results, stages, rerank: truncation };
	}
	const lists = [
		...(lexical ? [{ name: 'original:lexical', hits: lexical }] : []),
		...(dense ? [{ name: 'original:dense', hits: dense }] : [])
	];
	return withPlan(mode, final, stages, truncation, params.topK, plan, lists);
}

type NamedList = { readonly name: string; readonly hits: readonly Scored[] };

function withPlan(
	mode: RetrievalParams['mode'],
	final: readonly Scored[],
	stages: StageLists,
	truncation: RerankTruncation | null,
	topK: number,
	plan: QueryPlan,
	lists: readonly NamedList[]
): RetrievalOutcome {
	const results = final.slice(0, topK).map((h, i) => ({
		...explainRow(h.id, stages, i + 1),
		foundBy: lists.filter((l) => l.hits.some((x) => x.id === h.id)).map((l) => l.name)
	}));
	return {
		mode,
		results,
		stages,
		rerank: truncation,
		rewrite: { ...plan, lists: lists.map((l) => ({ name: l.name, ids: l.hits.map((h) => h.id) })) }
	};
}

async function retrieveMultiQuery(
	query: string,
	params: RetrievalParams,
	ports: RetrievalPorts,
	allow: (id: string) => boolean,
	plan: QueryPlan
): Promise<RetrievalOutcome> {
	const { mode } = params;
	const { lists, fused } = await multiQueryLists(plan.variants, mode, params.depth, params.rrfK, ports, allow);
	const pick = (name: string) => lists.find((l) => l.name === name)?.hits ?? null;
	let rerank: Scored[] | null = null;
	let truncation: RerankTruncation | null = null;
	if (mode === 'hybrid-rerank') ({ rerank, truncation } = await rerankStage(query, fused, params.rerankPool, ports));
	const stages: StageLists = { lexical: pick('original:lexical'), dense: pick('original:dense'), fused, rerank };
	return withPlan(mode, rerank ?? fused, stages, truncation, params.topK, plan, lists);
}

/** The cross-encoder over the top `pool` of `fused`, scored against `query`. */
async function rerankStage(
	query: string,
	fused: readonly Scored[],
	poolSize: number,
	ports: RetrievalPorts
): Promise<{ rerank: Scored[]; truncation: RerankTruncation | null }> {
	const pool = fused.slice(0, poolSize);
	const answer = pool.length > 0 ? await ports.rerank(query, await ports.passages(pool.map((p) => p.id))) : [];
	const info: Exclude<RerankScores, readonly number[]> = Array.isArray(answer)
		? { scores: answer as readonly number[] }
		: (answer as Exclude<RerankScores, readonly number[]>);
	const scores = info.scores;
	const truncation =
		pool.length > 0
			? {
					pairs: pool.length,
					truncatedPairs: info.truncatedPairs ?? 0,
					queryTruncated: info.queryTruncated ?? false,
					maxTokens: info.maxTokens ?? null
				}
			: null;
	const fusedRank = new Map(pool.map((p, i) => [p.id, i]));
	const rerank = pool
		.map((p, i) => ({ id: p.id, score: scores[i] ?? 0 }))
		.sort((a, b) => b.score - a.score || fusedRank.get(a.id)! - fusedRank.get(b.id)! || compareCodePoints(a.id, b.id));
	return { rerank, truncation };
}

/** Where `id` stands in each stage list, with `finalRank` given by the caller. */
export function explainRow(id: string, stages: StageLists, finalRank: number | null): ExplainRow {
	return {
		id,
		lexical: position(stages.lexical, id),
		dense: position(stages.dense, id),
		fused: position(stages.fused, id),
		rerank: position(stages.rerank, id),
		finalRank
	};
}

/**
 * "Why not this one?": the best-placed of `ids` (e.g. a document's chunks) in each stage — the
 * smallest rank any of them reached there, or `null` when none made that stage's list.
 */
export function explainBest(
	ids: readonly string[],
	stages: StageLists
): Omit<ExplainRow, 'id' | 'finalRank'> & { bestIds: Record<string, string | null> } {
	const pick = (list: StageLists[keyof StageLists]) => {
		let best: { id: string; pos: StagePosition } | null = null;
		for (const id of ids) {
			const pos = position(list, id);
			if (pos && (!best || pos.rank < best.pos.rank)) best = { id, pos };
		}
		return best;
	};
	const l = pick(stages.lexical);
	const d = pick(stages.dense);
	const f = pick(stages.fused);
	const r = pick(stages.rerank);
	return {
		lexical: l?.pos ?? null,
		dense: d?.pos ?? null,
		fused: f?.pos ?? null,
		rerank: r?.pos ?? null,
		bestIds: { lexical: l?.id ?? null, dense: d?.id ?? null, fused: f?.id ?? null, rerank: r?.id ?? null }
	};
}

function position(list: readonly Scored[] | null, id: string): StagePosition | null {
	if (!list) return null;
	const i = list.findIndex((h) => h.id === id);
	return i === -1 ? null : { rank: i + 1, score: list[i]!.score };
}

/**
 * The explain line for the rerank stage's truncation, e.g. `3 of 20 passages truncated to fit
 * 512 tokens`, plus `; the query was cut too` when it was; `null` when nothing was cut.
 */
export function describeRerankTruncation(t: RerankTruncation | null | undefined): string | null {
	if (!t || (t.truncatedPairs === 0 && !t.queryTruncated)) return null;
	const limit = t.maxTokens !== null ? ` to fit ${t.maxTokens} tokens` : ' to fit the model';
	return `${t.truncatedPairs} of ${t.pairs} passage${t.pairs === 1 ? '' : 's'} truncated${limit}${t.queryTruncated ? '; the query was cut too' : ''}`;
}
