import { describe, expect, it } from 'vitest';
import {
	BENCH_METRICS,
	browserLimitWarning,
	cell,
	latencyThroughputSeries,
	pairPoints,
	parseNumberList,
	pointLabel,
	ratio,
	sweepGrid,
	ttftByPromptSeries
} from '../../../src/lib/app/bench-view.ts';
import { parseServingReport, type ServingBenchReport } from '../../../src/lib/bench/serving/index.ts';

const summary = (p50: number, p99 = p50 * 2) => ({ count: 4, mean: p50, median: p50, std: 0, p50, p90: p99, p95: p99, p99 });

function point(o: {
	concurrency: number | null;
	promptTokens?: number;
	rate?: number | 'inf';
	tokS: number;
	e2e: number;
	ttft: number;
	completed?: number;
}) {
	return {
		requestRate: o.rate ?? 'inf',
		burstiness: 1,
		concurrency: o.concurrency,
		promptTokens: o.promptTokens ?? 256,
		outputTokens: 32,
		warmup: { sent: 0, failed: 0 },
		completed: o.completed ?? 4,
		failed: 0,
		durationMs: 1000,
		totalInputTokens: 1024,
		totalOutputTokens: 128,
		requestsPerS: 4,
		outputTokensPerS: o.tokS,
		totalTokensPerS: o.tokS + 1024,
		goodputRequestsPerS: null,
		goodRequests: null,
		maxConcurrentRequests: o.concurrency ?? 4,
		ttftMs: summary(o.ttft),
		tpotMs: summary(10),
		itlMs: summary(10),
		e2eMs: summary(o.e2e),
		outputTokensFrom: { usage: 4, deltas: 0 },
		errors: []
	};
}

function report(points: ReturnType<typeof point>[], promptTokens = [256]): ServingBenchReport {
	return parseServingReport({
		schema: 'assay.serving-bench/v1',
		createdAt: '2026-12-03T00:00:00.000Z',
		app: { name: 'assay', version: '0.0.0' },
		target: { baseUrl: 'http://127.0.0.1:9/v1', endpoint: '/v1/chat/completions', model: 'm' },
		settings: {
			numPrompts: 4,
			promptTokens,
			outputTokens: [32],
			ignoreEos: false,
			warmup: 0,
			seed: 0,
			goodput: {},
			percentiles: [50, 90, 95, 99]
		},
		tokenCounting: 'x',
		points,
		prefixCache: null
	});
}

describe('the Benchmarks page logic', () => {
	it('parses comma lists of positive numbers, inf where allowed, and names the field of a bad one', () => {
		expect(parseNumberList('1, 2,4', 'Concurrency', { integer: true })).toEqual([1, 2, 4]);
		expect(parseNumberList('0.5,inf', 'Request rate', { integer: false, allowInf: true })).toEqual([0.5, Infinity]);
		expect(() => parseNumberList('1,,2', 'Concurrency', { integer: true })).toThrow(/Concurrency takes a comma list/);
		expect(() => parseNumberList('1.5', 'Concurrency', { integer: true })).toThrow(/positive integers/);
		expect(() => parseNumberList('inf', 'Prompt length', { integer: true })).toThrow(/Prompt length/);
	});

	it('sweeps every combination in the CLI’s order: prompt × output × rate × concurrency', () => {
		expect(sweepGrid([8, 16], [4], [Infinity], [1, 2])).toEqual([
			{ promptTokens: 8, outputTokens: 4, requestRate: Infinity, maxConcurrency: 1 },
			{ promptTokens: 8, outputTokens: 4, requestRate: Infinity, maxConcurrency: 2 },
			{ promptTokens: 16, outputTokens: 4, requestRate: Infinity, maxConcurrency: 1 },
			{ promptTokens: 16, outputTokens: 4, requestRate: Infinity, maxConcurrency: 2 }
		]);
	});

	it('warns of the browser’s six connections per origin only for plain HTTP above six in flight', () => {
		expect(browserLimitWarning([1, 2, 6], 'http://127.0.0.1:8000/v1')).toBeNull();
		expect(browserLimitWarning([4, 8], 'http://127.0.0.1:8000/v1')).toMatch(/at most 6 connections.*assay bench-serving/);
		expect(browserLimitWarning([null], 'http://h/v1')).not.toBeNull();
		expect(browserLimitWarning([8], 'https://h/v1')).toBeNull();
	});

	it('labels points by rate and concurrency, with lengths when the report sweeps them', () => {
		const r = report([point({ concurrency: 2, tokS: 1, e2e: 1, ttft: 1 })]);
		expect(pointLabel(r.points[0]!, false)).toBe('c=2');
		expect(pointLabel({ ...r.points[0]!, requestRate: 4, concurrency: null }, true)).toBe('p256 o32 · rate 4/s · c=∞');
	});

	it('pairs two reports’ points by lengths, rate and concurrency, keeping points only one has, and gives B / A', () => {
		const a = report([point({ concurrency: 1, tokS: 100, e2e: 300, ttft: 50 }), point({ concurrency: 2, tokS: 180, e2e: 350, ttft: 60 })]);
		const b = report([point({ concurrency: 2, tokS: 270, e2e: 280, ttft: 45 }), point({ concurrency: 4, tokS: 400, e2e: 500, ttft: 90 })]);
		const pairs = pairPoints(a, b);
		expect(pairs.map((p) => [p.label, p.a?.outputTokensPerS ?? null, p.b?.outputTokensPerS ?? null])).toEqual([
			['c=1', 100, null],
			['c=2', 180, 270],
			['c=4', null, 400]
		]);
		const tokS = BENCH_METRICS.find((m) => m.id === 'outputTokensPerS')!;
		expect(ratio(tokS.value(pairs[1]!.a!), tokS.value(pairs[1]!.b!))).toBe(1.5);
		const e2e99 = BENCH_METRICS.find((m) => m.id === 'e2eMs.p99')!;
		expect(e2e99.value(pairs[1]!.b!)).toBe(560);
		expect(ratio(null, 2)).toBeNull();
		expect(ratio(0, 2)).toBeNull();
		expect(cell(null)).toBe('—');
		expect(cell(1.005)).toBe('1.00');
		expect(BENCH_METRICS).toHaveLength(15);
	});

	it('draws the latency–throughput curve (p50 and p99 against output tokens/s) and TTFT by prompt length, skipping points with no completed request', () => {
		const r = report(
			[
				point({ concurrency: 1, promptTokens: 512, tokS: 100, e2e: 300, ttft: 80 }),
				point({ concurrency: 1, promptTokens: 128, tokS: 120, e2e: 250, ttft: 40 }),
				point({ concurrency: 1, promptTokens: 256, tokS: 0, e2e: 0, ttft: 0, completed: 0 })
			],
			[512, 128, 256]
		);
		const curve = latencyThroughputSeries(r, 'e2eMs', 'A');
		expect(curve.map((s) => s.name)).toEqual(['A E2E p50', 'A E2E p99']);
		expect(curve[1]!.points.map((p) => [p.x, p.y])).toEqual([
			[100, 600],
			[120, 500]
		]);
		expect(latencyThroughputSeries(r, 'tpotMs', 'B')[0]!.points.map((p) => p.y)).toEqual([10, 10]);
		expect(ttftByPromptSeries(r, 'A').points.map((p) => [p.x, p.y, p.label])).toEqual([
			[128, 40, 'p128 o32 · c=1'],
			[512, 80, 'p512 o32 · c=1']
		]);
	});
});
