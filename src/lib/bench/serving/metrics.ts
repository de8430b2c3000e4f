/**
 * Serving metrics of one benchmark point, defined exactly as vLLM's `vllm bench serve`
 * (`vllm/benchmarks/serve.py`, `calculate_metrics`; before v0.10 `benchmarks/benchmark_serving.py`),
 * computed in ms from client-side timestamps:
 *
 * - TTFT: time from sending the request to the first streamed chunk that carries `choices`.
 * - ITL: the gaps between successive `choices` chunks of a request, pooled over all requests.
 * - E2E latency: time from sending the request to its last `choices` chunk.
 * - TPOT per request: `(e2e − ttft) / (outputTokens − 1)`, only when `outputTokens > 1`.
 * - request throughput `completed / duration`, output token throughput `Σ outputTokens / duration`,
 *   total token throughput `(Σ promptTokens + Σ outputTokens) / duration`, where duration runs
 *   from the start of the benchmark point (before the first arrival) to the end of its last request.
 * - goodput (`--goodput`): requests per second that meet every given SLO (`metric ≤ slo`); a
 *   request with `outputTokens ≤ 1` counts TPOT as 0 for this test, as vLLM does.
 *
 * Failed requests count in `failed` and nowhere else.
 */
import { AssayError } from '../../shared/errors.ts';
import { summarize, type LatencySummary } from './stats.ts';

/** How the output token count of a request was obtained. */
export type TokenCountSource = 'usage' | 'deltas';

/** What the runner measured for one request (times in ms on the benchmark's clock). */
export interface RequestOutcome {
	/** Position of the request in the point (0-based). */
	readonly index: number;
	readonly success: boolean;
	/** Why it failed (only when `success` is false). */
	readonly error?: string;
	/** When the request was due by the arrival schedule, from the start of the point. */
	readonly arrivalMs: number;
	/** When it was sent (after waiting for a concurrency slot), from the start of the point. */
	readonly startMs: number;
	/** Time to first token (first `choices` chunk). 0 when failed. */
	readonly ttftMs: number;
	/** Gaps between successive `choices` chunks. */
	readonly itlMs: readonly number[];
	/** Send to last `choices` chunk. 0 when failed. */
	readonly e2eMs: number;
	/** `usage.completion_tokens` when the server sent it, else the number of chunks with non-empty content. */
	readonly outputTokens: number;
	readonly outputTokensFrom: TokenCountSource;
	/** `usage.prompt_tokens` when the server sent it, else the prompt's own estimate. */
	readonly promptTokens: number;
}

/** Latency targets of `--goodput`, in ms: a request is good when it meets every one given. */
export interface GoodputSlos {
	readonly ttftMs?: number;
	readonly tpotMs?: number;
	readonly e2eMs?: number;
}

/** Metrics of one benchmark point (see the module comment for each definition). */
export interface ServingMetrics {
	readonly completed: number;
	readonly failed: number;
	readonly durationMs: number;
	readonly totalInputTokens: number;
	readonly totalOutputTokens: number;
	readonly requestsPerS: number;
	readonly outputTokensPerS: number;
	readonly totalTokensPerS: number;
	/** Good requests per second; null when no SLO was given. */
	readonly goodputRequestsPerS: number | null;
	/** Requests that met every SLO; null when no SLO was given. */
	readonly goodRequests: number | null;
	readonly ttftMs: LatencySummary;
	readonly tpotMs: LatencySummary;
	readonly itlMs: LatencySummary;
	readonly e2eMs: LatencySummary;
	/** How many completed requests had their output tokens from usage, and how many from counting deltas. */
	readonly outputTokensFrom: { readonly usage: number; readonly deltas: number };
	/** Largest number of requests in flight at once (sweep over [start, start + e2e), ends before starts on ties). */
	readonly maxConcurrentRequests: number;
}

/** TPOT of one request: `(e2e − ttft) / (outputTokens − 1)`, or null when `outputTokens ≤ 1` (vLLM). */
export function requestTpotMs(o: Pick<RequestOutcome, 'e2eMs' | 'ttftMs' | 'outputTokens'>): number | null {
	return o.outputTokens > 1 ? (o.e2eMs - o.ttftMs) / (o.outputTokens - 1) : null;
}

