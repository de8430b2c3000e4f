import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fromOtlpJson, type OtlpTraceRequest } from '../../../src/lib/tracing/otlp/index.ts';
import { loadScifactSubset, startFixtureRagApp, type FixtureRagApp } from '../../support/fixture-rag-app.ts';
import { startFakeJudge } from '../../support/fake-judge.ts';
import { otlpRoundTrip } from '../../support/otlp-proto.ts';
import { assay, evalDir } from '../../support/system-eval-setup.ts';

const { corpus, cases } = loadScifactSubset(6, 200);
let app: FixtureRagApp;

beforeAll(async () => {
	app = await startFixtureRagApp({ corpus });
});
afterAll(async () => {
	await app.stop();
});

describe('assay eval --config writes traces.otlp.json beside report.json', () => {
	it('one trace per case, each a case span with its scores as gen_ai.evaluation.result events and a CLIENT request span, valid OTLP', async () => {
		const judge = await startFakeJudge(
			cases.map((c) => c.query),
			() => 4
		);
		try {
			const d = evalDir(cases, app.url, {
				checks: [{ id: 'len', type: 'length', maxChars: 100000 }],
				judge: { baseUrl: judge.baseUrl, model: 'scripted-judge', rubrics: ['answer-relevancy'] }
			});
			const r = await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache']);
			expect(r.code, r.stdout + r.stderr).toBe(0);
			expect(existsSync(join(d.out, 'traces.otlp.json'))).toBe(true);
			expect(r.stdout).toContain(join(d.out, 'traces.otlp.json'));
			const json = JSON.parse(d.read('traces.otlp.json')) as OtlpTraceRequest;

			// The real protobuf definitions take it unchanged.
			const proto = otlpRoundTrip(json);
			expect(proto.verify).toBeNull();
			expect(proto.decoded).toEqual(json);

			const rs = json.resourceSpans[0];
			expect(rs?.resource.attributes?.[0]).toEqual({ key: 'service.name', value: { stringValue: 'assay' } });
			expect(rs?.scopeSpans[0]?.scope.name).toBe('assay.eval');
			const spans = rs?.scopeSpans[0]?.spans ?? [];
			expect(spans).toHaveLength(12);
			expect(new Set(spans.map((s) => s.traceId)).size).toBe(6);

			const imported = fromOtlpJson(json);
			expect(imported.errors).toEqual([]);
			const caseSpans = imported.spans.filter((s) => s.name === 'assay.eval.case');
			expect(caseSpans.map((s) => s.attributes['assay.eval.case.id'])).toEqual(cases.map((c) => c.id));
			for (const s of caseSpans) {
				expect(s.parentSpanId).toBeNull();
				expect(s.status).toBe('ok');
				expect(s.attributes['assay.system.type']).toBe('http');
				expect(s.attributes['assay.eval.cached']).toBe(false);
				expect(typeof s.attributes['assay.eval.latency_ms']).toBe('number');
				expect(s.events.map((e) => e.attributes)).toEqual([
					{
						'gen_ai.evaluation.name': 'check.len',
						'gen_ai.evaluation.score.value': 1,
						'gen_ai.evaluation.score.label': 'pass',
						'gen_ai.evaluation.explanation': expect.any(String)
					},
					{
						'gen_ai.evaluation.name': 'judge.answer-relevancy',
						'gen_ai.evaluation.score.value': 4,
						'gen_ai.evaluation.score.label': 'pass',
						'gen_ai.evaluation.explanation': expect.any(String)
					}
				]);
				expect(s.events.every((e) => e.name === 'gen_ai.evaluation.result')).toBe(true);
				const request = imported.spans.find((q) => q.parentSpanId === s.spanId);
				expect(request?.name).toBe('assay.system.request');
				expect(request?.traceId).toBe(s.traceId);
				expect(request?.startTimeMs).toBeGreaterThan(1.6e12);
				expect(request?.endTimeMs).toBeGreaterThanOrEqual(request?.startTimeMs ?? Infinity);
			}
			expect(spans.filter((s) => s.name === 'assay.system.request').map((s) => s.kind)).toEqual([3, 3, 3, 3, 3, 3]);
			expect(spans.filter((s) => s.name === 'assay.eval.case').map((s) => s.kind)).toEqual([1, 1, 1, 1, 1, 1]);
		} finally {
			await judge.stop();
		}
	});

	it('a cache hit has a case span but no request span, and a failed case is an error span with error.type', async () => {
		const d = evalDir(cases, app.url);
		expect((await assay(['eval', '--config', d.configPath, '--out', d.out])).code).toBe(0);
		expect((await assay(['eval', '--config', d.configPath, '--out', d.out])).code).toBe(0);
		const cached = fromOtlpJson(JSON.parse(d.read('traces.otlp.json')));
		expect(cached.spans.map((s) => [s.name, s.attributes['assay.eval.cached']])).toEqual(cases.map(() => ['assay.eval.case', true]));

		const dead = evalDir(cases, 'http://127.0.0.1:9/');
		const r = await assay(['eval', '--config', dead.configPath, '--out', dead.out, '--no-cache']);
		expect(r.code).toBe(3);
		const failed = fromOtlpJson(JSON.parse(dead.read('traces.otlp.json')));
		expect(failed.errors).toEqual([]);
		const first = failed.spans[0];
		expect(first?.status).toBe('error');
		expect(first?.attributes['error.type']).toBe('SYSTEM_UNREACHABLE');
		expect(first?.statusMessage).toMatch(/^SYSTEM_UNREACHABLE: /);
	});
});
