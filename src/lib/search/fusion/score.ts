import { compareCodePoints } from '../../shared/ids.ts';
import { z } from '../../shared/zod.ts';
import { reciprocalRankFusion, type FusedItem } from './rrf.ts';

/**
 * Fusion of scored lists, four methods:
 * - `rrf`: reciprocal rank fusion, `Σ 1 / (k + rank_i(d))` (Cormack, Clarke & Büttcher, SIGIR 2009);
 * - `weighted-rrf`: `Σ w_i / (k + rank_i(d))` — RRF with a weight per list;
 * - `combsum`: `Σ w_i · n_i(d)` over normalised scores (Fox & Shaw, TREC-2 1994; Lee, SIGIR 1997);
 * - `combmnz`: CombSUM × the number of lists that contain `d` (same sources).
 * Normalisation of one list's scores `s` (Lee 1997 for min-max; Montague & Aslam, CIKM 2001,
 * "Relevance score normalization for metasearch", for z-score):
 * - `minmax`: `(s − min) / (max − min)`, in [0, 1]; a constant list (max = min, e.g. one hit)
 *   normalises every hit to 1 — our choice: the formula is undefined there, and every hit of
 *   such a list ties with the list's best, which min-max maps to 1;
 * - `zscore`: `(s − mean) / σ`, σ the population standard deviation of the list; σ = 0 gives 0.
 * Conventions for every method: rank is 1-based; an id repeated in a list counts at its first
 * (best) position with that position's score; a list that lacks `d` contributes 0 (for
 * z-scores that is the list's mean); a list whose weight is 0 is left out of fusion (its ids
 * do not enter the fused list, and it does not count for CombMNZ); each list is taken as
 * given — the caller cuts it to the fusion depth, and normalisation is over those hits only.
 * Order: fused score descending, then best single-list rank ascending, then id by code point.
 * Scores are summed in list-name order, so equal inputs give bit-equal scores.
 */

/** Fusion methods, in the order the UI lists them. */
export const FUSION_METHODS = ['rrf', 'weighted-rrf', 'combsum', 'combmnz'] as const;
/** A fusion method (see the module comment for formulas and sources). */
export type FusionMethod = (typeof FUSION_METHODS)[number];
/** Score normalisations for CombSUM / CombMNZ. */
export const SCORE_NORMALIZATIONS = ['minmax', 'zscore'] as const;
/** A score normalisation. */
export type ScoreNormalization = (typeof SCORE_NORMALIZATIONS)[number];

/** Weights of the two retrievers of hybrid search, each finite and ≥ 0, not both 0. */
export const FusionWeightsSchema = z
	.object({ lexical: z.number().finite().min(0), dense: z.number().finite().min(0) })
	.refine((w) => w.lexical + w.dense > 0, { message: 'fusion weights must not both be 0' });

/**
 * How hybrid search fuses its lexical and dense lists. Absent (in a retrieval configuration or
 * a report) = `{ method: 'rrf' }` with the configuration's `rrfK` — the behaviour before fusion
 * was configurable.
 * - `method`: see {@link FusionMethod};
 * - `normalization` (combsum/combmnz only): default `minmax`;
 * - `weights` (weighted-rrf, combsum, combmnz): default `{ lexical: 1, dense: 1 }`;
 * - `k` (rrf, weighted-rrf): RRF constant ≥ 0, default the configuration's `rrfK` (60).
 */
export const FusionConfigSchema = z
	.object({
		method: z.enum(FUSION_METHODS),
		normalization: z.enum(SCORE_NORMALIZATIONS).optional(),
		weights: FusionWeightsSchema.optional(),
		k: z.number().finite().min(0).max(1000).optional()
	})
	.refine((c) => c.normalization === undefined || c.method === 'combsum' || c.method === 'combmnz', {
		message: 'normalization applies to combsum and combmnz only'
	})
	.refine((c) => c.k === undefined || c.method === 'rrf' || c.method === 'weighted-rrf', {
		message: 'k applies to rrf and weighted-rrf only'
	})
	.refine((c) => c.weights === undefined || c.method !== 'rrf', { message: 'weights need method weighted-rrf, combsum or combmnz' });

/** A validated fusion configuration. */
export type FusionConfig = z.infer<typeof FusionConfigSchema>;

/** One scored input list, best first (scores need not be sorted; positions give the ranks). */
export interface ScoredList {
	/** Stage name, e.g. `lexical` or `dense`; keys the weights and {@link FusedItem.ranks}. */
	readonly name: string;
	readonly hits: readonly { readonly id: string; readonly score: number }[];
}

/** Options of {@link fuseScoredLists}. */
export interface FuseOptions {
	/** RRF k when the configuration has none. Default 60. */
	readonly defaultK?: number;
	/** Keep only the first `limit` fused items. Default: all. */
	readonly limit?: number;
}

