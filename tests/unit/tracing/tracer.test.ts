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

	it('records a span once even when end is called twice', () => {
		const sink = new InMemorySpanSink();
		const span = new BasicTracer([sink]).startSpan('x');
		span.end();
		span.end();
		expect(sink.spans).toHaveLength(1);
	});
});
