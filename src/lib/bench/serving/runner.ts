/**
 * The serving benchmark runner: warm-up, arrivals (Poisson/gamma or all at once), a
 * concurrency limit, per-request timing of the stream, then {@link computeServingMetrics}.
 * It follows vLLM's `benchmark()` in `vllm/benchmarks/serve.py`: warm-up requests (the first
 * prompt, under the same concurrency limit) are sent and discarded before the clock starts;
 * a request waits for its arrival time, then for a concurrency slot, and its times run from
 * when it is sent; the point's duration runs from before the first arrival to the end of the
 * last request. The clock and the streaming client are injected, so tests run on virtual time.
 */
import { seededRandom } from '../../evals/stats/paired.ts';
import { arrivalOffsetsMs } from './arrivals.ts';
import type { ServingRequest, StreamingClient } from './client.ts';
import { computeServingMetrics, type GoodputSlos, type RequestOutcome, type ServingMetrics } from './metrics.ts';
import { npMedian, summarize, type LatencySummary } from './stats.ts';

/** Time source of the runner, in ms. */
export interface BenchClock {
	/** Monotonic time in ms. */
	nowMs(): number;
	/** Resolve after `ms` (≥ 0) ms of this clock. */
	sleepMs(ms: number): Promise<void>;
}

/** The real clock: `performance.now()` and `setTimeout`. */
export const realClock: BenchClock = {
	nowMs: () => performance.now(),
	sleepMs: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
};

const WORDS = (
	'the of and to in is was for on that with as by at from his her an which or be are this had not but were they all one ' +
	'their has been there who can more when if out its so up said what about would time into only other new some could these'
).split(' ');

/**
 * A synthetic prompt of `words` whitespace-separated words drawn (seeded) from a fixed list of
 * 64 common English words, like vLLM's `random` dataset draws token ids; different seeds diverge
 * within the first words, so unrelated prompts share no cacheable prefix.
 */
export function syntheticPrompt(words: number, seed: number): string {
	const random = seededRandom(seed);
	return Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]!).join(' ');
}

/** A 32-bit seed mixed from three integers (murmur3's finaliser over a running hash). */
function mixSeed(a: number, b: number, c: number): number {
	let h = 0x9e3779b9;
	for (const v of [a, b, c]) {
		h = Math.imul(h ^ (v >>> 0), 0x85ebca6b);
		h ^= h >>> 13;
		h = Math.imul(h, 0xc2b2ae35);
		h ^= h >>> 16;
	}
	return h >>> 0;
}

/**
 * `numPrompts` synthetic requests of `promptTokens` words each, limited to `outputTokens`; the
 * prompt seeds mix `seed`, `salt` and the position, so another salt (a sweep's point index)
 * gives prompts that share no prefix with these and a prefix-caching server cannot reuse
 * one point's prefills in the next.
 */
export function syntheticRequests(options: {
	readonly numPrompts: number;
	readonly promptTokens: number;
	readonly outputTokens: number;
	readonly seed: number;
	/** Default 0. */
	readonly salt?: number;
}): ServingRequest[] {
	return Array.from({ length: options.numPrompts }, (_, i) => ({
		prompt: syntheticPrompt(options.promptTokens, mixSeed(options.seed, options.salt ?? 0, i)),
		promptTokens: options.promptTokens,
		outputTokens: options.outputTokens
	}));
}

/** A counting semaphore; `limit` null = unlimited. */
function semaphore(limit: number | null): { acquire: () => Promise<void>; release: () => void } {
	let free = limit ?? Infinity;
	const waiting: (() => void)[] = [];
	return {
		acquire: () => {
			if (free > 0) {
				free--;
				return Promise.resolve();
			}
			return new Promise<void>((resolve) => waiting.push(resolve));
		},
		release: () => {
			const next = waiting.shift();
			if (next) next();
			else free++;
		}
	};
}

/**
 * Send one request and time its stream (vLLM's request function): TTFT at the first `choices`
 * event, ITL between `choices` events, e2e at the last one; output tokens from usage when it is
 * given and positive, else the number of events with content. A stream without any `choices`
 * event fails, as in vLLM ("Never received a valid chunk to calculate TTFT").
 */
