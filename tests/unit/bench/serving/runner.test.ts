import { describe, expect, it } from 'vitest';
import {
	computeServingMetrics,
	meetsSlos,
	parseGoodput,
	requestTpotMs,
	runPrefixCacheProbe,
	runServingPoint,
	runServingSweep,
	type ServingRequest
} from '../../../../src/lib/bench/serving/index.ts';
import { scriptedClient, VirtualClock, type ScriptedReply } from '../../../support/virtual-clock.ts';

// Four requests on virtual time. By hand:
//   r0: TTFT 100, gaps 20 30 10 → e2e 160, 4 tokens (usage), TPOT (160 − 100) / 3 = 20
//   r1: TTFT 50, gap 40 → e2e 90, no usage: 2 content deltas, TPOT 40 / 1 = 40
//   r2: TTFT 200, one token (usage) → e2e 200, no TPOT (vLLM skips outputTokens ≤ 1)
//   r3: fails after 5 ms
const replies: Record<string, ScriptedReply> = {
	r0: { ttftMs: 100, gapsMs: [20, 30, 10], usage: { promptTokens: 10, completionTokens: 4 } },
	r1: { ttftMs: 50, gapsMs: [40] },
	r2: { ttftMs: 200, gapsMs: [], usage: { promptTokens: 5, completionTokens: 1 } },
	r3: { ttftMs: 5, gapsMs: [], failWith: 'HTTP 500: overloaded' }
};
const requests: ServingRequest[] = ['r0', 'r1', 'r2', 'r3'].map((prompt) => ({ prompt, promptTokens: 7, outputTokens: 4 }));

