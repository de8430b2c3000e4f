import { fuseScoredLists, type FusionConfig, type FusionMethod, type ScoreNormalization } from '../../search/fusion/score.ts';
import { compareCodePoints } from '../../shared/ids.ts';
import { AssayError } from '../../shared/errors.ts';
import { evaluateRun } from '../metrics/evaluate.ts';
import type { Qrels, RunEntry } from '../metrics/trec-format.ts';
import { splitIds, type Split } from '../routing/evaluate.ts';
import { comparePaired, type PairedComparison, type PairedOptions } from '../stats/paired.ts';

/**
 * Fusion weight tuning: a grid search of the lexical weight `w` (dense `1 − w`) and, for the
 * RRF methods, of the RRF constant `k`, on the tune split of a golden set, confirmed on the
 * other split against a baseline (default: plain RRF with k 60) by a paired randomization test
 * and bootstrap interval (`stats/paired.ts`). Cases split by a seeded hash of their id
 * (`splitIds`, the router tuner's split). Each grid point fuses the stored per-query lexical
 * and dense lists with `fuseScoredLists` (no retrieval re-runs), cuts to `topK`, and scores
 * the metric with the trec_eval-exact engine over the fused order (scores replaced by
 * `topK − rank + 1`, so trec_eval's re-sort by score keeps the fused order, ties included).
 */

/** One query's two stage lists (best first, scores as the retrievers gave them). */
export interface FusionTuneQuery {
	readonly id: string;
	readonly lexical: readonly { readonly id: string; readonly score: number }[];
	readonly dense: readonly { readonly id: string; readonly score: number }[];
}

/** Options of {@link tuneFusion}. */
export interface FusionTuneOptions {
	/** Fusion method to tune (weights are tuned for all but `rrf`, which tunes `k` only). */
	readonly method: FusionMethod;
	/** CombSUM / CombMNZ normalisation; default `minmax`. */
	readonly normalization?: ScoreNormalization;
	/** Step of the lexical weight grid 0, step, …, 1; in (0, 0.5]. Default 0.1. */
	readonly weightStep?: number;
	/** RRF k values tried (rrf, weighted-rrf). Default [60]. */
	readonly kValues?: readonly number[];
	/** Metric name of the trec_eval engine, e.g. `ndcg_cut_10` (default), `map`, `recip_rank`. */
	readonly metric?: string;
	/** Fused documents kept per query (the run depth). Default 100. */
	readonly topK?: number;
	/** Share of cases in the tune split, (0, 1). Default 0.5. */
	readonly tuneShare?: number;
	/** Seed of the split. Default 42. */
	readonly seed?: number;
	/** Configuration the chosen one is compared with. Default `{ method: 'rrf', k: 60 }`. */
	readonly baseline?: FusionConfig;
	/** Options of the paired comparison (seed, permutations, α). */
	readonly paired?: PairedOptions;
}

/** One grid point and its mean metric on the tune split. */
export interface FusionGridPoint {
	readonly fusion: FusionConfig;
	readonly tuneMean: number;
}

/** What {@link tuneFusion} found. */
export interface FusionTuneResult {
	readonly metric: string;
	readonly split: {
		readonly tune: readonly string[];
		readonly confirm: readonly string[];
		readonly tuneShare: number;
		readonly seed: number;
	};
	/** Every grid point, in grid order. */
	readonly grid: readonly FusionGridPoint[];
	/** The best grid point on the tune split (ties: weights nearest equal, then lexical weight, then k nearest 60, then smaller k). */
	readonly chosen: FusionConfig;
	readonly baseline: FusionConfig;
	readonly tune: { readonly chosenMean: number; readonly baselineMean: number };
	/** On the confirm split: means and the paired comparison (candidate = chosen, baseline = baseline). */
	readonly confirm: { readonly chosenMean: number; readonly baselineMean: number; readonly comparison: PairedComparison };
}

const round = (x: number) => Math.round(x * 1e9) / 1e9;

/** The grid: lexical weights 0..1 by `step` (dense = 1 − w) × k values (RRF methods). */
export function fusionGrid(
	method: FusionMethod,
	normalization: ScoreNormalization,
	step: number,
	kValues: readonly number[]
): FusionConfig[] {
	if (!(step > 0 && step <= 0.5)) throw new AssayError('CONFIG_INVALID', `weightStep must be in (0, 0.5], received ${step}`);
	if (kValues.length === 0 || kValues.some((k) => !Number.isFinite(k) || k < 0 || k > 1000))
		throw new AssayError('CONFIG_INVALID', 'kValues must be finite numbers from 0 to 1000, at least one');
	const rrfLike = method === 'rrf' || method === 'weighted-rrf';
	const ks = rrfLike ? kValues : [undefined];
	if (method === 'rrf') return kValues.map((k) => ({ method, k }));
	const weights: number[] = [];
	for (let i = 0; round(i * step) <= 1; i++) weights.push(round(i * step));
	if (weights.at(-1) !== 1) weights.push(1);
	const grid: FusionConfig[] = [];
	for (const k of ks)
		for (const w of weights)
			grid.push({
				method,
				...(rrfLike ? { k } : { normalization }),
				weights: { lexical: w, dense: round(1 - w) }
			});
	return grid;
}

