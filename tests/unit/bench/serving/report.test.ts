import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { z } from '../../../../src/lib/shared/zod.ts';
import {
	buildServingReport,
	formatPoint,
	parseServingReport,
	runPrefixCacheProbe,
	runServingSweep,
	ServingBenchReportSchema,
	type ServingRequest
} from '../../../../src/lib/bench/serving/index.ts';
import { scriptedClient, VirtualClock } from '../../../support/virtual-clock.ts';

async function fixtureReport() {
	const clock = new VirtualClock();
	const replies = {
		a: { ttftMs: 40, gapsMs: [10, 10], usage: { promptTokens: 3, completionTokens: 3 } },
		b: { ttftMs: 5, gapsMs: [], failWith: 'HTTP 503: busy' }
	};
	const requests: ServingRequest[] = ['a', 'b'].map((prompt) => ({ prompt, promptTokens: 1, outputTokens: 3 }));
	const points = await runServingSweep({
		client: scriptedClient(clock, replies),
		clock,
		requests,
		points: [
			{ requestRate: Infinity, maxConcurrency: null },
			{ requestRate: 2, maxConcurrency: 1 }
		],
		slos: { ttftMs: 50 }
	});
	const probeClient = {
		async *stream() {
			await clock.sleepMs(10);
			yield { kind: 'choices' as const, content: 'x' };
		}
	};
	const prefixCache = await runPrefixCacheProbe({ client: probeClient, clock, prefixTokens: 64, repeats: 2 });
	return buildServingReport({
		createdAt: '2026-12-03T10:00:00.000Z',
		appVersion: '0.1.0',
		target: { baseUrl: 'http://127.0.0.1:1', endpoint: '/v1/chat/completions', model: 'm' },
		settings: { numPrompts: 2, promptTokens: [1], outputTokens: [3], ignoreEos: false, warmup: 0, seed: 0, goodput: { ttftMs: 50 } },
		points,
		prefixCache
	});
}

describe('the serving benchmark report', () => {
	it('schemas/serving-bench.v1.schema.json is the JSON Schema of the zod report schema and accepts a report', async () => {
		const file = JSON.parse(readFileSync(new URL('../../../../schemas/serving-bench.v1.schema.json', import.meta.url), 'utf8')) as Record<
			string,
			unknown
		>;
		const generated = z.toJSONSchema(ServingBenchReportSchema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
		const { $id: _id, title: _t, description: _d, ...rest } = file;
		expect(rest).toEqual(generated);
		const validate = new Ajv2020({ strict: false }).compile(file);
		const report = JSON.parse(JSON.stringify(await fixtureReport())) as unknown;
		expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
	});

	it('writes one entry per point with its settings, counts, goodput and errors, and infinity as "inf"', async () => {
		const report = await fixtureReport();
		expect(report.schema).toBe('assay.serving-bench/v1');
		expect(report.points.map((p) => [p.requestRate, p.burstiness, p.concurrency, p.completed, p.failed, p.goodRequests])).toEqual([
			['inf', 1, null, 1, 1, 1],
			[2, 1, 1, 1, 1, 1]
		]);
		expect(report.points[0]!).toMatchObject({ durationMs: 60, requestsPerS: 1000 / 60, errors: ['HTTP 503: busy'] });
		expect(report.points[0]!.ttftMs).toMatchObject({ count: 1, p50: 40, p99: 40 });
		expect(report.points[0]!.tpotMs).toMatchObject({ count: 1, mean: 10 });
		expect(report.prefixCache).toMatchObject({ firstTtftMs: 10, repeatedToFirst: 1, repeatedToUnique: 1 });
		expect(report.settings.percentiles).toEqual([50, 90, 95, 99]);
		expect(formatPoint(report.points[0]!)).toContain('Request goodput (req/s):                 16.67');
		expect(parseServingReport(JSON.parse(JSON.stringify(report)))).toEqual(report);
	});

	it('refuses a file that is not a serving report, naming the field', () => {
		expect(() => parseServingReport({ schema: 'assay.serving-bench/v1', points: [] })).toThrow(/Not a serving benchmark report.*createdAt/);
	});
});
