/**
 * Maximum bipartite matching (Kuhn's augmenting-path algorithm, O(V·E)): pairs left items with
 * right items along allowed edges so that as many pairs as possible are formed, each item in at
 * most one pair. A greedy "first compatible partner" pass is not enough: with expected calls
 * E1 (any query) and E2 (query and top_k 10), and actual calls A1 (top_k 10) then A2 (top_k 5),
 * greedy pairs E1–A1 and leaves E2 alone (1 pair); the maximum is E1–A2, E2–A1 (2 pairs).
 *
 * Deterministic: left items are tried in index order, and each tries its right partners in
 * index order, so equal inputs always give the same pairs.
 *
 * @param leftCount number of left items (e.g. expected calls).
 * @param rightCount number of right items (e.g. actual calls).
 * @param allowed whether left `i` may pair with right `j`.
 * @returns `pairOfLeft[i]` = the right index paired with left `i`, or -1; length `leftCount`.
 */
export function maximumBipartiteMatching(leftCount: number, rightCount: number, allowed: (i: number, j: number) => boolean): number[] {
	const edges: number[][] = Array.from({ length: leftCount }, (_, i) =>
		Array.from({ length: rightCount }, (_, j) => j).filter((j) => allowed(i, j))
	);
	const pairOfRight = new Array<number>(rightCount).fill(-1);
	const augment = (i: number, seen: boolean[]): boolean => {
		for (const j of edges[i] ?? []) {
			if (seen[j]) continue;
			seen[j] = true;
			const holder = pairOfRight[j] as number;
			if (holder === -1 || augment(holder, seen)) {
				pairOfRight[j] = i;
				return true;
			}
		}
		return false;
	};
	for (let i = 0; i < leftCount; i++) augment(i, new Array<boolean>(rightCount).fill(false));
	const pairOfLeft = new Array<number>(leftCount).fill(-1);
	pairOfRight.forEach((i, j) => {
		if (i !== -1) pairOfLeft[i] = j;
	});
	return pairOfLeft;
}
