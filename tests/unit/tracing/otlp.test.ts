import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../../src/lib/tracing/types.ts';
import {
	deriveHexId,
	fromOtlpJson,
	mapToGenAi,
	msToUnixNano,
	toAnyValue,
	toOtlpId,
	toOtlpJson,
	unixNanoToMs
} from '../../../src/lib/tracing/otlp/index.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const ROOT = 'b7ad6b7169203331';
const CHILD = '00f067aa0ba902b7';

const root: SpanRecord = {
	traceId: TRACE,
	spanId: ROOT,
	parentSpanId: null,
	name: 'assay.eval.case',
	startTimeMs: 1700000000123.456,
	endTimeMs: 1700000000200.5,
	durationMs: 1700000000200.5 - 1700000000123.456,
	status: 'error',
	statusMessage: 'SYSTEM_REQUEST_FAILED: HTTP 500',
	attributes: { 'assay.eval.case.id': 'q1', 'assay.eval.repeat': 0, 'assay.cached': false, score: 0.75, tags: ['a', 'b'], ranks: [1, 2] },
	events: [
		{
			name: 'gen_ai.evaluation.result',
			timeMs: 1700000000200.25,
			attributes: { 'gen_ai.evaluation.name': 'len', 'gen_ai.evaluation.score.value': 1 }
		}
	]
};
const chat: SpanRecord = {
	traceId: TRACE,
	spanId: CHILD,
	parentSpanId: ROOT,
	name: 'chat qwen',
	startTimeMs: 1700000000130,
	endTimeMs: 1700000000190,
	durationMs: 60,
	status: 'ok',
	attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai-compatible', 'gen_ai.usage.input_tokens': 12 },
	events: []
};
const resource = { serviceName: 'assay', serviceVersion: '0.1.0' };
const scope = { name: 'assay', version: '0.1.0' };

describe('OTLP time conversion', () => {
	it('converts 1700000000123.456 ms to "1700000000123456000" ns exactly, where toFixed(6) would give …456055', () => {
		expect(msToUnixNano(1700000000123.456)).toBe('1700000000123456000');
		expect((1700000000123.456).toFixed(6)).toBe('1700000000123.456055');
	});
	it('converts whole, tiny and exponent-form milliseconds, rounding to the nearest nanosecond', () => {
		expect(msToUnixNano(1700000000000)).toBe('1700000000000000000');
		expect(msToUnixNano(0)).toBe('0');
		expect(msToUnixNano(1e-7)).toBe('0');
		expect(msToUnixNano(0.0000005)).toBe('1');
		expect(msToUnixNano(1.5e21)).toBe('1500000000000000000000000000');
	});
	it('reads nanoseconds back to the same milliseconds', () => {
		expect(unixNanoToMs('1700000000123456000')).toBe(1700000000123.456);
		expect(unixNanoToMs(1700000000000000001n)).toBe(Number('1700000000000.000001'));
	});
	it('refuses a negative or non-finite time', () => {
		expect(() => msToUnixNano(-1)).toThrow('Not a time');
		expect(() => msToUnixNano(Number.NaN)).toThrow('Not a time');
	});
});

describe('OTLP ids', () => {
	it('keeps hex ids of the right size lowercased, left-pads short hex and derives the rest deterministically', () => {
		expect(toOtlpId('B7AD6B7169203331', 8)).toBe('b7ad6b7169203331');
		expect(toOtlpId('abc', 8)).toBe('0000000000000abc');
		expect(toOtlpId('run-1/q1', 16)).toBe(deriveHexId('run-1/q1', 16));
		expect(toOtlpId('run-1/q1', 16)).toHaveLength(32);
		expect(toOtlpId('0000', 8)).toBe(deriveHexId('0000', 8));
		// FNV-1a 64 of the empty input is its offset basis.
		expect(deriveHexId('', 8)).toBe('cbf29ce484222325');
		expect(deriveHexId('a', 8)).toBe('af63dc4c8601ec8c');
	});
});