describe('serving metrics on scripted token timings', () => {
	it('computes every metric of an all-at-once point as vLLM defines it, to the digit', async () => {
		const clock = new VirtualClock();
		const result = await runServingPoint({
			client: scriptedClient(clock, replies),
			clock,
			requests,
			requestRate: Infinity,
			maxConcurrency: null
		});
		const m = result.metrics;
		expect(m.completed).toBe(3);
		expect(m.failed).toBe(1);
		expect(m.durationMs).toBe(200);
		// Prompt tokens: usage 10 and 5, r1 has no usage → its estimate 7. Output: 4 + 2 + 1.
		expect(m.totalInputTokens).toBe(22);
		expect(m.totalOutputTokens).toBe(7);
		expect(m.requestsPerS).toBe(15); // 3 / 0.2 s
		expect(m.outputTokensPerS).toBe(35); // 7 / 0.2 s
		expect(m.totalTokensPerS).toBe(145); // 29 / 0.2 s
		expect(m.goodputRequestsPerS).toBeNull();
		expect(m.outputTokensFrom).toEqual({ usage: 2, deltas: 1 });
		expect(m.maxConcurrentRequests).toBe(3);
		// numpy on [100, 50, 200]: mean 116.66666666666667, std 62.36095644623236, p90 180, p95 190, p99 198.
		expect(m.ttftMs).toEqual({
			count: 3,
			mean: 116.66666666666667,
			median: 100,
			std: 62.36095644623236,
			p50: 100,
			p90: 180,
			p95: 190,
			p99: 198
		});
		// TPOT [20, 40]: mean 30, std 10, p99 = 20 + 0.99 · 20 → numpy 39.8.
		expect(m.tpotMs).toEqual({ count: 2, mean: 30, median: 30, std: 10, p50: 30, p90: 38, p95: 39, p99: 39.8 });
		// ITL pooled over requests: [20, 30, 10, 40]; numpy std 11.180339887498949, p99 39.699999999999996.
		expect(m.itlMs).toEqual({
			count: 4,
			mean: 25,
			median: 25,
			std: 11.180339887498949,
			p50: 25,
			p90: 37,
			p95: 38.5,
			p99: 39.699999999999996
		});
		expect(m.e2eMs).toEqual({ count: 3, mean: 150, median: 160, std: 45.46060565661952, p50: 160, p90: 192, p95: 196, p99: 199.2 });
		const failed = result.outcomes[3]!;
		expect(failed).toMatchObject({ success: false, error: 'HTTP 500: overloaded', startMs: 0 });
	});

	it('counts goodput as requests per second meeting every SLO, with TPOT 0 for a one-token reply', async () => {
		const clock = new VirtualClock();
		const run = (slos: object) =>
			runServingPoint({ client: scriptedClient(clock, replies), clock, requests, requestRate: Infinity, maxConcurrency: null, slos });
		// ttft ≤ 100 and tpot ≤ 30: r0 (100, 20) only; 100 ≤ 100 counts (vLLM: slo ≥ value).
		expect((await run({ ttftMs: 100, tpotMs: 30 })).metrics).toMatchObject({ goodRequests: 1, goodputRequestsPerS: 5 });
		// tpot ≤ 50 alone: r0 20, r1 40, r2 single token = 0 → all three.
		expect((await run({ tpotMs: 50 })).metrics).toMatchObject({ goodRequests: 3, goodputRequestsPerS: 15 });
		// e2e ≤ 159.9: r1 only.
		expect((await run({ e2eMs: 159.9 })).metrics).toMatchObject({ goodRequests: 1, goodputRequestsPerS: 5 });
	});

	it('sends requests one at a time under concurrency 1, timing each from when it is sent', async () => {
		const clock = new VirtualClock();
		const result = await runServingPoint({
			client: scriptedClient(clock, replies),
			clock,
			requests: requests.slice(0, 3),
			requestRate: Infinity,
			maxConcurrency: 1
		});
		expect(result.outcomes.map((o) => [o.arrivalMs, o.startMs, o.ttftMs, o.e2eMs])).toEqual([
			[0, 0, 100, 160],
			[0, 160, 50, 90],
			[0, 250, 200, 200]
		]);
		expect(result.metrics.durationMs).toBe(450);
		expect(result.metrics.maxConcurrentRequests).toBe(1);
		// 3 requests / 0.45 s
		expect(result.metrics.requestsPerS).toBe(3 / 0.45);
	});

	it('sends each request at its arrival time and leaves warm-up requests out of the metrics and the clock', async () => {
		const clock = new VirtualClock();
		const client = scriptedClient(clock, replies);
		const result = await runServingPoint({
			client,
			clock,
			requests: requests.slice(0, 3),
			requestRate: 4,
			burstiness: Infinity, // evenly spaced: 250, 500, 750 ms
			maxConcurrency: null,
			warmup: 2
		});
		expect(client.sent).toEqual(['r0', 'r0', 'r0', 'r1', 'r2']);
		expect(result.warmup).toEqual({ sent: 2, failed: 0 });
		expect(result.outcomes.map((o) => [o.arrivalMs, o.startMs])).toEqual([
			[250, 250],
			[500, 500],
			[750, 750]
		]);
		// Last request: sent at 750, ends at 950 → duration 950 ms from the point's start (after warm-up).
		expect(result.metrics.durationMs).toBe(950);
		expect(result.metrics.completed).toBe(3);
	});

	it('runs a sweep point by point, each with its own settings', async () => {
		const clock = new VirtualClock();
		const seen: number[] = [];
		const results = await runServingSweep({
			client: scriptedClient(clock, replies),
			clock,
			requests: requests.slice(0, 3),
			points: [
				{ requestRate: Infinity, maxConcurrency: 1 },
				{ requestRate: Infinity, maxConcurrency: 3 }
			],
			onPoint: (_r, i) => seen.push(i)
		});
		expect(seen).toEqual([0, 1]);
		expect(results.map((r) => [r.maxConcurrency, r.metrics.durationMs, r.metrics.maxConcurrentRequests])).toEqual(
			[
				[1, 450],
				[3, 200]
			].map(([c, d]) => [c, d, c])
		);
	});

	it('gives each sweep point its own requests and warm-up request when asked', async () => {
		const clock = new VirtualClock();
		const client = scriptedClient(clock, replies);
		const results = await runServingSweep({
			client,
			clock,
			requests: (i) => ({ requests: [requests[i]!], warmupRequest: requests[2]! }),
			points: [
				{ requestRate: Infinity, maxConcurrency: null },
				{ requestRate: Infinity, maxConcurrency: null }
			],
			warmup: 1
		});
		expect(client.sent).toEqual(['r2', 'r0', 'r2', 'r1']);
		expect(results.map((r) => r.metrics.e2eMs.mean)).toEqual([160, 90]);
	});

	it('fails a stream that never sends a chunk with choices, as vLLM does', async () => {
		const clock = new VirtualClock();
		const client = {
			async *stream() {
				await clock.sleepMs(10);
				yield { kind: 'usage' as const, completionTokens: 3 };
			}
		};
		const result = await runServingPoint({ client, clock, requests: requests.slice(0, 1), requestRate: Infinity, maxConcurrency: null });
		expect(result.metrics.completed).toBe(0);
		expect(result.outcomes[0]!.error).toMatch(/no chunk with choices/);
	});

	it('computes TPOT only for replies of more than one token, and SLOs inclusively', () => {
		expect(requestTpotMs({ e2eMs: 160, ttftMs: 100, outputTokens: 4 })).toBe(20);
		expect(requestTpotMs({ e2eMs: 200, ttftMs: 200, outputTokens: 1 })).toBeNull();
		const o = {
			index: 0,
			success: true,
			arrivalMs: 0,
			startMs: 0,
			ttftMs: 200,
			itlMs: [],
			e2eMs: 200,
			outputTokens: 1,
			outputTokensFrom: 'usage' as const,
			promptTokens: 1
		};
		expect(meetsSlos(o, { ttftMs: 200, tpotMs: 0 })).toBe(true);
		expect(meetsSlos(o, { ttftMs: 199.99 })).toBe(false);
		expect(() => computeServingMetrics([o], 0)).toThrow(/positive/);
	});

	it("parses vLLM's --goodput pairs and refuses unknown or repeated keys", () => {
		expect(parseGoodput(['ttft:200', 'tpot:50', 'e2el:1000'])).toEqual({ ttftMs: 200, tpotMs: 50, e2eMs: 1000 });
		expect(parseGoodput(['e2e:1.5'])).toEqual({ e2eMs: 1.5 });
		expect(() => parseGoodput(['itl:5'])).toThrow(/ttft/);
		expect(() => parseGoodput(['ttft:1', 'ttft:2'])).toThrow(/twice/);
		expect(() => parseGoodput(['ttft:0'])).toThrow(/positive/);
	});
});

describe('the prefix-cache probe', () => {
	it('compares the TTFT of repeated shared-prefix requests with the first one and with unique-prefix controls', async () => {
		const clock = new VirtualClock();
		let sharedPrefix: string | undefined;
		let first = true;
		// A server that caches: the first sight of a prefix costs 300 ms, a cached one 60 ms.
		const client = {
			async *stream(r: ServingRequest) {
				const prefix = r.prompt.split(' ').slice(0, 100).join(' ');
				if (first) sharedPrefix = prefix;
				const cached = !first && prefix === sharedPrefix;
				first = false;
				await clock.sleepMs(cached ? 60 : 300);
				yield { kind: 'choices' as const, content: 'a' };
			}
		};
		const result = await runPrefixCacheProbe({ client, clock, prefixTokens: 100, repeats: 3 });
		expect(result.firstTtftMs).toBe(300);
		expect(result.repeatedTtftMs).toMatchObject({ count: 3, median: 60 });
		expect(result.uniqueTtftMs).toMatchObject({ count: 3, median: 300 });
		expect(result.repeatedToFirst).toBe(0.2);
		expect(result.repeatedToUnique).toBe(0.2);
		expect(result.failed).toBe(0);
	});
});
