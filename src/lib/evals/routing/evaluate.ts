import { AssayError } from '../../shared/errors.ts';
import { comparePaired } from '../stats/paired.ts';
import type { ModelOutcome, RoutedCase } from './cases.ts';
import { routeByRules, type Route, type RouterRule, type RulesRouter } from './router.ts';
import { discordantCounts, mcnemarExact, nonInferiorityExact } from './stats.ts';

/**
 * Does a router keep quality? The router's answers (each case answered by the model it routed
 * to) are compared with the strong model alone on the same cases, with a non-inferiority margin δ
 * declared before the run. The router is accepted when both hold:
 * 1. pass/fail: the exact non-inferiority test (`nonInferiorityExact`) rejects "the router's pass
 *    rate is δ or more below the strong model's" at level α;
 * 2. score: the one-sided (1 − α) lower bound of the paired percentile bootstrap interval of
 *    the mean score difference (router − strong, scores in [0, 1]) is above −δ.
 * The two-sided exact McNemar p-value is reported beside them.
 */

/** Options of {@link evaluateRouting}. */
export interface RoutingOptions {
	/** Non-inferiority margin δ in [0, 1): the largest acceptable drop of pass rate and of mean score (0–1 units). */
	readonly margin: number;
	/** One-sided significance level in (0, 0.25]. Default 0.05. */
	readonly alpha?: number;
	/** Bootstrap resamples, 100–1 000 000. Default 10 000. */
	readonly resamples?: number;
	/** Seed of the bootstrap. Default 42. */
	readonly seed?: number;
}

/** Sums of one choice of models over the cases; USD sums only over cases whose chosen model was priced. */
export interface CostLatency {
	readonly costUsd: number | null;
	readonly unpricedCases: number;
	readonly meanLatencyMs: number;
}

