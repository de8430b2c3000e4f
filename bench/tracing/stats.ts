/**
 * Statistics for the tracing-overhead bench: nearest-rank percentiles and a paired bootstrap
 * interval on a ratio of medians. Deterministic (seeded), so a unit test can pin exact values.
 */

/** Nearest-rank percentile of an ascending array (`p` in 0–100); `NaN` when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
	if (sorted.length === 0) return NaN;
	const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
	return sorted[rank - 1] as number;
}

/** Median (nearest-rank p50) of an unsorted array. */
export function median(xs: readonly number[]): number {
	return percentile(
		[...xs].sort((a, b) => a - b),
		50
	);
}

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
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

/** A ratio with its percentile-bootstrap interval. */
export interface RatioInterval {
	readonly ratio: number;
	readonly low: number;
	readonly high: number;
}

/**
 * `median(on) / median(off)` and a percentile-bootstrap interval at `level` (e.g. 0.95).
 * `on[i]` and `off[i]` are paired (same query, same repetition, back to back), so each
 * resample draws pair indices with replacement and keeps the pairs together.
 */
export function bootstrapMedianRatio(
	on: readonly number[],
	off: readonly number[],
	options: { readonly resamples?: number; readonly level?: number; readonly seed?: number } = {}
): RatioInterval {
	if (on.length !== off.length || on.length === 0) throw new Error('bootstrapMedianRatio needs two non-empty paired arrays');
	const resamples = options.resamples ?? 2000;
	const level = options.level ?? 0.95;
	const random = seededRandom(options.seed ?? 1);
	const n = on.length;
	const a = new Float64Array(n);
	const b = new Float64Array(n);
	const ratios: number[] = [];
	for (let r = 0; r < resamples; r++) {
		for (let i = 0; i < n; i++) {
			const j = Math.floor(random() * n);
			a[i] = on[j] as number;
			b[i] = off[j] as number;
		}
		a.sort();
		b.sort();
		ratios.push(percentile(a, 50) / percentile(b, 50));
	}
	ratios.sort((x, y) => x - y);
	const tail = ((1 - level) / 2) * 100;
	return { ratio: median(on) / median(off), low: percentile(ratios, tail), high: percentile(ratios, 100 - tail) };
}

/** A median with its percentile-bootstrap interval. */
export interface MedianInterval {
	readonly median: number;
	readonly low: number;
	readonly high: number;
}

/** `median(xs)` and a percentile-bootstrap interval at `level` (resampling `xs` with replacement). */
export function bootstrapMedian(
	xs: readonly number[],
	options: { readonly resamples?: number; readonly level?: number; readonly seed?: number } = {}
): MedianInterval {
	if (xs.length === 0) throw new Error('bootstrapMedian needs a non-empty array');
	const resamples = options.resamples ?? 2000;
	const level = options.level ?? 0.95;
	const random = seededRandom(options.seed ?? 1);
	const n = xs.length;
	const a = new Float64Array(n);
	const medians: number[] = [];
	for (let r = 0; r < resamples; r++) {
		for (let i = 0; i < n; i++) a[i] = xs[Math.floor(random() * n)] as number;
		a.sort();
		medians.push(percentile(a, 50));
	}
	medians.sort((x, y) => x - y);
	const tail = ((1 - level) / 2) * 100;
	return { median: median(xs), low: percentile(medians, tail), high: percentile(medians, 100 - tail) };
}
