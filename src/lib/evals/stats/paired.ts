import { AssayError } from '../../shared/errors.ts';

/**
 * Paired significance for two retrieval configurations evaluated on the same queries:
 * a percentile bootstrap confidence interval of the mean per-query difference, and a
 * two-sided paired randomization (sign-flip) test (Smucker, Allan & Carterette 2007, "A
 * comparison of statistical significance tests for IR evaluation"). Both use a seeded
 * generator, so the same inputs and seed give the same numbers.
 */

/** mulberry32: a small seeded PRNG returning floats in [0, 1). Public domain (Tommy Ettinger). */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Options of {@link comparePaired}. */
export interface PairedOptions {
	/** Bootstrap resamples, 100–1 000 000. Default 10 000. */
	readonly resamples?: number;
	/** Randomization permutations, 100–1 000 000. Default 10 000. */
	readonly permutations?: number;
	/** Significance level α in (0, 0.5]. Default 0.05 (95 % interval). */
	readonly alpha?: number;
	/** Seed of the generator. Default 42. */
	readonly seed?: number;
}

/** Result of {@link comparePaired}: `b − a`, per query then averaged. */
export interface PairedComparison {
	readonly queryCount: number;
	/** Mean of `b[i] − a[i]`. */
	readonly meanDifference: number;
	/** Percentile bootstrap interval of the mean difference at level 1 − α. */
	readonly ciLow: number;
	readonly ciHigh: number;
	/** Two-sided randomization-test p-value ((count + 1) / (permutations + 1), never 0). */
	readonly pValue: number;
	/** `better`/`worse` only when p < α; else `no significant difference`. */
	readonly verdict: 'better' | 'worse' | 'no significant difference';
	readonly improved: number;
	readonly regressed: number;
	readonly tied: number;
	readonly method: string;
	readonly options: Required<PairedOptions>;
}

function checkCount(name: string, n: number): void {
	if (!Number.isInteger(n) || n < 100 || n > 1_000_000)
		throw new AssayError('CONFIG_INVALID', `${name} must be an integer from 100 to 1 000 000, received ${n}`);
}

/**
 * Compare per-query values `a` (baseline) and `b` (candidate) of the same queries in the same order.
 * @throws AssayError `DATASET_INVALID` when the lengths differ or there is no query;
 *   `CONFIG_INVALID` for out-of-range options.
 */
export function comparePaired(a: readonly number[], b: readonly number[], options: PairedOptions = {}): PairedComparison {
	const opts: Required<PairedOptions> = { resamples: 10_000, permutations: 10_000, alpha: 0.05, seed: 42, ...options };
	checkCount('resamples', opts.resamples);
	checkCount('permutations', opts.permutations);
	if (!(opts.alpha > 0 && opts.alpha <= 0.5)) throw new AssayError('CONFIG_INVALID', `alpha must be in (0, 0.5], received ${opts.alpha}`);
	if (a.length !== b.length)
		throw new AssayError('DATASET_INVALID', `Paired comparison needs the same queries: ${a.length} vs ${b.length} values`);
	const n = a.length;
	if (n === 0) throw new AssayError('DATASET_INVALID', 'Paired comparison of zero queries');
	const d = a.map((x, i) => (b[i] as number) - x);
	const mean = d.reduce((s, x) => s + x, 0) / n;

	const random = seededRandom(opts.seed);
	const means = new Float64Array(opts.resamples);
	for (let r = 0; r < opts.resamples; r++) {
		let s = 0;
		for (let i = 0; i < n; i++) s += d[Math.floor(random() * n)] as number;
		means[r] = s / n;
	}
	means.sort();
	const at = (q: number) => means[Math.min(opts.resamples - 1, Math.max(0, Math.floor(q * opts.resamples)))] as number;

	// Sign flips: under H0 each query's difference is as likely to have the other sign. A stream
	// of its own (seed + 1), so the p-value depends on the seed and the permutations only — not on
	// how many bootstrap resamples were drawn before it (the gate and the comparison agree).
	const flip = seededRandom(opts.seed + 1);
	const observed = Math.abs(mean);
	let extreme = 0;
	for (let p = 0; p < opts.permutations; p++) {
		let s = 0;
		for (let i = 0; i < n; i++) s += flip() < 0.5 ? -(d[i] as number) : (d[i] as number);
		if (Math.abs(s / n) >= observed - 1e-12) extreme++;
	}
	const pValue = (extreme + 1) / (opts.permutations + 1);
	const significant = pValue < opts.alpha && mean !== 0;
	return {
		queryCount: n,
		meanDifference: mean,
		ciLow: at(opts.alpha / 2),
		ciHigh: at(1 - opts.alpha / 2),
		pValue,
		verdict: significant ? (mean > 0 ? 'better' : 'worse') : 'no significant difference',
		improved: d.filter((x) => x > 0).length,
		regressed: d.filter((x) => x < 0).length,
		tied: d.filter((x) => x === 0).length,
		method: `paired randomization test (sign flip, ${opts.permutations} permutations, two-sided) and percentile bootstrap CI (${opts.resamples} resamples), seed ${opts.seed}`,
		options: opts
	};
}

/** A percentile bootstrap interval of one mean. */
export interface MeanInterval {
	readonly mean: number;
	readonly ciLow: number;
	readonly ciHigh: number;
}

/**
 * Percentile bootstrap confidence interval (level 1 − α) of the mean of `values`, seeded.
 * @throws AssayError `DATASET_INVALID` for no values; `CONFIG_INVALID` for bad options.
 */
export function bootstrapMeanInterval(
	values: readonly number[],
	options: Pick<PairedOptions, 'resamples' | 'alpha' | 'seed'> = {}
): MeanInterval {
	const zeros = values.map(() => 0);
	const c = comparePaired(zeros, values, { ...options, permutations: 100 });
	return { mean: c.meanDifference, ciLow: c.ciLow, ciHigh: c.ciHigh };
}
