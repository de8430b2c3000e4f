import { compareCodePoints } from '../../shared/ids.ts';
import { fuseScoredLists } from '../fusion/score.ts';
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
 * @throws RangeError for topK/depth/rerankPool < 1.
 */
export async function retrieve(
	query: string,
	params: RetrievalParams,
	ports: RetrievalPorts,
	allow: (id: string) => boolean = () => true
): Promise<RetrievalOutcome> {
	for (const [name, value] of [
		['topK', params.topK],
		['depth', params.depth],
		['rerankPool', params.rerankPool]
	] as const) {
		if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${value}.`);
	}
	const { mode } = params;
	const wantsLexical = mode !== 'dense';
	const wantsDense = mode !== 'lexical';
	const [lexical, dense] = await Promise.all([
		wantsLexical
			? ports.lexical(query, mode === 'lexical' ? params.topK : params.depth, allow).then((l) => l.filter((h) => allow(h.id)))
			: null,
		wantsDense
			? ports
					.dense(query, mode === 'dense' ? params.topK : params.depth, allow)
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
			const pool = fused.slice(0, params.rerankPool);
			const answer = pool.length > 0 ? await ports.rerank(query, await ports.passages(pool.map((p) => p.id))) : [];
			const info: Exclude<RerankScores, readonly number[]> = Array.isArray(answer)
				? { scores: answer as readonly number[] }
				: (answer as Exclude<RerankScores, readonly number[]>);
			const scores = info.scores;
			if (pool.length > 0) {
				truncation = {
					pairs: pool.length,
					truncatedPairs: info.truncatedPairs ?? 0,
					queryTruncated: info.queryTruncated ?? false,
					maxTokens: info.maxTokens ?? null
				};
			}
			const fusedRank = new Map(pool.map((p, i) => [p.id, i]));
			rerank = pool
				.map((p, i) => ({ id: p.id, score: scores[i] ?? 0 }))
				.sort((a, b) => b.score - a.score || fusedRank.get(a.id)! - fusedRank.get(b.id)! || compareCodePoints(a.id, b.id));
			final = rerank;
		}
	}
	const stages: StageLists = { lexical, dense, fused, rerank };
	const results = final.slice(0, params.topK).map((h, i) => explainRow(h.id, stages, i + 1));
	return { mode, results, stages, rerank: truncation };
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