describe('toOtlpJson', () => {
	it('encodes attribute values as stringValue, intValue strings, doubleValue, boolValue and arrayValue', () => {
		expect(toAnyValue('x')).toEqual({ stringValue: 'x' });
		expect(toAnyValue(42)).toEqual({ intValue: '42' });
		expect(toAnyValue(-3)).toEqual({ intValue: '-3' });
		expect(toAnyValue(0.5)).toEqual({ doubleValue: 0.5 });
		expect(toAnyValue(2 ** 60)).toEqual({ doubleValue: 2 ** 60 });
		expect(toAnyValue(Number.POSITIVE_INFINITY)).toEqual({ doubleValue: 'Infinity' });
		expect(toAnyValue(true)).toEqual({ boolValue: true });
		expect(toAnyValue([1, 2.5])).toEqual({ arrayValue: { values: [{ intValue: '1' }, { doubleValue: 2.5 }] } });
		expect(toAnyValue([])).toEqual({ arrayValue: {} });
	});

	it('writes resourceSpans → scopeSpans → spans with hex ids, integer kind and status, and nanosecond strings', () => {
		const json = toOtlpJson([root, chat], resource, scope);
		expect(json.resourceSpans).toHaveLength(1);
		expect(json.resourceSpans[0]?.resource).toEqual({
			attributes: [
				{ key: 'service.name', value: { stringValue: 'assay' } },
				{ key: 'service.version', value: { stringValue: '0.1.0' } }
			]
		});
		expect(json.resourceSpans[0]?.scopeSpans[0]?.scope).toEqual({ name: 'assay', version: '0.1.0' });
		const [r, c] = json.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
		expect(r).toEqual({
			traceId: TRACE,
			spanId: ROOT,
			name: 'assay.eval.case',
			kind: 1,
			startTimeUnixNano: '1700000000123456000',
			endTimeUnixNano: '1700000000200500000',
			attributes: [
				{ key: 'assay.eval.case.id', value: { stringValue: 'q1' } },
				{ key: 'assay.eval.repeat', value: { intValue: '0' } },
				{ key: 'assay.cached', value: { boolValue: false } },
				{ key: 'score', value: { doubleValue: 0.75 } },
				{ key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
				{ key: 'ranks', value: { arrayValue: { values: [{ intValue: '1' }, { intValue: '2' }] } } }
			],
			events: [
				{
					timeUnixNano: '1700000000200250000',
					name: 'gen_ai.evaluation.result',
					attributes: [
						{ key: 'gen_ai.evaluation.name', value: { stringValue: 'len' } },
						{ key: 'gen_ai.evaluation.score.value', value: { intValue: '1' } }
					]
				}
			],
			status: { code: 2, message: 'SYSTEM_REQUEST_FAILED: HTTP 500' }
		});
		expect(c).toMatchObject({ parentSpanId: ROOT, kind: 3, status: { code: 1 } });
		expect(c && 'events' in c).toBe(false);
	});

	it('makes a span CLIENT (3) for a remote provider, INTERNAL (1) for an in-process one, and follows assay.span.kind', () => {
		const kinds = (attributes: SpanRecord['attributes']) =>
			toOtlpJson([{ ...chat, attributes }], resource, scope).resourceSpans[0]?.scopeSpans[0]?.spans[0]?.kind;
		expect(kinds({ 'gen_ai.provider.name': 'openai' })).toBe(3);
		expect(kinds({ 'gen_ai.provider.name': 'webllm' })).toBe(1);
		expect(kinds({})).toBe(1);
		expect(kinds({ 'assay.span.kind': 'client' })).toBe(3);
		expect(kinds({ 'assay.span.kind': 'server', 'gen_ai.provider.name': 'openai' })).toBe(2);
	});
});

describe('fromOtlpJson', () => {
	it('gives back the same spans, attributes and events as were exported', () => {
		const back = fromOtlpJson(JSON.parse(JSON.stringify(toOtlpJson([root, chat], resource, scope))));
		expect(back.errors).toEqual([]);
		expect(back.spans).toEqual([root, chat]);
		expect(back.resources).toEqual([{ attributes: { 'service.name': 'assay', 'service.version': '0.1.0' }, scopes: [scope] }]);
	});

	it('accepts intValue as a number and times as numbers, and keeps a kind the attributes would not give as assay.span.kind', () => {
		const r = fromOtlpJson({
			resourceSpans: [
				{
					scopeSpans: [
						{
							spans: [
								{
									traceId: TRACE,
									spanId: ROOT,
									name: 'GET /ask',
									kind: 2,
									startTimeUnixNano: 1000000,
									endTimeUnixNano: '3000000',
									attributes: [{ key: 'http.response.status_code', value: { intValue: 200 } }]
								}
							]
						}
					]
				}
			]
		});
		expect(r.errors).toEqual([]);
		expect(r.spans[0]).toMatchObject({ startTimeMs: 1, endTimeMs: 3, durationMs: 2, status: 'ok', parentSpanId: null });
		expect(r.spans[0]?.attributes).toEqual({ 'http.response.status_code': 200, 'assay.span.kind': 'server' });
	});

	it('reports each malformed span with its path and imports the rest', () => {
		const good = { traceId: TRACE, spanId: ROOT, name: 'ok', startTimeUnixNano: '1', endTimeUnixNano: '2' };
		const r = fromOtlpJson({
			resourceSpans: [
				{
					scopeSpans: [
						{
							spans: [
								good,
								{ ...good, traceId: 'CvdlGRbNQ92ESOshHIAxnA==' },
								{ ...good, spanId: 'xyz' },
								{ ...good, name: 7 },
								{ ...good, startTimeUnixNano: '5', endTimeUnixNano: '4' },
								{
									...good,
									attributes: [{ key: 'a', value: { stringValue: 'x' } }, { key: 'b', value: {} }, { value: { boolValue: true } }]
								}
							]
						}
					]
				}
			]
		});
		expect(r.spans.map((s) => s.name)).toEqual(['ok', 'ok']);
		expect(r.spans[1]?.attributes).toEqual({ a: 'x' });
		const at = 'resourceSpans[0].scopeSpans[0].spans';
		expect(r.errors.map((e) => e.path)).toEqual([
			`${at}[1].traceId`,
			`${at}[2].spanId`,
			`${at}[3].name`,
			`${at}[4].endTimeUnixNano`,
			`${at}[5].attributes[1].value`,
			`${at}[5].attributes[2].key`
		]);
		expect(r.errors[0]?.message).toContain('looks base64');
		expect(r.errors[4]?.message).toBe(
			'b: empty AnyValue (none of stringValue, boolValue, intValue, doubleValue, arrayValue) — attribute left out'
		);
	});

	it('keeps values it cannot hold losslessly and says so: an int beyond 2^53, a kvlist, a mixed array', () => {
		const r = fromOtlpJson({
			resourceSpans: [
				{
					scopeSpans: [
						{
							spans: [
								{
									traceId: TRACE,
									spanId: ROOT,
									name: 's',
									startTimeUnixNano: '1',
									endTimeUnixNano: '2',
									attributes: [
										{ key: 'big', value: { intValue: '9007199254740993' } },
										{ key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
										{ key: 'mixed', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } } }
									]
								}
							]
						}
					]
				}
			]
		});
		expect(r.spans[0]?.attributes).toEqual({
			big: '9007199254740993',
			kv: '{"values":[{"key":"k","value":{"stringValue":"v"}}]}',
			mixed: ['a', '1']
		});
		expect(r.errors.map((e) => e.path.split('.').pop())).toEqual(['value', 'value', 'value']);
		expect(r.errors).toHaveLength(3);
	});

	it('reports a request without resourceSpans at the root, with no spans', () => {
		expect(fromOtlpJson({ spans: [] })).toEqual({
			spans: [],
			resources: [],
			errors: [{ path: '.resourceSpans', message: expect.any(String) }]
		});
		expect(fromOtlpJson(null).errors[0]?.path).toBe('(root)');
	});
});

