import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import { fromOtlpJson } from '../../../src/lib/tracing/otlp/index.ts';
import { judgeTraces, scoreTrace, storeEvaluations } from '../../../src/lib/app/traces/score.ts';
import type { ChatModel, ChatRequest, ModelStreamEvent } from '../../../src/lib/generation/types.ts';
import type { SpanEvent, SpanRecord } from '../../../src/lib/tracing/types.ts';

const fixture = () => fromOtlpJson(JSON.parse(readFileSync('tests/fixtures/otlp/python-rag-app.json', 'utf8'))).spans;

/** The worker's addEvaluation over an in-memory list of spans. */
function memoryApi(spans: SpanRecord[]) {
	const calls: [string, string, SpanEvent][] = [];
	return {
		calls,
		async addEvaluation(traceId: string, spanId: string, event: SpanEvent): Promise<SpanRecord> {
			calls.push([traceId, spanId, event]);
			const i = spans.findIndex((s) => s.traceId === traceId && s.spanId === spanId);
			if (i < 0) throw new Error('NOT_FOUND');
			spans[i] = { ...spans[i]!, events: [...spans[i]!.events, event] };
			return spans[i]!;
		}
	};
}

const judge = (reply: string): ChatModel => ({
	modelId: 'judge',
	provider: 'scripted',
	async *stream(_request: ChatRequest): AsyncIterable<ModelStreamEvent> {
		yield { type: 'token', text: reply };
		yield { type: 'done', finishReason: 'stop' };
	}
});

describe('scoreTrace', () => {
	it('runs the default checks on the fixture’s answer and its two retrieved texts, as check.<id> events for its chain span', async () => {
		const spans = fixture();
		const { score, span, events } = scoreTrace(spans, 5000);
		expect(score).toMatchObject({ ok: true, sources: 2, spanName: 'RetrievalQA' });
		if (!score.ok) return;
		expect(score.results.map((r) => [r.id, r.pass])).toEqual([
			['citations-present', true],
			['citations-valid', true],
			['quotes-verbatim', true],
			['length', true]
		]);
		expect(events.map((e) => e.attributes?.['gen_ai.evaluation.name'])).toEqual([
			'check.citations-present',
			'check.citations-valid',
			'check.quotes-verbatim',
			'check.length'
		]);
		const api = memoryApi(spans);
		const stored = await storeEvaluations(api, span!, events);
		expect(api.calls.map(([t, s]) => `${t}/${s}`)).toEqual(Array(4).fill('5b8efff798038103d269b633813fc60c/a3c1b1e4f7d2c001'));
		expect(stored.events).toHaveLength(4);
	});

	it('says why a trace without answer text cannot be scored', () => {
		expect(scoreTrace([]).score).toEqual({ ok: false, reason: 'The trace has no spans.' });
	});
});

describe('judgeTraces', () => {
	it('stores each judged trace’s verdicts on its answer span and says why another cannot be judged', async () => {
		const spans = fixture();
		const api = memoryApi(spans);
		const bare: SpanRecord = { ...spans[0]!, traceId: 'f'.repeat(32), attributes: {}, events: [] };
		const progress: string[] = [];
		const outcomes = await judgeTraces({
			api,
			traces: [
				{ traceId: bare.traceId, name: 'bare', spans: [bare] },
				{ traceId: spans[0]!.traceId, name: 'POST /ask', spans }
			],
			rubrics: ['faithfulness', 'answer-relevancy'],
			model: judge('{"score": 1, "reason": "unsupported"}'),
			validator: new CfworkerSchemaValidator(),
			passThreshold: 4,
			now: () => 9000,
			onProgress: (p) => progress.push(`${p.traceIndex + 1}/${p.traces} ${p.rubric} ${p.done}/${p.total}`)
		});
		expect(outcomes.map((o) => [o.name, o.status])).toEqual([
			['bare', 'cannot'],
			['POST /ask', 'judged']
		]);
		expect(outcomes[0]!.message).toMatch(/^The trace recorded no answer text/);
		expect(progress).toEqual(['2/2 faithfulness 0/2', '2/2 answer-relevancy 1/2']);
		expect(
			api.calls.map(([, s, e]) => [s, e.attributes?.['gen_ai.evaluation.name'], e.attributes?.['gen_ai.evaluation.score.label']])
		).toEqual([
			['a3c1b1e4f7d2c001', 'judge.faithfulness', 'fail'],
			['a3c1b1e4f7d2c001', 'judge.answer-relevancy', 'fail']
		]);
		expect(outcomes[1]!.stored?.events).toHaveLength(2);
	});
});