/** True when the request meets every SLO in `slos` (vLLM: `slo ≥ value`; TPOT of a ≤1-token reply is 0). */
export function meetsSlos(o: RequestOutcome, slos: GoodputSlos): boolean {
	const tpot = requestTpotMs(o) ?? 0;
	return (
		(slos.ttftMs === undefined || o.ttftMs <= slos.ttftMs) &&
		(slos.tpotMs === undefined || tpot <= slos.tpotMs) &&
		(slos.e2eMs === undefined || o.e2eMs <= slos.e2eMs)
	);
}

/**
 * Compute a point's metrics from its request outcomes and its duration.
 * @param durationMs wall time of the point, > 0.
 * @param slos goodput targets; omit (or pass `{}`) for no goodput.
 * @throws AssayError `CONFIG_INVALID` when `durationMs` is not positive.
 */
export function computeServingMetrics(outcomes: readonly RequestOutcome[], durationMs: number, slos: GoodputSlos = {}): ServingMetrics {
	if (!(durationMs > 0)) throw new AssayError('CONFIG_INVALID', `The benchmark duration must be positive, received ${durationMs} ms`);
	const ok = outcomes.filter((o) => o.success);
	const ttfts = ok.map((o) => o.ttftMs);
	const e2es = ok.map((o) => o.e2eMs);
	const tpots = ok.map(requestTpotMs).filter((t): t is number => t !== null);
	const itls = ok.flatMap((o) => o.itlMs);
	const totalInputTokens = ok.reduce((s, o) => s + o.promptTokens, 0);
	const totalOutputTokens = ok.reduce((s, o) => s + o.outputTokens, 0);
	const durationS = durationMs / 1000;
	const hasSlos = slos.ttftMs !== undefined || slos.tpotMs !== undefined || slos.e2eMs !== undefined;
	const good = hasSlos ? ok.filter((o) => meetsSlos(o, slos)).length : null;
	return {
		completed: ok.length,
		failed: outcomes.length - ok.length,
		durationMs,
		totalInputTokens,
		totalOutputTokens,
		requestsPerS: ok.length / durationS,
		outputTokensPerS: totalOutputTokens / durationS,
		totalTokensPerS: (totalInputTokens + totalOutputTokens) / durationS,
		goodputRequestsPerS: good === null ? null : good / durationS,
		goodRequests: good,
		ttftMs: summarize(ttfts),
		tpotMs: summarize(tpots),
		itlMs: summarize(itls),
		e2eMs: summarize(e2es),
		outputTokensFrom: {
			usage: ok.filter((o) => o.outputTokensFrom === 'usage').length,
			deltas: ok.filter((o) => o.outputTokensFrom === 'deltas').length
		},
		maxConcurrentRequests: peakConcurrency(ok)
	};
}

/** Peak number of overlapping half-open intervals [start, start + e2e) (vLLM's sweep line: departures first on ties). */
function peakConcurrency(ok: readonly RequestOutcome[]): number {
	const events = ok.flatMap((o) => [
		[o.startMs, 1],
		[o.startMs + o.e2eMs, -1]
	]) as [number, number][];
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let current = 0;
	let peak = 0;
	for (const [, delta] of events) {
		current += delta;
		peak = Math.max(peak, current);
	}
	return peak;
}

const SLO_KEYS: Record<string, keyof GoodputSlos> = { ttft: 'ttftMs', tpot: 'tpotMs', e2el: 'e2eMs', e2e: 'e2eMs' };

/**
 * Parse vLLM's `--goodput` pairs: `ttft:200`, `tpot:50`, `e2el:1000` (ms; `e2e` is accepted for
 * `e2el`). Each key at most once, values positive numbers.
 * @throws AssayError `CONFIG_INVALID` naming the bad pair.
 */
export function parseGoodput(pairs: readonly string[]): GoodputSlos {
	const slos: Partial<Record<keyof GoodputSlos, number>> = {};
	for (const pair of pairs) {
		const m = /^([a-z0-9]+):(\d+(?:\.\d+)?)$/i.exec(pair.trim());
		const key = m ? SLO_KEYS[m[1]!.toLowerCase()] : undefined;
		if (!m || !key) throw new AssayError('CONFIG_INVALID', `--goodput takes ttft:<ms>, tpot:<ms> or e2el:<ms>, received "${pair}"`);
		if (slos[key] !== undefined) throw new AssayError('CONFIG_INVALID', `--goodput names ${m[1]} twice`);
		const value = Number(m[2]);
		if (!(value > 0)) throw new AssayError('CONFIG_INVALID', `--goodput ${m[1]} must be positive, received ${m[2]}`);
		slos[key] = value;
	}
	return slos;
}
