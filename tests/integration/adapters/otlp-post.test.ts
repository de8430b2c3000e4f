import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { otlpTracesUrl, postOtlpTraces, toOtlpJson } from '../../../src/lib/tracing/otlp/index.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';
import type { SpanRecord } from '../../../src/lib/tracing/types.ts';

const span: SpanRecord = {
	traceId: 'a'.repeat(32),
	spanId: 'b'.repeat(16),
	parentSpanId: null,
	name: 'rag.answer',
	startTimeMs: 1000,
	endTimeMs: 1250,
	durationMs: 250,
	status: 'ok',
	attributes: { 'assay.trace.kind': 'answer' },
	events: []
};

let server: Server | undefined;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A stand-in collector on 127.0.0.1: records each request and answers with `status` and `body`. */
async function collector(status: number, body: string) {
	const seen: { method: string; url: string; type: string; auth: string; body: string }[] = [];
	server = createServer((req, res) => {
		let text = '';
		req.on('data', (c) => (text += c));
		req.on('end', () => {
			seen.push({
				method: req.method ?? '',
				url: req.url ?? '',
				type: String(req.headers['content-type']),
				auth: String(req.headers['authorization'] ?? ''),
				body: text
			});
			res.writeHead(status, { 'Content-Type': 'application/json' }).end(body);
		});
	});
	await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
	return { seen, address: `http://127.0.0.1:${(server!.address() as AddressInfo).port}` };
}

describe('postOtlpTraces', () => {
	it('POSTs OTLP/JSON to …/v1/traces with the optional header', async () => {
		const { seen, address } = await collector(200, '{}');
		const request = toOtlpJson([span], { serviceName: 'assay' }, { name: 'assay', version: '0' });
		const result = await postOtlpTraces(address, request, { header: { name: 'Authorization', value: 'Bearer x' } });
		expect(result).toEqual({ status: 200, rejectedSpans: 0, message: null });
		expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/traces', type: 'application/json', auth: 'Bearer x' });
		expect(JSON.parse(seen[0]!.body).resourceSpans[0].scopeSpans[0].spans[0].traceId).toBe('a'.repeat(32));
	});

	it('reports a partial success and an error status', async () => {
		const { address } = await collector(200, '{"partialSuccess":{"rejectedSpans":"2","errorMessage":"bad"}}');
		const request = toOtlpJson([span], { serviceName: 'assay' }, { name: 'assay', version: '0' });
		expect(await postOtlpTraces(`${address}/v1/traces`, request)).toEqual({ status: 200, rejectedSpans: 2, message: 'bad' });
		server!.close();
		const failing = await collector(400, 'nope');
		await expect(postOtlpTraces(failing.address, request)).rejects.toMatchObject({ code: 'OTLP_REJECTED' });
	});

	it('refuses bad addresses and explains an unreachable collector', async () => {
		expect(() => otlpTracesUrl('ftp://x')).toThrow(AssayError);
		expect(otlpTracesUrl('http://localhost:4318/')).toBe('http://localhost:4318/v1/traces');
		const request = toOtlpJson([span], { serviceName: 'assay' }, { name: 'assay', version: '0' });
		await expect(postOtlpTraces('http://127.0.0.1:1', request)).rejects.toMatchObject({ code: 'OTLP_UNREACHABLE' });
	});
});