async function timeRequest(
	client: StreamingClient,
	clock: BenchClock,
	request: ServingRequest,
	index: number,
	arrivalMs: number,
	pointStartMs: number
): Promise<RequestOutcome> {
	const start = clock.nowMs();
	const base = { index, arrivalMs, startMs: start - pointStartMs, promptTokens: request.promptTokens };
	const failed = (error: string): RequestOutcome => ({
		...base,
		success: false,
		error,
		ttftMs: 0,
		itlMs: [],
		e2eMs: 0,
		outputTokens: 0,
		outputTokensFrom: 'deltas'
	});
	let ttftMs: number | undefined;
	let last = start;
	const itlMs: number[] = [];
	let deltas = 0;
	let usage: { promptTokens?: number; completionTokens?: number } = {};
	try {
		for await (const event of client.stream(request)) {
			const t = clock.nowMs();
			if (event.kind === 'usage') {
				usage = { ...usage, ...event };
				continue;
			}
			if (ttftMs === undefined) ttftMs = t - start;
			else itlMs.push(t - last);
			last = t;
			if (event.content !== '') deltas++;
		}
	} catch (error) {
		return failed(error instanceof Error ? error.message : String(error));
	}
	if (ttftMs === undefined) return failed('The stream held no chunk with choices, so there is no first token to time.');
	const fromUsage = usage.completionTokens !== undefined && usage.completionTokens > 0;
	return {
		...base,
		success: true,
		ttftMs,
		itlMs,
		e2eMs: last - start,
		outputTokens: fromUsage ? usage.completionTokens! : deltas,
		outputTokensFrom: fromUsage ? 'usage' : 'deltas',
		promptTokens: usage.promptTokens ?? request.promptTokens
	};
}

/** Load settings of one benchmark point. */
export interface PointSettings {
	/** Requests per second; `Infinity` = all at once (vLLM's default `inf`). */
	readonly requestRate: number;
	/** Gamma shape of the gaps; 1 = Poisson. Default 1. */
	readonly burstiness?: number;
	/** Most requests in flight; null = no limit. */
	readonly maxConcurrency: number | null;
}

/** Options of {@link runServingPoint}. */
export interface RunPointOptions extends PointSettings {
	readonly client: StreamingClient;
	readonly clock: BenchClock;
	/** The measured requests, sent in this order. */
	readonly requests: readonly ServingRequest[];
	/** Warm-up requests sent and discarded before the point starts. Default 0. */
	readonly warmup?: number;
	/**
	 * What the warm-up sends (`warmup` copies). Default the first request, as vLLM — which
	 * lets a prefix-caching server answer that measured request from cache; pass a prompt of its
	 * own to avoid that.
	 */
	readonly warmupRequest?: ServingRequest;
	/** Seed of the arrival schedule. Default 0. */
	readonly seed?: number;
	/** Goodput targets; none = no goodput. */
	readonly slos?: GoodputSlos;
}

/** One measured point: its settings, metrics and per-request outcomes. */
export interface PointResult {
	readonly requestRate: number;
	readonly burstiness: number;
	readonly maxConcurrency: number | null;
	readonly warmup: { readonly sent: number; readonly failed: number };
	/** Mean requested prompt length (the requests' own estimates) and output limit of the point's requests. */
	readonly requested: { readonly promptTokens: number; readonly outputTokens: number };
	readonly metrics: ServingMetrics;
	readonly outcomes: readonly RequestOutcome[];
}

/**
 * Run one benchmark point.
 * @throws AssayError `CONFIG_INVALID` for an empty request list, a bad rate or burstiness, or a
 *   point that took no time on the clock.
 */
export async function runServingPoint(options: RunPointOptions): Promise<PointResult> {
	const { client, clock, requests, requestRate, maxConcurrency, warmup = 0, seed = 0, slos = {} } = options;
	const burstiness = options.burstiness ?? 1;
	const first = options.warmupRequest ?? requests[0];
	const offsets = arrivalOffsetsMs(requests.length, { requestRate, burstiness, seed });
	let warmupFailed = 0;
	if (warmup > 0 && first) {
		const slots = semaphore(maxConcurrency);
		await Promise.all(
			Array.from({ length: warmup }, async (_, i) => {
				await slots.acquire();
				try {
					const o = await timeRequest(client, clock, first, i, 0, clock.nowMs());
					if (!o.success) warmupFailed++;
				} finally {
					slots.release();
				}
			})
		);
	}
	const slots = semaphore(maxConcurrency);
	const pointStart = clock.nowMs();
	const tasks: Promise<RequestOutcome>[] = [];
	for (const [i, request] of requests.entries()) {
		const due = pointStart + offsets[i]!;
		const wait = due - clock.nowMs();
		if (wait > 0) await clock.sleepMs(wait);
		tasks.push(
			(async () => {
				await slots.acquire();
				try {
					return await timeRequest(client, clock, request, i, offsets[i]!, pointStart);
				} finally {
					slots.release();
				}
			})()
		);
	}
	const outcomes = await Promise.all(tasks);
	const metrics = computeServingMetrics(outcomes, clock.nowMs() - pointStart, slos);
	const meanOf = (f: (r: ServingRequest) => number) => (requests.length ? requests.reduce((sum, r) => sum + f(r), 0) / requests.length : 0);
	const requested = { promptTokens: meanOf((r) => r.promptTokens), outputTokens: meanOf((r) => r.outputTokens) };
	return { requestRate, burstiness, maxConcurrency, warmup: { sent: warmup, failed: warmupFailed }, requested, metrics, outcomes };
}

