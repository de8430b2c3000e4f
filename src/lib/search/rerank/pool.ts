/**
 * How many fused candidates the cross-encoder scores (the rerank pool depth).
 * - `rerankDepth` given: that many candidates (an absolute pool depth, 1–1000), raised to `topK`
 *   when smaller so the final list is never cut below top-k by the pool;
 * - absent: `rerankPoolFactor` × `topK` (the behaviour before the depth existed; factor default 4).
 * Candidates beyond the pool keep their fused order below nothing: they are not in the reranked list
 * at all, so none of them can reach the top-k.
 * @throws RangeError when `topK`, the factor or the depth is not an integer ≥ 1.
 */
export function rerankPoolSize(
	options: { readonly rerankPoolFactor: number; readonly rerankDepth?: number | undefined },
	topK: number
): number {
	const { rerankPoolFactor, rerankDepth } = options;
	for (const [name, value] of [
		['topK', topK],
		['rerankPoolFactor', rerankPoolFactor],
		['rerankDepth', rerankDepth ?? 1]
	] as const) {
		if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${value}.`);
	}
	return rerankDepth === undefined ? rerankPoolFactor * topK : Math.max(rerankDepth, topK);
}
