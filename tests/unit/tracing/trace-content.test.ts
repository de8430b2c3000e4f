import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromOtlpJson } from '../../../src/lib/tracing/otlp/index.ts';
import { annotateRoot, traceAnswerSpan, traceContexts } from '../../../src/lib/tracing/content.ts';
import type { SpanRecord } from '../../../src/lib/tracing/types.ts';

function span(spanId: string, over: Partial<SpanRecord> = {}): SpanRecord {
	return {
		traceId: 'a'.repeat(32),
		spanId,
		parentSpanId: null,
		name: 'span',
		startTimeMs: 1000,
		endTimeMs: 1100,
		durationMs: 100,
		status: 'ok',
		attributes: {},
		events: [],
		...over
	};
}
const fixture = () => fromOtlpJson(JSON.parse(readFileSync('tests/fixtures/otlp/python-rag-app.json', 'utf8'))).spans;

describe('traceAnswerSpan', () => {
	it('picks the top-most OpenInference chain of the Python RAG fixture, not its HTTP root or the LLM call under it', () => {
		expect(traceAnswerSpan(fixture())).toMatchObject({ spanId: 'a3c1b1e4f7d2c001', name: 'RetrievalQA' });
	});

	it('picks Assay’s rag.answer root, which carries the question and answer, over its chat span', () => {
		const spans = annotateRoot(
			[
				span('1', { name: 'rag.answer' }),
				span('2', { parentSpanId: '1', name: 'chat m', attributes: { 'gen_ai.operation.name': 'chat' } })
			],
			{ 'assay.rag.question': 'q', 'assay.rag.answer': 'a' }
		);
		expect(traceAnswerSpan(spans)?.spanId).toBe('1');
		// Without content (capture off) the rag.answer span is still Assay's answer span.
		expect(traceAnswerSpan([span('2', { parentSpanId: '1', name: 'chat m' }), span('1', { name: 'rag.answer' })])?.spanId).toBe('1');
	});

	it('picks the OTel GenAI chat span that ended last when no span names an instrumentation kind', () => {
		const chat = (id: string, endTimeMs: number) =>
			span(id, { parentSpanId: 'r', name: `chat ${id}`, endTimeMs, attributes: { 'gen_ai.operation.name': 'chat' } });
		const spans = [span('r', { name: 'POST /ask', endTimeMs: 5000 }), chat('c1', 1200), chat('c2', 1900), chat('c3', 1500)];
		expect(traceAnswerSpan(spans)?.spanId).toBe('c2');
		const agent = span('ag', { parentSpanId: 'r', name: 'invoke_agent helper', attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
		expect(traceAnswerSpan([...spans, agent])?.spanId).toBe('ag');
	});

	it('picks the OpenLLMetry workflow span nearest the root, and falls back to the root, or null for no spans', () => {
		const spans = [
			span('r', { name: 'GET /' }),
			span('w', { parentSpanId: 'r', name: 'rag.workflow', startTimeMs: 1010, attributes: { 'traceloop.span.kind': 'workflow' } }),
			span('c', { parentSpanId: 'w', name: 'openai.chat', startTimeMs: 1020, attributes: { 'llm.request.type': 'chat' } })
		];
		expect(traceAnswerSpan(spans)?.spanId).toBe('w');
		expect(traceAnswerSpan([span('r', { name: 'GET /' }), span('x', { parentSpanId: 'r' })])?.spanId).toBe('r');
		expect(traceAnswerSpan([])).toBeNull();
	});
});

describe('traceContexts', () => {
	it('reads the OpenInference document contents of the fixture in index order, with their ids', () => {
		expect(traceContexts(fixture())).toEqual([
			{ id: 'kb-0017', text: 'To reset your password, open Settings → Security and choose Reset password.' },
			{ id: 'kb-0102', text: 'Two-factor authentication can be enabled under Settings → Security.' }
		]);
	});

	it('keeps only the chunks an Assay answer packed into its prompt, in rank order, and no text-less documents', () => {
		const docs = JSON.stringify([
			{ id: 'd1#0', score: 3, packed: true, text: 'first' },
			{ id: 'd2#4', score: 2, packed: false, text: 'dropped' },
			{ id: 'd3#1', score: 1, packed: true, text: 'second' }
		]);
		const root = span('1', {
			name: 'rag.answer',
			attributes: { 'gen_ai.retrieval.documents': docs, 'assay.rag.documents': JSON.stringify([{ id: 'doc.md', score: 3 }]) }
		});
		expect(traceContexts([root])).toEqual([
			{ id: 'd1#0', text: 'first' },
			{ id: 'd3#1', text: 'second' }
		]);
		const stripped = span('1', { attributes: { 'assay.rag.documents': JSON.stringify([{ id: 'doc.md', score: 3 }]) } });
		expect(traceContexts([stripped])).toEqual([]);
	});

	it('takes GenAI documents with text or content, keeps every id-less one and the first of a repeated id', () => {
		const a = span('1', {
			attributes: { 'gen_ai.retrieval.documents': JSON.stringify([{ id: 'x', content: 'X' }, { text: 'no id' }, { id: 'y' }]) }
		});
		const b = span('2', {
			parentSpanId: '1',
			startTimeMs: 1050,
			attributes: {
				'retrieval.documents.1.document.content': 'B',
				'retrieval.documents.0.document.content': 'A',
				'retrieval.documents.0.document.id': 'x'
			}
		});
		expect(traceContexts([b, a])).toEqual([
			{ id: 'x', text: 'X' },
			{ id: null, text: 'no id' },
			{ id: null, text: 'B' }
		]);
	});
});
