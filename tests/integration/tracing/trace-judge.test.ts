import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import { fromOtlpJson } from '../../../src/lib/tracing/otlp/index.ts';
import { classifyFailures } from '../../../src/lib/tracing/failures.ts';
import { promotionDraft } from '../../../src/lib/tracing/promote.ts';
import { judgeTraces, scoreTrace, storeEvaluations } from '../../../src/lib/app/traces/score.ts';
import type { ChatModel, ModelStreamEvent } from '../../../src/lib/generation/types.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';

const lowJudge: ChatModel = {
	modelId: 'judge',
	provider: 'scripted',
	async *stream(): AsyncIterable<ModelStreamEvent> {
		yield { type: 'token', text: '{"score": 2, "reason": "the answer skips the second step"}' };
		yield { type: 'done', finishReason: 'stop' };
	}
};

describe('judging an imported trace', () => {
	it('stores judge and check events on the stored chain span, and Failures lists the trace for its low judge score only', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		await lib.importSpans(fromOtlpJson(JSON.parse(readFileSync('tests/fixtures/otlp/python-rag-app.json', 'utf8'))).spans);
		const spans = await lib.traceSpans(TRACE);
		expect(classifyFailures(spans)).toEqual([]);

		const scored = scoreTrace(spans, 1_700_000_000_000);
		await storeEvaluations(lib, scored.span!, scored.events);
		const [outcome] = await judgeTraces({
			api: lib,
			traces: [{ traceId: TRACE, name: 'POST /ask', spans: await lib.traceSpans(TRACE) }],
			rubrics: ['faithfulness'],
			model: lowJudge,
			validator: new CfworkerSchemaValidator(),
			passThreshold: 4,
			now: () => 1_700_000_000_500
		});
		expect(outcome?.status).toBe('judged');

		const stored = await lib.traceSpans(TRACE);
		const chain = stored.find((s) => s.spanId === 'a3c1b1e4f7d2c001')!;
		expect(chain.events.map((e) => [e.timeMs, e.attributes?.['gen_ai.evaluation.name']])).toEqual([
			[1_700_000_000_000, 'check.citations-present'],
			[1_700_000_000_000, 'check.citations-valid'],
			[1_700_000_000_000, 'check.quotes-verbatim'],
			[1_700_000_000_000, 'check.length'],
			[1_700_000_000_500, 'judge.faithfulness']
		]);
		const [failure, ...rest] = classifyFailures(stored);
		expect(rest).toEqual([]);
		expect(failure).toMatchObject({
			traceId: TRACE,
			rootSpanId: 'eee19b7ec3c1b174',
			reasons: ['judge'],
			query: 'How do I reset my password?',
			signals: [
				{
					reason: 'judge',
					spanId: 'a3c1b1e4f7d2c001',
					spanName: 'RetrievalQA',
					summary: 'judge.faithfulness = 2 (fail)',
					detail: 'the answer skips the second step'
				}
			]
		});
		expect(promotionDraft(stored, TRACE)).toMatchObject({
			traceId: TRACE,
			spanId: 'eee19b7ec3c1b174',
			query: 'How do I reset my password?'
		});
	});
});
