import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServingBenchReport } from '../../../src/lib/bench/serving/index.ts';
import { runCliCaptured } from '../../support/cli.ts';
import { startLatencyModelServer, type LatencyModelServer } from '../../support/latency-model-server.ts';

// Structure and counts only: the latencies are real time on a shared machine, so no check here
// depends on speed (npm run bench:serving compares the measured latencies with the model).
const work = mkdtempSync(join(tmpdir(), 'assay-serving-'));
const schema = JSON.parse(readFileSync(new URL('../../../schemas/serving-bench.v1.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ strict: false }).compile(schema);
let server: LatencyModelServer;
let noUsage: LatencyModelServer;

beforeAll(async () => {
	const model = { ttftBaseMs: 2, ttftPerPromptTokenMs: 0.01, tpotBaseMs: 1, tpotPerConcurrentMs: 0.5 };
	server = await startLatencyModelServer({ ...model, prefixCache: true });
	noUsage = await startLatencyModelServer({ ...model, usage: false });
});
afterAll(async () => {
	await server.close();
	await noUsage.close();
	rmSync(work, { recursive: true, force: true });
});

const readReport = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ServingBenchReport;

describe('assay bench-serving against the latency-model server', () => {
	it('sweeps rates × concurrencies, writes a schema-valid report with vLLM metrics per point, and runs the prefix probe', async () => {
		const out = join(work, 'sweep', 'report.json');
		const result = await runCliCaptured([
			'bench-serving',
			'--base-url',
			server.baseUrl,
			'--model',
			'latency-model',
			'--num-prompts',
			'6',
			'--random-input-len',
			'32',
			'--random-output-len',
			'5',
			'--request-rate',
			'inf,200',
			'--max-concurrency',
			'1,4',
			'--warmup',
			'1',
			'--goodput',
			'ttft:600000',
			'tpot:600000',
			'--prefix-probe',
			'--prefix-tokens',
			'64',
			'--prefix-repeats',
			'2',
			'--out',
			out
		]);
		expect(result.stderr).not.toMatch(/unexpected/);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('Request goodput (req/s):');
		const report = readReport(out);
		expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
		expect(report.target).toEqual({ baseUrl: server.baseUrl, endpoint: '/v1/chat/completions', model: 'latency-model' });
		expect(report.points.map((p) => [p.requestRate, p.concurrency])).toEqual([
			['inf', 1],
			['inf', 4],
			[200, 1],
			[200, 4]
		]);
		for (const p of report.points) {
			expect(p).toMatchObject({
				promptTokens: 32,
				outputTokens: 5,
				completed: 6,
				failed: 0,
				totalInputTokens: 6 * 32,
				totalOutputTokens: 6 * 5,
				goodRequests: 6
			});
			expect(p.warmup).toEqual({ sent: 1, failed: 0 });
			expect(p.outputTokensFrom).toEqual({ usage: 6, deltas: 0 });
			expect([p.ttftMs.count, p.tpotMs.count, p.itlMs.count, p.e2eMs.count]).toEqual([6, 6, 6 * 4, 6]);
			expect(p.ttftMs.p50).toBeLessThanOrEqual(p.ttftMs.p99);
			expect(p.e2eMs.p50).toBeGreaterThan(p.ttftMs.p50 - 1e-9);
			expect(p.requestsPerS).toBeCloseTo(6 / (p.durationMs / 1000), 9);
			expect(p.outputTokensPerS).toBeCloseTo(30 / (p.durationMs / 1000), 9);
		}
		expect(report.points[0]!.maxConcurrentRequests).toBe(1);
		expect(report.points[2]!.maxConcurrentRequests).toBe(1);
		expect(server.stats.peakInFlight).toBeLessThanOrEqual(4);
		// 4 points × (1 warm-up + 6) + the probe's 1 + 2 × 2.
		expect(server.stats.chat).toBe(4 * 7 + 5);
		// Each point has prompts of its own and a warm-up prompt of its own, so no measured request
		// finds a cached prefix; only the probe's repeats do, their 64-word prefix each: 2 × 64.
		expect(server.stats.cachedPromptTokens).toBe(2 * 64);
		expect(report.prefixCache).toMatchObject({ prefixTokens: 64, suffixTokens: 16, repeats: 2, failed: 0 });
		expect(report.prefixCache!.repeatedTtftMs.count).toBe(2);
		expect(report.prefixCache!.uniqueTtftMs.count).toBe(2);
		expect(report.prefixCache!.firstTtftMs).toBeGreaterThan(0);
	});

	it('counts content deltas when the server sends no usage, on /v1/completions, and prints the report with --json', async () => {
		const result = await runCliCaptured([
			'bench-serving',
			'--base-url',
			`${noUsage.baseUrl}/v1`,
			'--endpoint',
			'/v1/completions',
			'--model',
			'm',
			'--requests',
			'3',
			'--prompt-tokens',
			'8',
			'--output-tokens',
			'4',
			'--concurrency',
			'2',
			'--json'
		]);
		expect(result.code).toBe(0);
		const report = JSON.parse(result.stdout) as ServingBenchReport;
		expect(validate(report)).toBe(true);
		expect(noUsage.stats.completions).toBe(3);
		expect(report.points).toHaveLength(1);
		expect(report.points[0]).toMatchObject({
			completed: 3,
			totalOutputTokens: 12,
			totalInputTokens: 24,
			outputTokensFrom: { usage: 0, deltas: 3 },
			goodputRequestsPerS: null,
			concurrency: 2
		});
		expect(report.tokenCounting).toMatch(/number of streamed chunks with non-empty content/);
	});

	it('sweeps prompt and output lengths, one point per combination, with the measured token counts', async () => {
		const result = await runCliCaptured([
			'bench-serving',
			'--base-url',
			server.baseUrl,
			'--model',
			'm',
			'--num-prompts',
			'2',
			'--prompt-tokens',
			'16,48',
			'--output-tokens',
			'2,3',
			'--json'
		]);
		expect(result.code).toBe(0);
		const report = JSON.parse(result.stdout) as ServingBenchReport;
		expect(validate(report)).toBe(true);
		expect(report.settings).toMatchObject({ promptTokens: [16, 48], outputTokens: [2, 3] });
		expect(report.points.map((p) => [p.promptTokens, p.outputTokens, p.totalInputTokens, p.totalOutputTokens, p.itlMs.count])).toEqual([
			[16, 2, 32, 4, 2],
			[16, 3, 32, 6, 4],
			[48, 2, 96, 4, 2],
			[48, 3, 96, 6, 4]
		]);
	});

	it('exits 3 and still writes the report when no request succeeds', async () => {
		const out = join(work, 'down.json');
		const result = await runCliCaptured([
			'bench-serving',
			'--base-url',
			'http://127.0.0.1:9',
			'--model',
			'm',
			'--num-prompts',
			'2',
			'--out',
			out
		]);
		expect(result.code).toBe(3);
		expect(result.stderr).toMatch(/no request succeeded/);
		expect(readReport(out).points[0]).toMatchObject({ completed: 0, failed: 2, errors: [expect.stringMatching(/could not be reached/)] });
	});

	it('exits 2 on a bad --goodput, a bad rate list or two spellings of one option', async () => {
		const base = ['bench-serving', '--base-url', server.baseUrl, '--model', 'm'];
		expect(await runCliCaptured([...base, '--goodput', 'itl:5'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/--goodput takes/)
		});
		expect(await runCliCaptured([...base, '--goodput', '--seed', '1'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/at least one SLO/)
		});
		expect(await runCliCaptured([...base, '--request-rate', '1,x'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/--request-rate takes/)
		});
		expect(await runCliCaptured([...base, '--requests', '2', '--num-prompts', '3'])).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/same option/)
		});
		expect(await runCliCaptured(['help', 'bench-serving'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/--max-concurrency/) });
	});
});
