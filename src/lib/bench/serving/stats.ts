/**
 * Summary statistics computed the way numpy computes them, so a serving benchmark's numbers
 * equal those of vLLM's `vllm bench serve` (which calls `np.mean`, `np.std`, `np.median` and
 * `np.percentile` on Python lists of floats) to the last digit for the same inputs.
 *
 * Sources: numpy `numpy/_core/src/umath/loops_utils.h.src` (`pairwise_sum`, used by
 * `np.add.reduce` on contiguous float64 arrays and so by `np.sum`, `np.mean`, `np.std`);
 * numpy `numpy/lib/_function_base_impl.py` (`_quantile`, `_lerp`, method `'linear'`, the
 * default of `np.percentile`: virtual index `(n − 1)·q`, `q = p / 100`).
 */

/** Block size below which numpy's pairwise sum runs one 8-way unrolled loop (`PW_BLOCKSIZE`). */
const PW_BLOCKSIZE = 128;

function pairwiseSum(a: readonly number[], start: number, n: number): number {
	if (n < 8) {
		let res = 0;
		for (let i = 0; i < n; i++) res += a[start + i]!;
		return res;
	}
	if (n <= PW_BLOCKSIZE) {
		const r = a.slice(start, start + 8);
		let i = 8;
		for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += a[start + i + j]!;
		let res = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
		for (; i < n; i++) res += a[start + i]!;
		return res;
	}
	let n2 = Math.floor(n / 2);
	n2 -= n2 % 8;
	return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** `np.sum(values)` for a 1-D float64 array: numpy's pairwise summation, bit for bit. 0 when empty. */
export function npSum(values: readonly number[]): number {
	return pairwiseSum(values, 0, values.length);
}

/** `np.mean(values)`: {@link npSum} divided by the count. NaN when empty (numpy warns and returns nan). */
export function npMean(values: readonly number[]): number {
	return npSum(values) / values.length;
}

/** `np.std(values)` (population, `ddof = 0`): `sqrt(mean((x − mean)²))`, both means pairwise. NaN when empty. */
export function npStd(values: readonly number[]): number {
	const mean = npMean(values);
	return Math.sqrt(npMean(values.map((v) => (v - mean) * (v - mean))));
}

/** numpy's `_lerp`: from `a` toward `b`, computed from `b` when `t ≥ 0.5` (for accuracy). */
function lerp(a: number, b: number, t: number): number {
	const diff = b - a;
	return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * `np.percentile(values, p)` with numpy's default method `'linear'` (Hyndman & Fan type 7):
 * sort, virtual index `h = (n − 1)·(p / 100)`, then numpy's `_lerp` between the values at
 * `floor(h)` and `floor(h) + 1` (the last value when `h ≥ n − 1`).
 * @param p percentile in [0, 100].
 * @returns NaN when `values` is empty.
 * @throws RangeError when `p` is outside [0, 100].
 */
export function npPercentile(values: readonly number[], p: number): number {
	if (!(p >= 0 && p <= 100)) throw new RangeError(`Percentiles must be in the range [0, 100], received ${p}`);
	const n = values.length;
	if (n === 0) return NaN;
	const sorted = [...values].sort((x, y) => x - y);
	const h = (n - 1) * (p / 100);
	if (h >= n - 1) return sorted[n - 1]!;
	const lo = Math.floor(h);
	return lerp(sorted[lo]!, sorted[lo + 1]!, h - lo);
}

/** `np.median(values)`: the middle value, or the numpy mean of the two middle values. NaN when empty. */
export function npMedian(values: readonly number[]): number {
	const n = values.length;
	if (n === 0) return NaN;
	const sorted = [...values].sort((x, y) => x - y);
	const mid = Math.floor(n / 2);
	return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The percentiles every serving metric reports: p50, p90, p95, p99. */
export const SERVING_PERCENTILES = [50, 90, 95, 99] as const;

/**
 * Summary of one latency metric, in ms. `count` is how many values went in; when it is 0 every
 * other field is 0, as vLLM reports an empty metric (`np.mean(x or 0)`: its lists are replaced
 * by the scalar 0).
 */
export interface LatencySummary {
	readonly count: number;
	readonly mean: number;
	readonly median: number;
	/** Population standard deviation (`np.std`, ddof 0). */
	readonly std: number;
	readonly p50: number;
	readonly p90: number;
	readonly p95: number;
	readonly p99: number;
}

/** Summarise `values` (ms) as vLLM does: numpy mean, std, median and linear percentiles; zeros when empty. */
export function summarize(values: readonly number[]): LatencySummary {
	const v = values.length === 0 ? [0] : values;
	return {
		count: values.length,
		mean: npMean(v),
		median: npMedian(v),
		std: npStd(v),
		p50: npPercentile(v, 50),
		p90: npPercentile(v, 90),
		p95: npPercentile(v, 95),
		p99: npPercentile(v, 99)
	};
}