/**
 * Normalise one list's scores (see the module comment).
 * @throws RangeError for a non-finite score.
 */
export function normalizeScores(scores: readonly number[], normalization: ScoreNormalization): number[] {
	if (scores.some((s) => !Number.isFinite(s))) throw new RangeError('Scores to normalise must be finite.');
	if (scores.length === 0) return [];
	if (normalization === 'minmax') {
		let min = Infinity;
		let max = -Infinity;
		for (const s of scores) {
			min = Math.min(min, s);
			max = Math.max(max, s);
		}
		return max === min ? scores.map(() => 1) : scores.map((s) => (s - min) / (max - min));
	}
	const mean = scores.reduce((a, s) => a + s, 0) / scores.length;
	const sd = Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / scores.length);
	return sd === 0 ? scores.map(() => 0) : scores.map((s) => (s - mean) / sd);
}

/**
 * Fuse scored lists by `config` (absent = plain RRF with `options.defaultK`). Plain `rrf`
 * gives exactly {@link reciprocalRankFusion}'s list.
 * @throws RangeError for k < 0, duplicate list names, or a non-finite score (score methods).
 */
export function fuseScoredLists(lists: readonly ScoredList[], config: FusionConfig | undefined, options: FuseOptions = {}): FusedItem[] {
	const method = config?.method ?? 'rrf';
	const k = config?.k ?? options.defaultK ?? 60;
	if (method === 'rrf')
		return reciprocalRankFusion(
			lists.map((l) => ({ name: l.name, ids: l.hits.map((h) => h.id) })),
			{ k, limit: options.limit }
		);
	if (!Number.isFinite(k) || k < 0) throw new RangeError(`RRF k must be a finite number ≥ 0, got ${k}.`);
	const weights: Readonly<Record<string, number>> = config?.weights ?? {};
	const weightOf = (name: string) => weights[name] ?? 1;
	const sorted = [...lists].sort((a, b) => compareCodePoints(a.name, b.name));
	if (new Set(sorted.map((l) => l.name)).size !== sorted.length) throw new RangeError('Fusion input lists must have distinct names.');
	const normalization = config?.normalization ?? 'minmax';
	const perList = sorted.map((list) => {
		const first = new Map<string, { rank: number; score: number }>();
		for (const h of list.hits) if (!first.has(h.id)) first.set(h.id, { rank: first.size + 1, score: h.score });
		const entries = [...first.entries()];
		const contribution = new Map<string, number>();
		if (method === 'weighted-rrf') for (const [id, e] of entries) contribution.set(id, weightOf(list.name) / (k + e.rank));
		else {
			const normalized = normalizeScores(
				entries.map(([, e]) => e.score),
				normalization
			);
			entries.forEach(([id], i) => contribution.set(id, weightOf(list.name) * normalized[i]!));
		}
		return { name: list.name, weight: weightOf(list.name), ranks: new Map(entries.map(([id, e]) => [id, e.rank])), contribution };
	});
	const active = perList.filter((l) => l.weight > 0);
	const ids = new Set<string>();
	for (const list of active) for (const id of list.ranks.keys()) ids.add(id);
	const items: Omit<FusedItem, 'rank'>[] = [];
	for (const id of ids) {
		let score = 0;
		let count = 0;
		let bestRank = Infinity;
		const ranks: Record<string, number | null> = {};
		for (const list of perList) {
			const rank = list.ranks.get(id);
			ranks[list.name] = rank ?? null;
			if (rank === undefined || list.weight === 0) continue;
			score += list.contribution.get(id)!;
			count++;
			bestRank = Math.min(bestRank, rank);
		}
		items.push({ id, score: method === 'combmnz' ? score * count : score, ranks, bestRank });
	}
	items.sort((a, b) => b.score - a.score || a.bestRank - b.bestRank || compareCodePoints(a.id, b.id));
	const limited = options.limit === undefined ? items : items.slice(0, options.limit);
	return limited.map((item, i) => ({ ...item, rank: i + 1 }));
}

/** A short label of a fusion configuration, e.g. `RRF k 60`, `CombMNZ z-score 0.3/0.7`. */
export function describeFusion(config: FusionConfig | undefined, defaultK: number): string {
	const method = config?.method ?? 'rrf';
	const w = config?.weights ? ` ${config.weights.lexical}/${config.weights.dense}` : '';
	if (method === 'rrf' || method === 'weighted-rrf') return `${method === 'rrf' ? 'RRF' : 'weighted RRF'} k ${config?.k ?? defaultK}${w}`;
	const norm = (config?.normalization ?? 'minmax') === 'minmax' ? 'min-max' : 'z-score';
	return `${method === 'combsum' ? 'CombSUM' : 'CombMNZ'} ${norm}${w}`;
}
