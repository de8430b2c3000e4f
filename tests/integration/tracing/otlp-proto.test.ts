import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BasicTracer, InMemorySpanSink, type SpanRecord } from '../../../src/lib/tracing/index.ts';
import { fromOtlpJson, toOtlpJson, type OtlpTraceRequest } from '../../../src/lib/tracing/otlp/index.ts';
import { otlpDecode, otlpRoundTrip } from '../../support/otlp-proto.ts';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/otlp/python-rag-app.json', import.meta.url), 'utf8')) as OtlpTraceRequest;

/** Spans from the real tracer (random hex ids, sub-millisecond times), with every attribute type. */
function recorded(): SpanRecord[] {
	const sink = new InMemorySpanSink();
	let t = 1717430400000.125;
	const tracer = new BasicTracer([sink], () => (t += 1.5));
	const root = tracer.startSpan('invoke_agent librarian', {
		attributes: { 'gen_ai.operation.name': 'invoke_agent', 'assay.agent.steps': 2 }
	});
	const chat = tracer.startSpan('chat qwen', {
		parent: root,
		attributes: {
			'gen_ai.provider.name': 'openai-compatible',
			'gen_ai.request.temperature': 0.2,
			'gen_ai.request.stream': true,
			'gen_ai.response.finish_reasons': ['stop'],
			'assay.empty': []
		}
	});
	chat.addEvent('gen_ai.evaluation.result', { 'gen_ai.evaluation.name': 'faithfulness', 'gen_ai.evaluation.score.value': 0.8 });
	chat.end();
	root.setError('TOOL_FAILED: search timed out');
	root.end();
	return sink.spans;
}

const resource = { serviceName: 'assay', serviceVersion: '0.1.0', attributes: { 'deployment.environment.name': 'test' } };
const scope = { name: 'assay', version: '0.1.0' };

describe('OTLP/JSON export against the opentelemetry-proto definitions (protobufjs, @opentelemetry/otlp-transformer 0.57.2)', () => {
	it('verifies, encodes and decodes back to exactly the exported JSON', () => {
		const json = toOtlpJson(recorded(), resource, scope);
		const r = otlpRoundTrip(json);
		expect(r.verify).toBeNull();
		expect(r.bytes).toBeGreaterThan(200);
		expect(r.decoded).toEqual(JSON.parse(JSON.stringify(json)));
	});

	it('gives the same spans and attributes after export → protobuf → import', () => {
		const spans = recorded();
		const back = fromOtlpJson(otlpRoundTrip(toOtlpJson(spans, resource, scope)).decoded);
		expect(back.errors).toEqual([]);
		expect(back.spans).toEqual(spans);
		expect(back.resources[0]?.attributes).toEqual({
			'service.name': 'assay',
			'service.version': '0.1.0',
			'deployment.environment.name': 'test'
		});
	});

	it('decodes the hand-written Python RAG fixture unchanged, so it is valid OTLP', () => {
		const r = otlpRoundTrip(fixture);
		expect(r.verify).toBeNull();
		expect(r.decoded).toEqual(fixture);
		expect(otlpDecode(r.encoded).resourceSpans).toHaveLength(1);
	});
});

describe('import of the Python RAG app fixture (FastAPI + LangChain, OpenInference)', () => {
	const r = fromOtlpJson(fixture);
	const byName = (name: string) => r.spans.find((s) => s.name === name);

	it('imports its 4 spans as one tree with no errors', () => {
		expect(r.errors).toEqual([]);
		expect(r.spans.map((s) => [s.name, s.parentSpanId])).toEqual([
			['POST /ask', null],
			['RetrievalQA', 'eee19b7ec3c1b174'],
			['VectorStoreRetriever', 'a3c1b1e4f7d2c001'],
			['ChatOpenAI', 'a3c1b1e4f7d2c001']
		]);
		expect(new Set(r.spans.map((s) => s.traceId))).toEqual(new Set(['5b8efff798038103d269b633813fc60c']));
		expect(byName('POST /ask')).toMatchObject({ startTimeMs: 1717430400000, endTimeMs: 1717430401850, durationMs: 1850, status: 'ok' });
		expect(byName('POST /ask')?.attributes).toMatchObject({ 'http.status_code': 200, 'assay.span.kind': 'server' });
		expect(r.resources[0]?.attributes['service.name']).toBe('support-rag-api');
		expect(r.resources[0]?.scopes.map((s) => s.name)).toEqual([
			'opentelemetry.instrumentation.fastapi',
			'openinference.instrumentation.langchain'
		]);
	});

	it('maps the retriever span to gen_ai.operation.name retrieval with gen_ai.retrieval.documents [{id, score}]', () => {
		const a = byName('VectorStoreRetriever')?.attributes ?? {};
		expect(a['gen_ai.operation.name']).toBe('retrieval');
		expect(a['gen_ai.retrieval.query.text']).toBe('How do I reset my password?');
		expect(JSON.parse(a['gen_ai.retrieval.documents'] as string)).toEqual([
			{ id: 'kb-0017', score: 0.8734 },
			{ id: 'kb-0102', score: 0.6121 }
		]);
		expect(a['retrieval.documents.0.document.content']).toBe('To reset your password, open Settings → Security and choose Reset password.');
	});

	it('maps the LLM span to chat with model, provider, tokens and messages, keeping the OpenInference attributes', () => {
		const a = byName('ChatOpenAI')?.attributes ?? {};
		expect([
			a['gen_ai.operation.name'],
			a['gen_ai.provider.name'],
			a['gen_ai.request.model'],
			a['gen_ai.usage.input_tokens'],
			a['gen_ai.usage.output_tokens']
		]).toEqual(['chat', 'openai', 'gpt-4o-mini-2024-07-18', 96, 14]);
		expect(JSON.parse(a['gen_ai.input.messages'] as string).map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
		expect(JSON.parse(a['gen_ai.output.messages'] as string)).toEqual([
			{ role: 'assistant', parts: [{ type: 'text', content: 'Open Settings → Security and choose Reset password [1].' }] }
		]);
		expect(a['llm.token_count.total']).toBe(110);
		// Reported INTERNAL by the instrumentation, though the provider is remote: the kind is kept as assay.span.kind.
		expect(a['assay.span.kind']).toBe('internal');
	});

	it('exports the imported spans again as valid OTLP with the same ids and kinds', () => {
		const again = toOtlpJson(r.spans, { serviceName: 'support-rag-api' }, scope);
		const out = otlpRoundTrip(again);
		expect(out.verify).toBeNull();
		const spans = again.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
		expect(spans.map((s) => [s.spanId, s.kind])).toEqual([
			['eee19b7ec3c1b174', 2],
			['a3c1b1e4f7d2c001', 1],
			['a3c1b1e4f7d2c002', 1],
			['a3c1b1e4f7d2c003', 1]
		]);
	});
});
