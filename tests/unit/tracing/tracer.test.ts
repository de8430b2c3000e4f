import { describe, expect, it } from 'vitest';
import { BasicTracer, InMemorySpanSink, withSpan } from '../../../src/lib/tracing/tracer.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

function fixedClock() {
	let t = 1000;
	return () => (t += 5);
}

describe('BasicTracer', () => {
	it('records nested spans with parent, trace id, duration and attributes', async () => {
		const sink = new InMemorySpanSink();
		const tracer = new BasicTracer([sink], fixedClock());
		await withSpan(tracer, 'import', { attributes: { 'assay.files': 2 } }, async (parent) => {
			await withSpan(tracer, 'chunking', { parent }, (span) => span.setAttribute('assay.chunks', 7));
		});
		const [child, parent] = sink.spans;
		expect(child).toMatchObject({
			name: 'chunking',
			parentSpanId: parent!.spanId,
			traceId: parent!.traceId,
			durationMs: 5,
			attributes: { 'assay.chunks': 7 }
		});
		expect(parent).toMatchObject({ name: 'import', parentSpanId: null, durationMs: 15, status: 'ok', attributes: { 'assay.files': 2 } });
	});

	it('marks a span failed with the error code and rethrows the error', async () => {
		const sink = new InMemorySpanSink();
		const tracer = new BasicTracer([sink], fixedClock());
		const error = new AssayError('FILE_EMPTY', 'empty');
		await expect(withSpan(tracer, 'read', {}, () => Promise.reject(error))).rejects.toBe(error);
		expect(sink.spans[0]).toMatchObject({ status: 'error', statusMessage: 'FILE_EMPTY: empty' });
	});

	it('gives W3C-sized lowercase hex ids, distinct across many spans (past a refill of the random pool)', () => {
		const sink = new InMemorySpanSink();
		const tracer = new BasicTracer([sink]);
		for (let i = 0; i < 1000; i++) tracer.startSpan('x').end();
		const traceIds = new Set(sink.spans.map((s) => s.traceId));
		const spanIds = new Set(sink.spans.map((s) => s.spanId));
		expect(traceIds.size).toBe(1000);
		expect(spanIds.size).toBe(1000);
		for (const s of sink.spans) {
			expect(s.traceId).toMatch(/^[0-9a-f]{32}$/);
			expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
		}
	});

	it('copies the start attributes (the caller’s object is untouched) and merges later ones in order', () => {
		const sink = new InMemorySpanSink();
		const start = { 'assay.search.mode': 'lexical', 'assay.search.top_k': 10 };
		const span = new BasicTracer([sink], fixedClock()).startSpan('search', { attributes: start });
		span.setAttribute('assay.search.top_k', 5);
		span.setAttributes({ 'assay.search.hits': 3, 'assay.search.depth': 100 });
		span.end();
		span.setAttribute('assay.late', true);
		expect(start).toEqual({ 'assay.search.mode': 'lexical', 'assay.search.top_k': 10 });
		expect(sink.spans[0]!.attributes).toEqual({
			'assay.search.mode': 'lexical',
			'assay.search.top_k': 5,
			'assay.search.hits': 3,
			'assay.search.depth': 100
		});
		expect(Object.keys(sink.spans[0]!.attributes)).toEqual([
			'assay.search.mode',
			'assay.search.top_k',
			'assay.search.hits',
			'assay.search.depth'
		]);
	});

	it('records a span once even when end is called twice', () => {
		const sink = new InMemorySpanSink();
		const span = new BasicTracer([sink]).startSpan('x');
		span.end();
		span.end();
		expect(sink.spans).toHaveLength(1);
	});
});
