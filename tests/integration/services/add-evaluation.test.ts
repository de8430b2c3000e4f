import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import { evaluationEvent, feedbackEvent, latestFeedback } from '../../../src/lib/tracing/evaluation.ts';
import type { SpanRecord } from '../../../src/lib/tracing/index.ts';

const root: SpanRecord = {
	traceId: 'a'.repeat(32),
	spanId: 'b'.repeat(16),
	parentSpanId: null,
	name: 'rag.answer',
	startTimeMs: 1000,
	endTimeMs: 1250,
	durationMs: 250,
	status: 'ok',
	attributes: { 'assay.rag.question': 'q' },
	events: [{ name: 'custom', timeMs: 1100 }]
};

describe('LibraryService.addEvaluation', () => {
	it('appends feedback to the stored span, keeping its other events, and concurrent appends are all kept', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		await lib.recordSpans([root]);
		const updated = await lib.addEvaluation(root.traceId, root.spanId, feedbackEvent('bad', 'wrong year', 2000));
		expect(updated.events.map((e) => e.name)).toEqual(['custom', 'gen_ai.evaluation.result']);
		await Promise.all([
			lib.addEvaluation(root.traceId, root.spanId, evaluationEvent({ name: 'check.cites', value: 0, label: 'fail' }, 2001)),
			lib.addEvaluation(root.traceId, root.spanId, evaluationEvent({ name: 'judge.faithful', value: 2, label: 'fail' }, 2002))
		]);
		const stored = (await lib.recentSpans(10)).find((s) => s.spanId === root.spanId)!;
		expect(stored.events).toHaveLength(4);
		expect(stored.attributes).toEqual(root.attributes);
		expect(latestFeedback(stored)).toMatchObject({ value: 0, label: 'bad', explanation: 'wrong year' });
	});

	it('rejects an unknown span, a span of another trace and a malformed event with clear errors', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		await lib.recordSpans([root]);
		await expect(lib.addEvaluation(root.traceId, 'c'.repeat(16), feedbackEvent('good', '', 1))).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
		await expect(lib.addEvaluation('d'.repeat(32), root.spanId, feedbackEvent('good', '', 1))).rejects.toMatchObject({ code: 'NOT_FOUND' });
		await expect(lib.addEvaluation(root.traceId, root.spanId, { name: 'other', timeMs: 1 })).rejects.toMatchObject({
			code: 'CONFIG_INVALID'
		});
		await expect(
			lib.addEvaluation(root.traceId, root.spanId, { name: 'gen_ai.evaluation.result', timeMs: 1, attributes: {} })
		).rejects.toThrow(/gen_ai.evaluation.name/);
		expect((await lib.recentSpans(10)).find((s) => s.spanId === root.spanId)!.events).toHaveLength(1);
	});
});
