import { compareCodePoints } from '../../shared/ids.ts';

/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009):
 * `score(d) = Σ over lists that contain d of 1 / (k + rank(d))`, rank 1-based.
 * A list that does not contain `d` contributes nothing (no penalty term).
 */

/** One ranked input list, best first. `ids` may repeat; only the first occurrence counts. */
export interface RankedList {
	/** Stage name, e.g. `lexical` or `dense`; keys {@link FusedItem.ranks}. */
	readonly name: string;
	readonly ids: readonly string[];
}

/** One fused result. */
export interface FusedItem {
	readonly id: string;
	/** RRF score, > 0. */
	readonly score: number;
	/** 1-based fused rank. */
	readonly rank: number;
	/** 1-based rank of `id` in each input list (after removing repeats), `null` where absent. */
	readonly ranks: Readonly<Record<string, number | null>>;
	/** Smallest of the list ranks (the tie-breaker). */
	readonly bestRank: number;
}

/** Options for {@link reciprocalRankFusion}. */
export interface RrfOptions {
	/** The RRF constant `k` (≥ 0). Default 60, the paper's value. */
	readonly k?: number;
	/** Keep only the first `limit` fused items. Default: all. */
	readonly limit?: number;
}

/**
 * Drop repeated ids, keeping each at its first (best) position; the returned ranks are
 * 1-based positions in the deduplicated list.
 */
export function uniqueRanks(ids: readonly string[]): Map<string, number> {
	const ranks = new Map<string, number>();
	for (const id of ids) if (!ranks.has(id)) ranks.set(id, ranks.size + 1);
	return ranks;
}

/**
 * Fuse ranked lists with RRF. Order: score descending, then best single-list rank ascending,
 * then id by code point — so the result does not depend on the order of `lists`.
 * Scores are summed in a fixed order (by list name) so equal inputs give bit-equal scores.
 * @throws RangeError when `k` is negative or not finite, or two lists share a name.
 */
export function reciprocalRankFusion(lists: readonly RankedList[], options: RrfOptions = {}): FusedItem[] {
	const k = options.k ?? 60;
	if (!Number.isFinite(k) || k < 0) throw new RangeError(`RRF k must be a finite number ≥ 0, got ${k}.`);
	const sorted = [...lists].sort((a, b) => compareCodePoints(a.name, b.name));
	const perList = sorted.map((list) => ({ name: list.name, ranks: uniqueRanks(list.ids) }));
	if (new Set(perList.map((l) => l.name)).size !== perList.length) throw new RangeError('RRF input lists must have distinct names.');
	const ids = new Set<string>();
	for (const list of perList) for (const id of list.ranks.keys()) ids.add(id);
	const items: Omit<FusedItem, 'rank'>[] = [];
	for (const id of ids) {
		let score = 0;
		let bestRank = Infinity;
		const ranks: Record<string, number | null> = {};
		for (const list of perList) {
			const rank = list.ranks.get(id);
			ranks[list.name] = rank ?? null;
			if (rank === undefined) continue;
			score += 1 / (k + rank);
			bestRank = Math.min(bestRank, rank);
		}
		items.push({ id, score, ranks, bestRank });
	}
	items.sort((a, b) => b.score - a.score || a.bestRank - b.bestRank || compareCodePoints(a.id, b.id));
	const limited = options.limit === undefined ? items : items.slice(0, options.limit);
	return limited.map((item, i) => ({ ...item, rank: i + 1 }));
}