/** What a router did on a set of cases, and whether it is non-inferior to the strong model. */
export interface RoutingEvaluation {
	readonly cases: number;
	readonly routedCheap: number;
	readonly routedStrong: number;
	/** routedCheap / cases. */
	readonly cheapShare: number;
	readonly passRate: { readonly router: number; readonly strong: number; readonly cheap: number };
	readonly meanScore: { readonly router: number; readonly strong: number; readonly cheap: number };
	/** Discordant pairs router vs strong: b = strong passed and router failed, c = the reverse. */
	readonly discordant: { readonly b: number; readonly c: number };
	readonly mcnemarP: number;
	readonly nonInferiorityP: number;
	/** Paired bootstrap of router − strong score: mean, one-sided lower bound, upper bound (both at 1 − α). */
	readonly scoreDifference: { readonly mean: number; readonly lower: number; readonly upper: number };
	readonly accepted: boolean;
	/** Why it was rejected (empty when accepted). */
	readonly reasons: string[];
	readonly router: CostLatency;
	readonly strongAlone: CostLatency;
	/** strongAlone − router cost, USD (null when either is unpriced), and its share of the strong cost. */
	readonly savedUsd: number | null;
	readonly savedShare: number | null;
	/** strongAlone − router mean latency, ms. */
	readonly savedLatencyMs: number;
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

function costLatency(outcomes: readonly ModelOutcome[]): CostLatency {
	const priced = outcomes.filter((o) => o.costUsd !== null);
	// Sum in pico-dollars so the total does not depend on the order of float additions.
	const pico = priced.reduce((s, o) => s + Math.round((o.costUsd as number) * 1e12), 0);
	return {
		costUsd: priced.length ? pico / 1e12 : null,
		unpricedCases: outcomes.length - priced.length,
		meanLatencyMs: mean(outcomes.map((o) => o.latencyMs))
	};
}

function checkOptions(o: RoutingOptions): Required<RoutingOptions> {
	const opts = { alpha: 0.05, resamples: 10_000, seed: 42, ...o };
	if (!(opts.margin >= 0 && opts.margin < 1)) throw new AssayError('CONFIG_INVALID', `margin must be in [0, 1), received ${opts.margin}`);
	if (!(opts.alpha > 0 && opts.alpha <= 0.25)) throw new AssayError('CONFIG_INVALID', `alpha must be in (0, 0.25], received ${opts.alpha}`);
	return opts;
}

/**
 * Evaluate the routes `routes[i]` chosen for `cases[i]` (see the module comment).
 * @throws AssayError `DATASET_INVALID` for no cases or unequal lengths; `CONFIG_INVALID` for bad options.
 */
export function evaluateRouting(cases: readonly RoutedCase[], routes: readonly Route[], options: RoutingOptions): RoutingEvaluation {
	const opts = checkOptions(options);
	if (cases.length === 0) throw new AssayError('DATASET_INVALID', 'Routing needs at least one case');
	if (routes.length !== cases.length) throw new AssayError('DATASET_INVALID', `${routes.length} routes for ${cases.length} cases`);
	const routed = cases.map((c, i) => (routes[i] === 'cheap' ? c.cheap : c.strong));
	const strong = cases.map((c) => c.strong);
	const counts = discordantCounts(
		routed.map((o) => o.pass),
		strong.map((o) => o.pass)
	);
	const nonInferiorityP = nonInferiorityExact(counts, opts.margin);
	// comparePaired's interval is two-sided at 1 − α'; α' = 2α makes its low end the one-sided (1 − α) bound.
	const diff = comparePaired(
		strong.map((o) => o.score),
		routed.map((o) => o.score),
		{ alpha: 2 * opts.alpha, resamples: opts.resamples, permutations: 100, seed: opts.seed }
	);
	const reasons: string[] = [];
	if (!(nonInferiorityP < opts.alpha))
		reasons.push(
			`pass rate: non-inferiority at margin ${opts.margin} not shown (p = ${nonInferiorityP.toPrecision(4)} ≥ α = ${opts.alpha})`
		);
	if (!(diff.ciLow > -opts.margin))
		reasons.push(`score: the ${1 - opts.alpha} lower bound of the difference, ${diff.ciLow.toFixed(4)}, is not above −${opts.margin}`);
	const router = costLatency(routed);
	const strongAlone = costLatency(strong);
	const routedCheap = routes.filter((r) => r === 'cheap').length;
	const savedUsd =
		router.costUsd !== null && strongAlone.costUsd !== null && router.unpricedCases === 0 && strongAlone.unpricedCases === 0
			? (Math.round(strongAlone.costUsd * 1e12) - Math.round(router.costUsd * 1e12)) / 1e12
			: null;
	const passRate = (os: readonly ModelOutcome[]) => os.filter((o) => o.pass).length / os.length;
	return {
		cases: cases.length,
		routedCheap,
		routedStrong: cases.length - routedCheap,
		cheapShare: routedCheap / cases.length,
		passRate: { router: passRate(routed), strong: passRate(strong), cheap: passRate(cases.map((c) => c.cheap)) },
		meanScore: {
			router: mean(routed.map((o) => o.score)),
			strong: mean(strong.map((o) => o.score)),
			cheap: mean(cases.map((c) => c.cheap.score))
		},
		discordant: { b: counts.b, c: counts.c },
		mcnemarP: mcnemarExact(counts),
		nonInferiorityP,
		scoreDifference: { mean: diff.meanDifference, lower: diff.ciLow, upper: diff.ciHigh },
		accepted: reasons.length === 0,
		reasons,
		router,
		strongAlone,
		savedUsd,
		savedShare: savedUsd !== null && strongAlone.costUsd ? savedUsd / strongAlone.costUsd : null,
		savedLatencyMs: strongAlone.meanLatencyMs - router.meanLatencyMs
	};
}

/**
 * FNV-1a 32 of the UTF-16 code units of `text`, from `seed` mixed into the offset basis, then
 * MurmurHash3's fmix32 finaliser so short, similar ids (`q01`, `q02`) spread over all 32 bits.
 */
function hashId(text: string, seed: number): number {
	let h = (0x811c9dc5 ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b) >>> 0;
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35) >>> 0;
	return (h ^ (h >>> 16)) >>> 0;
}

/** Which split each case is in. */
export type Split = 'tune' | 'confirm';

/**
 * Split cases into a tune and a confirm split by a seeded hash of each case id: a case is in
 * `tune` when hash/2³² < `tuneShare`. A case keeps its split when others are added or removed.
 * @throws AssayError `CONFIG_INVALID` when tuneShare is not in (0, 1); `DATASET_INVALID` when a split would be empty.
 */
export function splitCases(cases: readonly RoutedCase[], tuneShare: number, seed: number): Split[] {
	return splitIds(
		cases.map((c) => c.caseId),
		tuneShare,
		seed
	);
}

/**
 * {@link splitCases} over bare case ids (also used to tune fusion weights): `tune` when
 * hash(id, seed)/2³² < `tuneShare`.
 * @throws AssayError `CONFIG_INVALID` when tuneShare is not in (0, 1); `DATASET_INVALID` when a split would be empty.
 */
