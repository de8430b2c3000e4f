import { describe, expect, it } from 'vitest';
import type { AnswerRecord } from '../../../src/lib/evals/answers/types.ts';
import { evalTraceSpans, timedSystem, type EvalTraceCase } from '../../../src/lib/evals/system/trace.ts';
import type { SystemOutput, SystemUnderTest } from '../../../src/lib/evals/system/types.ts';
import { toOtlpJson } from '../../../src/lib/tracing/otlp/index.ts';

const output: SystemOutput = {
	answer: 'A [1]',
	contexts: [{ id: 'd1', text: 't' }] as never,
	usage: { inputTokens: 10, outputTokens: 3 },
	timings: { totalMs: 42.5, ttftMs: null }
};
const record = {
	checks: [{ id: 'cites', type: 'has-citation', pass: false, reason: 'no citation marker' }],
	verdicts: {
		faithfulness: {
			result: { ok: true, verdict: { score: 3, reason: 'partly supported' }, repaired: false, raw: '' },
			attempts: 1,
			judge: {}
		},
		'answer-relevancy': {
			result: { ok: false, error: { code: 'JUDGE_OUTPUT_INVALID', message: 'no JSON' }, raw: '' },
			attempts: 2,
			judge: {}
		}
	}
} as unknown as AnswerRecord;

describe('evalTraceSpans', () => {
	it('builds a case span with check and judge scores as gen_ai.evaluation.result events and a request span from the measured times', async () => {
		let t = 1700000000000;
		const inner: SystemUnderTest = { ref: { type: 'http', label: 'bot', details: {} }, cacheIdentity: null, answer: async () => output };
		const timed = timedSystem(inner, () => (t += 10));
		await timed.system.answer({ case: { id: 'q1' } as never, repeat: 0, seed: 1 });
		const cases: EvalTraceCase[] = [{ caseId: 'q1', query: 'why?', repeat: 0, output, error: null, record }];
		const spans = evalTraceSpans({ runId: 'run-1', system: inner.ref, cases, timings: timed.timings, passThreshold: 4, fallbackTimeMs: 0 });
		expect(spans.map((s) => [s.name, s.startTimeMs, s.endTimeMs, s.parentSpanId === null])).toEqual([
			['assay.eval.case', 1700000000010, 1700000000020, true],
			['assay.system.request', 1700000000010, 1700000000020, false]
		]);
		expect(spans[0]?.attributes).toEqual({
			'assay.eval.run.id': 'run-1',
			'assay.eval.case.id': 'q1',
			'assay.eval.repeat': 0,
			'assay.system.type': 'http',
			'assay.system.label': 'bot',
			'assay.eval.query': 'why?',
			'assay.eval.latency_ms': 42.5,
			'assay.eval.cached': false
		});
		expect(spans[0]?.events).toEqual([
			{
				name: 'gen_ai.evaluation.result',
				timeMs: 1700000000020,
				attributes: {
					'gen_ai.evaluation.name': 'check.cites',
					'gen_ai.evaluation.score.value': 0,
					'gen_ai.evaluation.score.label': 'fail',
					'gen_ai.evaluation.explanation': 'no citation marker'
				}
			},
			{
				name: 'gen_ai.evaluation.result',
				timeMs: 1700000000020,
				attributes: {
					'gen_ai.evaluation.name': 'judge.faithfulness',
					'gen_ai.evaluation.score.value': 3,
					'gen_ai.evaluation.score.label': 'fail',
					'gen_ai.evaluation.explanation': 'partly supported'
				}
			},
			{
				name: 'gen_ai.evaluation.result',
				timeMs: 1700000000020,
				attributes: {
					'gen_ai.evaluation.name': 'judge.answer-relevancy',
					'error.type': 'JUDGE_OUTPUT_INVALID',
					'gen_ai.evaluation.explanation': 'no JSON'
				}
			}
		]);
		expect(spans[1]?.attributes).toEqual({
			'assay.span.kind': 'client',
			'assay.system.type': 'http',
			'assay.system.contexts': 1,
			'gen_ai.usage.input_tokens': 10,
			'gen_ai.usage.output_tokens': 3
		});
		const otlp = toOtlpJson(spans, { serviceName: 'assay' }, { name: 'assay.eval', version: '0' }).resourceSpans[0]?.scopeSpans[0]?.spans;
		expect(otlp?.map((s) => s.kind)).toEqual([1, 3]);
		expect(otlp?.[0]?.traceId).toBe(otlp?.[1]?.traceId);
	});

	it('gives a cache hit a zero-length case span at the fallback time and no request span, and skips cases never run', () => {
		const cases: EvalTraceCase[] = [
			{ caseId: 'q1', query: 'a', repeat: 0, output: { ...output, cached: true }, error: null, record: null },
			{ caseId: 'q2', query: 'b', repeat: 0, output: null, error: null, record: null, notRun: true }
		];
		const spans = evalTraceSpans({
			runId: 'r',
			system: { type: 'file', label: 'f' },
			cases,
			timings: new Map(),
			passThreshold: 4,
			fallbackTimeMs: 5
		});
		expect(spans.map((s) => [s.name, s.startTimeMs, s.durationMs, s.attributes['assay.eval.cached']])).toEqual([
			['assay.eval.case', 5, 0, true]
		]);
	});
});