/** Options of {@link runServingSweep}: the shared options plus one settings object per point. */
export interface RunSweepOptions extends Omit<RunPointOptions, keyof PointSettings | 'requests' | 'warmupRequest'> {
	readonly points: readonly PointSettings[];
	/** The same requests at every point, or each point's own (by point index) with its warm-up request. */
	readonly requests:
		| readonly ServingRequest[]
		| ((pointIndex: number) => { readonly requests: readonly ServingRequest[]; readonly warmupRequest?: ServingRequest });
	/** Called after each point (for progress output). */
	readonly onPoint?: (result: PointResult, index: number) => void;
}

/** Run the points one after the other, each with its own warm-up, with the same seed. */
export async function runServingSweep(options: RunSweepOptions): Promise<PointResult[]> {
	const results: PointResult[] = [];
	for (const [i, point] of options.points.entries()) {
		const own = typeof options.requests === 'function' ? options.requests(i) : { requests: options.requests };
		const result = await runServingPoint({ ...options, ...point, ...own });
		results.push(result);
		options.onPoint?.(result, i);
	}
	return results;
}

/** Options of {@link runPrefixCacheProbe}. */
export interface PrefixProbeOptions {
	readonly client: StreamingClient;
	readonly clock: BenchClock;
	/** Words of the long prefix (shared, or unique per control request). */
	readonly prefixTokens: number;
	/** Words of the short question after the prefix. Default 16. */
	readonly suffixTokens?: number;
	/** Repeated shared-prefix requests, and as many unique-prefix controls. Default 5. */
	readonly repeats?: number;
	/** Output token limit of each request. Default 16. */
	readonly outputTokens?: number;
	readonly seed?: number;
}

/** What the prefix-cache probe measured (TTFTs in ms). */
export interface PrefixProbeResult {
	readonly prefixTokens: number;
	readonly suffixTokens: number;
	readonly repeats: number;
	/** TTFT of the first request with the shared prefix (nothing cached yet); null when it failed. */
	readonly firstTtftMs: number | null;
	/** TTFTs of the later requests with the same prefix. */
	readonly repeatedTtftMs: LatencySummary;
	/** TTFTs of the controls: same lengths, a prefix of their own each. */
	readonly uniqueTtftMs: LatencySummary;
	/** Median repeated TTFT / first TTFT (< 1 when the server reuses the cached prefix); null when undefined. */
	readonly repeatedToFirst: number | null;
	/** Median repeated TTFT / median unique TTFT (the "TTFT ratio"); null when undefined. */
	readonly repeatedToUnique: number | null;
	readonly failed: number;
}

/**
 * The prefix-cache probe: one request with a long prefix P and a short question, then
 * `repeats` rounds of (a control request with a prefix of its own, a request with P and a new
 * question), one at a time. A server that caches prefixes answers the repeats' first token
 * sooner than the first and than the controls.
 */
export async function runPrefixCacheProbe(options: PrefixProbeOptions): Promise<PrefixProbeResult> {
	const { client, clock, prefixTokens, suffixTokens = 16, repeats = 5, outputTokens = 16, seed = 0 } = options;
	const shared = syntheticPrompt(prefixTokens, seed * 1_000_003 + 999_001);
	const request = (prefix: string, k: number): ServingRequest => ({
		prompt: `${prefix} ${syntheticPrompt(suffixTokens, seed * 1_000_003 + 998_001 + k)}`,
		promptTokens: prefixTokens + suffixTokens,
		outputTokens
	});
	const once = (r: ServingRequest, i: number) => timeRequest(client, clock, r, i, 0, clock.nowMs());
	let failed = 0;
	const firstOutcome = await once(request(shared, 0), 0);
	if (!firstOutcome.success) failed++;
	const repeated: number[] = [];
	const unique: number[] = [];
	for (let k = 1; k <= repeats; k++) {
		const control = await once(request(syntheticPrompt(prefixTokens, seed * 1_000_003 + 997_001 + k), k), 2 * k - 1);
		if (control.success) unique.push(control.ttftMs);
		else failed++;
		const again = await once(request(shared, k), 2 * k);
		if (again.success) repeated.push(again.ttftMs);
		else failed++;
	}
	const firstTtftMs = firstOutcome.success ? firstOutcome.ttftMs : null;
	const ratio = (a: number, b: number | null) => (b !== null && b > 0 && Number.isFinite(a) ? a / b : null);
	return {
		prefixTokens,
		suffixTokens,
		repeats,
		firstTtftMs,
		repeatedTtftMs: summarize(repeated),
		uniqueTtftMs: summarize(unique),
		repeatedToFirst: repeated.length ? ratio(npMedian(repeated), firstTtftMs) : null,
		repeatedToUnique: repeated.length && unique.length ? ratio(npMedian(repeated), npMedian(unique)) : null,
		failed
	};
}
