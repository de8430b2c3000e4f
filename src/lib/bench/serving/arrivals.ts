/**
 * Request arrival schedules, as vLLM's `get_request` (`vllm/benchmarks/serve.py`) draws them:
 * inter-arrival gaps from a gamma distribution with shape `burstiness` and scale
 * `1 / (rate · burstiness)` (burstiness 1 = exponential gaps = a Poisson process; < 1 burstier,
 * > 1 more even; ∞ = constant gaps `1 / rate`), accumulated, then rescaled so the last arrival
 * falls at exactly `n / rate` s (vLLM does this so the realised rate does not drift with the
 * seed). Rate ∞ sends everything at once. Seeded with mulberry32; the draws differ from
 * numpy's generator, so a schedule is reproducible within Assay, not across tools.
 */
import { AssayError } from '../../shared/errors.ts';
import { seededRandom } from '../../evals/stats/paired.ts';

/** A standard normal draw (Box–Muller) from uniform draws in [0, 1). */
function normal(random: () => number): number {
	const u = 1 - random();
	return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * A gamma(shape, scale) draw: Marsaglia & Tsang (2000), "A simple method for generating gamma
 * variables", ACM TOMS 26(3); for shape < 1 the boost `gamma(shape + 1) · U^(1/shape)` of the same paper.
 */
export function gammaDraw(random: () => number, shape: number, scale: number): number {
	if (shape < 1) return gammaDraw(random, shape + 1, scale) * Math.pow(1 - random(), 1 / shape);
	const d = shape - 1 / 3;
	const c = 1 / Math.sqrt(9 * d);
	for (;;) {
		let x: number;
		let v: number;
		do {
			x = normal(random);
			v = 1 + c * x;
		} while (v <= 0);
		v = v * v * v;
		const u = 1 - random();
		if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
	}
}

/** Options of {@link arrivalOffsetsMs}. */
export interface ArrivalOptions {
	/** Requests per second, > 0; `Infinity` sends all at time 0. */
	readonly requestRate: number;
	/** Gamma shape, > 0 (1 = Poisson; `Infinity` = evenly spaced). Default 1. */
	readonly burstiness?: number;
	/** Seed of the draws. Default 0. */
	readonly seed?: number;
}

/**
 * When each of `n` requests is due, in ms from the start of the point (non-decreasing; the
 * first is itself a gap after 0, as in vLLM).
 * @throws AssayError `CONFIG_INVALID` for a rate or burstiness that is not positive.
 */
export function arrivalOffsetsMs(n: number, options: ArrivalOptions): number[] {
	const { requestRate, burstiness = 1, seed = 0 } = options;
	if (!(requestRate > 0)) throw new AssayError('CONFIG_INVALID', `The request rate must be positive (or inf), received ${requestRate}`);
	if (!(burstiness > 0)) throw new AssayError('CONFIG_INVALID', `The burstiness must be positive, received ${burstiness}`);
	if (requestRate === Infinity) return new Array<number>(n).fill(0);
	const random = seededRandom(seed);
	const gapsS = Array.from({ length: n }, () =>
		burstiness === Infinity ? 1 / requestRate : gammaDraw(random, burstiness, 1 / (requestRate * burstiness))
	);
	const cumulative: number[] = [];
	let t = 0;
	for (const g of gapsS) cumulative.push((t += g));
	const last = cumulative[n - 1];
	if (last === undefined || last === 0) return cumulative.map((s) => s * 1000);
	const factor = n / requestRate / last;
	return cumulative.map((s) => s * factor * 1000);
}