describe('mapToGenAi', () => {
	it('maps OpenInference LLM attributes onto GenAI v1.41.0 names and keeps the originals', () => {
		const a = mapToGenAi({
			'openinference.span.kind': 'LLM',
			'llm.model_name': 'gpt-4o-mini',
			'llm.provider': 'openai',
			'llm.token_count.prompt': 120,
			'llm.token_count.completion': 30,
			'llm.input_messages.0.message.role': 'system',
			'llm.input_messages.0.message.content': 'Be brief.',
			'llm.input_messages.1.message.role': 'user',
			'llm.input_messages.1.message.content': 'What is BM25?',
			'llm.output_messages.0.message.role': 'assistant',
			'llm.output_messages.0.message.content': 'A ranking function.',
			'session.id': 'sess-1'
		});
		expect(a['llm.model_name']).toBe('gpt-4o-mini');
		expect(a['gen_ai.operation.name']).toBe('chat');
		expect(a['gen_ai.provider.name']).toBe('openai');
		expect(a['gen_ai.request.model']).toBe('gpt-4o-mini');
		expect(a['gen_ai.usage.input_tokens']).toBe(120);
		expect(a['gen_ai.usage.output_tokens']).toBe(30);
		expect(a['gen_ai.conversation.id']).toBe('sess-1');
		expect(JSON.parse(a['gen_ai.input.messages'] as string)).toEqual([
			{ role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
			{ role: 'user', parts: [{ type: 'text', content: 'What is BM25?' }] }
		]);
		expect(a['gen_ai.output.messages']).toBe('[{"role":"assistant","parts":[{"type":"text","content":"A ranking function."}]}]');
	});

	it('maps OpenInference retriever documents to gen_ai.retrieval.documents [{id, score}] and the query text', () => {
		const a = mapToGenAi({
			'openinference.span.kind': 'RETRIEVER',
			'input.value': 'bm25 saturation',
			'retrieval.documents.0.document.id': 'doc-7',
			'retrieval.documents.0.document.score': 0.91,
			'retrieval.documents.0.document.content': 'k1 controls…',
			'retrieval.documents.1.document.id': 'doc-2',
			'retrieval.documents.1.document.score': 0.5
		});
		expect(a['gen_ai.operation.name']).toBe('retrieval');
		expect(a['gen_ai.retrieval.query.text']).toBe('bm25 saturation');
		expect(a['gen_ai.retrieval.documents']).toBe('[{"id":"doc-7","score":0.91},{"id":"doc-2","score":0.5}]');
	});

	it('maps OpenLLMetry prompts, completions, gen_ai.system and a total-only token count', () => {
		const a = mapToGenAi({
			'llm.request.type': 'chat',
			'gen_ai.system': 'OpenAI',
			'gen_ai.request.model': 'gpt-4o',
			'gen_ai.prompt.0.role': 'user',
			'gen_ai.prompt.0.content': 'Hi',
			'gen_ai.completion.0.role': 'assistant',
			'gen_ai.completion.0.content': 'Hello',
			'gen_ai.completion.0.finish_reason': 'stop',
			'gen_ai.usage.prompt_tokens': 9,
			'llm.usage.total_tokens': 11
		});
		expect(a['gen_ai.operation.name']).toBe('chat');
		expect(a['gen_ai.provider.name']).toBe('openai');
		expect(a['gen_ai.usage.input_tokens']).toBe(9);
		expect(a['gen_ai.usage.output_tokens']).toBe(2);
		expect(a['gen_ai.response.finish_reasons']).toEqual(['stop']);
		expect(a['gen_ai.input.messages']).toBe('[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]');
		expect(a['llm.usage.total_tokens']).toBe(11);
	});

	it('maps traceloop tool spans and OpenInference tool.name to gen_ai.tool.name, never overwriting a GenAI attribute', () => {
		expect(mapToGenAi({ 'traceloop.span.kind': 'tool', 'traceloop.entity.name': 'search' })).toMatchObject({
			'gen_ai.operation.name': 'execute_tool',
			'gen_ai.tool.name': 'search'
		});
		expect(mapToGenAi({ 'openinference.span.kind': 'TOOL', 'tool.name': 'calc', 'gen_ai.tool.name': 'kept' })['gen_ai.tool.name']).toBe(
			'kept'
		);
		const plain = { 'http.request.method': 'GET' };
		expect(mapToGenAi(plain)).toBe(plain);
	});
});
