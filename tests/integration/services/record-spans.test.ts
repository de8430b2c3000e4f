import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import type { SpanRecord } from '../../../src/lib/tracing/index.ts';

const span: SpanRecord = {
	traceId: 'a'.repeat(32),
	spanId: 'b'.repeat(16),
	parentSpanId: null,
	name: 'rag.answer',
	startTimeMs: 1000,
	endTimeMs: 1250,
	durationMs: 250,
	status: 'ok',
	attributes: { 'gen_ai.usage.output_tokens': 4 },
	events: []
};

describe('LibraryService.recordSpans', () => {
	it('stores spans recorded on the page so the library lists them with its own', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		await lib.recordSpans([span]);
		const recent = await lib.recentSpans(10);
		expect(recent.find((s) => s.name === 'rag.answer')).toEqual(span);
	});
});
