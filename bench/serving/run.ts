/**
 * The serving benchmark against a server whose latency is known: the latency-model server of
 * tests/support (TTFT = a + b · uncached prompt tokens, TPOT = c + d · (requests in flight − 1),
 * prefix cache by 16-word blocks), measured with the same client, runner and metrics as
 * `assay bench-serving`. Each measured number is printed beside the model's value and their
 * ratio — the "hardware limit side by side": on a real server the model's place is taken by
 * what the hardware allows. Tolerance stated: ±10 %, or ±5 ms for a latency (setTimeout and
 * the HTTP round trip add 1–3 ms to every event, which is more than 10 % of a 30 ms TTFT).
 *
 *   npx tsx bench/serving/run.ts [--requests-per-slot 4] [--prompt-tokens 256] [--output-tokens 32]
 *
 * Writes bench/out/serving.json. Not part of the test suite; numbers depend on the machine
 * (timer lateness and event-loop load add to every latency).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
	createOpenAiStreamingClient,
	realClock,
	runPrefixCacheProbe,
	runServingSweep,
	syntheticRequests,
	type PointResult
} from '../../src/lib/bench/serving/index.ts';
import { startLatencyModelServer } from '../../tests/support/latency-model-server.ts';

const { values } = parseArgs({
	options: {
		'requests-per-slot': { type: 'string', default: '4' },
		'prompt-tokens': { type: 'string', default: '256' },
		'output-tokens': { type: 'string', default: '32' }
	}
});
const perSlot = Number(values['requests-per-slot']);
const promptTokens = Number(values['prompt-tokens']);
const outputTokens = Number(values['output-tokens']);
const TOLERANCE = 0.1;
const TOLERANCE_MS = 5;

const model = { ttftBaseMs: 30, ttftPerPromptTokenMs: 0.1, tpotBaseMs: 8, tpotPerConcurrentMs: 2, prefixCache: true };
const server = await startLatencyModelServer(model);
const client = createOpenAiStreamingClient({ baseUrl: server.baseUrl, model: 'latency-model' });
const root = join(import.meta.dirname, '..', '..');

const row = (label: string, measured: number, modelled: number) => {
	const ratio = measured / modelled;
	const slack = label.includes('(ms)') ? Math.max(TOLERANCE * modelled, TOLERANCE_MS) : TOLERANCE * modelled;
	return { label, measured, model: modelled, ratio, withinTolerance: Math.abs(measured - modelled) <= slack };
};
const fmt = (x: number) => x.toFixed(Math.abs(x) < 1 ? 4 : 2).padStart(9);
const show = (r: ReturnType<typeof row>) =>
	`  ${r.label.padEnd(34)} ${fmt(r.measured)} ${fmt(r.model)} ${r.ratio.toFixed(3).padStart(7)} ${r.withinTolerance ? '' : ' (outside the tolerance)'}`;

// 1. Concurrency sweep, all at once: `concurrency × perSlot` requests per point, one warm-up.
const concurrencies = [1, 2, 4, 8];
const sweep: PointResult[] = await runServingSweep({
	client,
	clock: realClock,
	requests: (i) => {
		const [warmupRequest, ...requests] = syntheticRequests({
			numPrompts: concurrencies[i]! * perSlot + 1,
			promptTokens,
			outputTokens,
			seed: 1,
			salt: i
		});
		return { requests, warmupRequest: warmupRequest! };
	},
	points: concurrencies.map((c) => ({ requestRate: Infinity, maxConcurrency: c })),
	warmup: 1
});
const concurrencyRows = sweep.map((p) => {
	const c = p.maxConcurrency!;
	const ttft = server.predictedTtftMs(promptTokens);
	const tpot = server.predictedTpotMs(c);
	const e2e = ttft + (outputTokens - 1) * tpot;
	return {
		concurrency: c,
		requests: p.metrics.completed,
		rows: [
			row('TTFT p50 (ms)', p.metrics.ttftMs.p50, ttft),
			row('TPOT p50 (ms)', p.metrics.tpotMs.p50, tpot),
			row('ITL p50 (ms)', p.metrics.itlMs.p50, tpot),
			row('E2E p50 (ms)', p.metrics.e2eMs.p50, e2e),
			row('output tokens/s', p.metrics.outputTokensPerS, (c * outputTokens * 1000) / e2e),
			row('requests/s', p.metrics.requestsPerS, (c * 1000) / e2e)
		],
		p95: { ttftMs: p.metrics.ttftMs.p95, tpotMs: p.metrics.tpotMs.p95, e2eMs: p.metrics.e2eMs.p95 },
		p99: { ttftMs: p.metrics.ttftMs.p99, tpotMs: p.metrics.tpotMs.p99, e2eMs: p.metrics.e2eMs.p99 }
	};
});

// 2. TTFT against prompt length, one request at a time; least-squares line through the p50s.
const lengths = [64, 256, 1024, 2048];
const byLength = await runServingSweep({
	client,
	clock: realClock,
	requests: (i) => ({ requests: syntheticRequests({ numPrompts: 6, promptTokens: lengths[i]!, outputTokens: 4, seed: 2, salt: i }) }),
	points: lengths.map(() => ({ requestRate: Infinity, maxConcurrency: 1 }))
});
const xs = lengths;
const ys = byLength.map((p) => p.metrics.ttftMs.p50);
const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
const my = ys.reduce((s, y) => s + y, 0) / ys.length;
const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
const intercept = my - slope * mx;

// 3. Prefix-cache probe: 1024-word shared prefix against unique ones.
const probe = await runPrefixCacheProbe({ client, clock: realClock, prefixTokens: 1024, repeats: 5, outputTokens: 4, seed: 3 });
const probeModel = {
	first: server.predictedTtftMs(1024 + 16),
	repeated: server.predictedTtftMs(1024 + 16, 1024),
	unique: server.predictedTtftMs(1024 + 16)
};
await server.close();

const lines = [
	`Serving benchmark vs the latency model (TTFT = ${model.ttftBaseMs} + ${model.ttftPerPromptTokenMs}·prompt ms, TPOT = ${model.tpotBaseMs} + ${model.tpotPerConcurrentMs}·(in flight − 1) ms)`,
	`prompt ${promptTokens} words, output ${outputTokens} tokens, ${perSlot} requests per concurrency slot; ${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}`,
	`  ${'metric'.padEnd(34)} ${'measured'.padStart(9)} ${'model'.padStart(9)} ${'ratio'.padStart(7)}`
];
for (const c of concurrencyRows) {
	lines.push(`concurrency ${c.concurrency} (${c.requests} requests)`);
	for (const r of c.rows) lines.push(show(r));
}
lines.push('TTFT vs prompt length (concurrency 1, p50)');
for (const [i, n] of lengths.entries()) lines.push(show(row(`${n} words`, ys[i]!, server.predictedTtftMs(n))));
lines.push(show(row('fitted a (ms)', intercept, model.ttftBaseMs)));
lines.push(show(row('fitted b (ms / token)', slope, model.ttftPerPromptTokenMs)));
lines.push('prefix-cache probe (1024-word prefix, 5 repeats)');
lines.push(show(row('first TTFT (ms)', probe.firstTtftMs ?? NaN, probeModel.first)));
lines.push(show(row('repeated TTFT median (ms)', probe.repeatedTtftMs.median, probeModel.repeated)));
lines.push(show(row('unique TTFT median (ms)', probe.uniqueTtftMs.median, probeModel.unique)));
lines.push(show(row('repeated / unique', probe.repeatedToUnique ?? NaN, probeModel.repeated / probeModel.unique)));
console.log(lines.join('\n'));

mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(
	join(root, 'bench', 'out', 'serving.json'),
	`${JSON.stringify(
		{
			model,
			promptTokens,
			outputTokens,
			tolerance: { relative: TOLERANCE, absoluteMs: TOLERANCE_MS },
			machine: { cores: availableParallelism(), load1: loadavg()[0] },
			concurrency: concurrencyRows,
			ttftVsPromptLength: { lengths, p50Ms: ys, fitted: { aMs: intercept, bMsPerToken: slope } },
			prefixCache: { measured: probe, model: probeModel }
		},
		null,
		2
	)}\n`
);
console.log('wrote bench/out/serving.json');