/** Per-query metric values of one fusion configuration over `queries`, in their order. */
export function fusedMetric(
	queries: readonly FusionTuneQuery[],
	qrels: Qrels,
	fusion: FusionConfig,
	metric: string,
	topK: number
): number[] {
	const run = new Map<string, RunEntry[]>();
	for (const q of queries) {
		const fused = fuseScoredLists(
			[
				{ name: 'lexical', hits: q.lexical },
				{ name: 'dense', hits: q.dense }
			],
			fusion,
			{ limit: topK }
		);
		run.set(
			q.id,
			fused.map((f) => ({ docId: f.id, score: topK - f.rank + 1 }))
		);
	}
	const cutoffs = [...new Set([5, 10, 100, ...(/_(\d+)$/.exec(metric) ? [Number(/_(\d+)$/.exec(metric)![1])] : [])])];
	const judged = new Map(queries.flatMap((q) => (qrels.has(q.id) ? [[q.id, qrels.get(q.id)!] as const] : [])));
	const perQuery = evaluateRun(judged, run, { cutoffs, includeMissingQueries: true }).perQuery;
	return queries.map((q) => {
		const value = perQuery.get(q.id)?.[metric];
		if (value === undefined) throw new AssayError('CONFIG_INVALID', `Unknown metric "${metric}" (e.g. ndcg_cut_10, map, recip_rank)`);
		return value;
	});
}

const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

/**
 * Tune fusion on one split, confirm on the other (see the module comment). Queries without
 * judgments are left out.
 * @throws AssayError `CONFIG_INVALID` for bad options or an unknown metric; `DATASET_INVALID`
 *   when a split would be empty.
 */
export function tuneFusion(queries: readonly FusionTuneQuery[], qrels: Qrels, options: FusionTuneOptions): FusionTuneResult {
	const metric = options.metric ?? 'ndcg_cut_10';
	const topK = options.topK ?? 100;
	const tuneShare = options.tuneShare ?? 0.5;
	const seed = options.seed ?? 42;
	const judged = [...queries].filter((q) => qrels.has(q.id)).sort((a, b) => compareCodePoints(a.id, b.id));
	const splits: Split[] = splitIds(
		judged.map((q) => q.id),
		tuneShare,
		seed
	);
	const tune = judged.filter((_, i) => splits[i] === 'tune');
	const confirm = judged.filter((_, i) => splits[i] === 'confirm');
	const grid = fusionGrid(options.method, options.normalization ?? 'minmax', options.weightStep ?? 0.1, options.kValues ?? [60]).map(
		(fusion): FusionGridPoint => ({ fusion, tuneMean: mean(fusedMetric(tune, qrels, fusion, metric, topK)) })
	);
	const key = (c: FusionConfig) => [
		Math.abs((c.weights?.lexical ?? 0.5) - 0.5),
		c.weights?.lexical ?? 0.5,
		Math.abs((c.k ?? 60) - 60),
		c.k ?? 60
	];
	const best = [...grid].sort((a, b) => {
		if (b.tuneMean !== a.tuneMean) return b.tuneMean - a.tuneMean;
		const ka = key(a.fusion);
		const kb = key(b.fusion);
		for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! - kb[i]!;
		return 0;
	})[0]!;
	const baseline = options.baseline ?? { method: 'rrf', k: 60 };
	const chosenConfirm = fusedMetric(confirm, qrels, best.fusion, metric, topK);
	const baselineConfirm = fusedMetric(confirm, qrels, baseline, metric, topK);
	return {
		metric,
		split: { tune: tune.map((q) => q.id), confirm: confirm.map((q) => q.id), tuneShare, seed },
		grid,
		chosen: best.fusion,
		baseline,
		tune: { chosenMean: best.tuneMean, baselineMean: mean(fusedMetric(tune, qrels, baseline, metric, topK)) },
		confirm: {
			chosenMean: mean(chosenConfirm),
			baselineMean: mean(baselineConfirm),
			comparison: comparePaired(baselineConfirm, chosenConfirm, options.paired)
		}
	};
}