export function splitIds(ids: readonly string[], tuneShare: number, seed: number): Split[] {
	if (!(tuneShare > 0 && tuneShare < 1)) throw new AssayError('CONFIG_INVALID', `tuneShare must be in (0, 1), received ${tuneShare}`);
	const splits = ids.map((id): Split => (hashId(id, seed) / 4294967296 < tuneShare ? 'tune' : 'confirm'));
	if (!splits.includes('tune') || !splits.includes('confirm'))
		throw new AssayError(
			'DATASET_INVALID',
			`Splitting ${ids.length} cases at ${tuneShare} leaves a split empty: use more cases or another share or seed`
		);
	return splits;
}

/** The tuned router and how it was found. */
export interface TuneResult {
	readonly router: RulesRouter;
	/** Parameter settings tried. */
	readonly tried: number;
	/** Settings accepted on the tune split. */
	readonly accepted: number;
	/** False when none was accepted: the router is returned as given. */
	readonly tuned: boolean;
}

type Tunable = { rule: number; field: 'topScoreBelow' | 'queryWordsAtLeast' };

const MAX_SETTINGS = 2000;

/** Candidate thresholds: between consecutive observed values, and beyond both ends. */
function candidates(values: readonly number[], integer: boolean): number[] {
	const sorted = [...new Set(values)].sort((a, b) => a - b);
	if (integer) return [...sorted, (sorted.at(-1) ?? 0) + 1];
	const out = [(sorted[0] ?? 0) - 1];
	for (let i = 0; i < sorted.length; i++)
		out.push(i + 1 < sorted.length ? ((sorted[i] as number) + (sorted[i + 1] as number)) / 2 : (sorted[i] as number) + 1);
	return out;
}

/** Every combination of the tunables' candidates (thinned evenly per tunable when there would be more than MAX_SETTINGS). */
function grid(lists: number[][]): number[][] {
	const per = Math.max(2, Math.floor(MAX_SETTINGS ** (1 / Math.max(1, lists.length))));
	const thin = lists.map((l) =>
		l.length <= per ? l : Array.from({ length: per }, (_, i) => l[Math.round((i * (l.length - 1)) / (per - 1))] as number)
	);
	return thin.reduce<number[][]>((acc, l) => acc.flatMap((prefix) => l.map((v) => [...prefix, v])), [[]]);
}

/**
 * Tune a rules router's numeric thresholds on the tune split: every combination of candidate
 * values for each rule's `topScoreBelow` and `queryWordsAtLeast` (those the spec sets) is
 * evaluated; among the settings accepted at the margin, the one sending the most cases to the
 * cheap model wins (ties: lower cost, then lower mean latency, then the first tried).
 */
export function tuneRules(router: RulesRouter, cases: readonly RoutedCase[], options: RoutingOptions): TuneResult {
	const tunables: Tunable[] = [];
	router.rules.forEach((r, i) => {
		if (r.topScoreBelow !== undefined) tunables.push({ rule: i, field: 'topScoreBelow' });
		if (r.queryWordsAtLeast !== undefined) tunables.push({ rule: i, field: 'queryWordsAtLeast' });
	});
	if (tunables.length === 0) return { router, tried: 0, accepted: 0, tuned: false };
	const lists = tunables.map((t) =>
		t.field === 'topScoreBelow'
			? candidates(
					cases.map((c) => c.topScore ?? 0),
					false
				)
			: candidates(
					cases.map((c) => c.query.trim().split(/\s+/u).length),
					true
				)
	);
	let best: { router: RulesRouter; e: RoutingEvaluation } | null = null;
	let accepted = 0;
	const settings = grid(lists);
	for (const values of settings) {
		const rules: RouterRule[] = router.rules.map((r) => ({ ...r }));
		tunables.forEach((t, i) => Object.assign(rules[t.rule] as RouterRule, { [t.field]: values[i] }));
		const candidate: RulesRouter = { ...router, rules };
		const e = evaluateRouting(
			cases,
			cases.map((c) => routeByRules(candidate, c)),
			{ ...options, resamples: Math.min(options.resamples ?? 2000, 2000) }
		);
		if (!e.accepted) continue;
		accepted++;
		if (!best || better(e, best.e)) best = { router: candidate, e };
	}
	return best
		? { router: best.router, tried: settings.length, accepted, tuned: true }
		: { router, tried: settings.length, accepted, tuned: false };
}

function better(a: RoutingEvaluation, b: RoutingEvaluation): boolean {
	if (a.routedCheap !== b.routedCheap) return a.routedCheap > b.routedCheap;
	const ca = a.router.costUsd ?? Infinity;
	const cb = b.router.costUsd ?? Infinity;
	if (ca !== cb) return ca < cb;
	return a.router.meanLatencyMs < b.router.meanLatencyMs;
}
