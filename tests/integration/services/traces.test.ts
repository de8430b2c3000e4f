import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import { fromOtlpJson } from '../../../src/lib/tracing/otlp/index.ts';
import type { SpanRecord } from '../../../src/lib/tracing/index.ts';
import { estimateSpanBytes, summarizeTraces } from '../../../src/lib/tracing/traces.ts';

function span(traceId: string, spanId: string, start: number, parent: string | null = null): SpanRecord {
	return {
		traceId,
		spanId,
		parentSpanId: parent,
		name: parent ? 'chat m' : 'rag.answer',
		startTimeMs: start,
		endTimeMs: start + 10,
		durationMs: 10,
		status: 'ok',
		attributes: { 'assay.trace.kind': 'answer', pad: 'x'.repeat(200) },
		events: []
	};
}

describe('LibraryService traces', () => {
	it('lists all spans and one trace, deletes whole traces', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		await lib.recordSpans([span('t1', 'a1', 1), span('t1', 'a2', 2, 'a1'), span('t2', 'b1', 5)]);
		expect((await lib.allSpans()).length).toBeGreaterThanOrEqual(3);
		expect((await lib.traceSpans('t1')).map((s) => s.spanId)).toEqual(['a1', 'a2']);
		expect(await lib.deleteTraces(['t1'])).toBe(2);
		expect(await lib.traceSpans('t1')).toEqual([]);
		expect((await lib.traceSpans('t2')).length).toBe(1);
	});

	it('prunes the oldest whole traces to fit the budget', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const spans = [span('t1', 'a1', 1), span('t1', 'a2', 2, 'a1'), span('t2', 'b1', 5), span('t3', 'c1', 9)];
		await lib.recordSpans(spans);
		const mine = (all: SpanRecord[]) => all.filter((s) => ['t1', 't2', 't3'].includes(s.traceId));
		const size = (ids: string[]) => spans.filter((s) => ids.includes(s.traceId)).reduce((n, s) => n + estimateSpanBytes(s), 0);
		// Budget fits t2 + t3 (and whatever the service traced itself is small and newer).
		const others = summarizeTraces((await lib.allSpans()).filter((s) => !['t1', 't2', 't3'].includes(s.traceId)));
		const budget = size(['t2', 't3']) + others.reduce((n, t) => n + t.bytes, 0);
		const report = await lib.enforceTraceBudget(budget);
		expect(report.deletedTraces).toBeGreaterThanOrEqual(1);
		const left = new Set(mine(await lib.allSpans()).map((s) => s.traceId));
		expect(left.has('t1')).toBe(false);
		expect(left.has('t3')).toBe(true);
		expect(report.keptBytes).toBeLessThanOrEqual(budget);
	});

	it('imports the Python RAG fixture as imported traces, listed and re-importable without duplicates', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const parsed = fromOtlpJson(JSON.parse(readFileSync('tests/fixtures/otlp/python-rag-app.json', 'utf8')));
		expect(parsed.spans.length).toBeGreaterThan(0);
		const first = await lib.importSpans(parsed.spans);
		await lib.importSpans(parsed.spans);
		expect(first.spans).toBe(parsed.spans.length);
		const traceIds = new Set(parsed.spans.map((s) => s.traceId));
		const stored = (await lib.allSpans()).filter((s) => traceIds.has(s.traceId));
		expect(stored.length).toBe(parsed.spans.length);
		const summaries = summarizeTraces(stored);
		expect(summaries.length).toBe(first.traces);
		expect(summaries.every((t) => t.kind === 'imported')).toBe(true);
	});
});
