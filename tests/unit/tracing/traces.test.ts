import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../../src/lib/tracing/types.ts';
import { evaluationEvent, feedbackEvent } from '../../../src/lib/tracing/evaluation.ts';
import { ContentCaptureSink } from '../../../src/lib/tracing/capture.ts';
import { BasicTracer, InMemorySpanSink } from '../../../src/lib/tracing/tracer.ts';
import {
	applyContentCapture,
	errorCodesOf,
	estimateSpanBytes,
	filterTraces,
	markImported,
	messagesOf,
	redactRetrievalDocuments,
	retrievedDocuments,
	searchableText,
	summarizeTraces,
	traceKindOf,
	tracesToPrune,
	waterfall
} from '../../../src/lib/tracing/traces.ts';

function s(spanId: string, parent: string | null, start: number, end: number, extra: Partial<SpanRecord> = {}): SpanRecord {
	return {
		traceId: 't1',
		spanId,
		parentSpanId: parent,
		name: spanId,
		startTimeMs: start,
		endTimeMs: end,
		durationMs: end - start,
		status: 'ok',
		attributes: {},
		events: [],
		...extra
	};
}

const answer = [
	s('root', null, 0, 100, { name: 'rag.answer', attributes: { 'assay.trace.kind': 'answer', 'gen_ai.retrieval.query.text': 'why?' } }),
	s('chat', 'root', 20, 90, {
		name: 'chat m1',
		attributes: {
			'gen_ai.request.model': 'm1',
			'gen_ai.usage.input_tokens': 30,
			'gen_ai.usage.output_tokens': 12,
			'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Q?' }] }])
		}
	}),
	s('search', 'root', 0, 20, { name: 'retrieval' })
];
const failed = [
	s('r2', null, 500, 510, { traceId: 't2', name: 'invoke_agent a', status: 'error', statusMessage: 'LLM_REQUEST_FAILED: down' })
];

describe('summarizeTraces', () => {
	it('groups spans per trace with kind, model, tokens, latency and error code, newest first', () => {
		const [t2, t1] = summarizeTraces([...answer, ...failed]);
		expect(t1).toMatchObject({ traceId: 't1', kind: 'answer', name: 'rag.answer', model: 'm1', status: 'ok', errorCode: null });
		expect(t1).toMatchObject({ latencyMs: 100, inputTokens: 30, outputTokens: 12, spanCount: 3 });
		expect(t1!.bytes).toBe(answer.reduce((n, x) => n + estimateSpanBytes(x), 0));
		expect(t2).toMatchObject({ traceId: 't2', kind: 'agent', status: 'error', errorCode: 'LLM_REQUEST_FAILED' });
	});

	it('infers the kind from the root name when undeclared, and reads unknown names as other', () => {
		expect(traceKindOf(s('x', null, 0, 1, { name: 'search' }))).toBe('search');
		expect(traceKindOf(s('x', null, 0, 1, { name: 'import' }))).toBe('import');
		expect(traceKindOf(s('x', null, 0, 1, { name: 'weird', attributes: { 'assay.trace.kind': 'bogus' } }))).toBe('other');
	});
});

describe('filterTraces', () => {
	const traces = summarizeTraces([...answer, ...failed]);
	const text = new Map([
		['t1', searchableText(answer)],
		['t2', searchableText(failed)]
	]);
	it('filters by kind, model, status, latency, tokens and time', () => {
		expect(filterTraces(traces, { kind: 'agent' }).map((t) => t.traceId)).toEqual(['t2']);
		expect(filterTraces(traces, { model: 'm1' }).map((t) => t.traceId)).toEqual(['t1']);
		expect(filterTraces(traces, { status: 'error' }).map((t) => t.traceId)).toEqual(['t2']);
		expect(filterTraces(traces, { minLatencyMs: 50 }).map((t) => t.traceId)).toEqual(['t1']);
		expect(filterTraces(traces, { minTokens: 43 })).toEqual([]);
		expect(filterTraces(traces, { fromMs: 400, toMs: 600 }).map((t) => t.traceId)).toEqual(['t2']);
	});
	it('searches span names and attribute values, case-insensitively', () => {
		expect(filterTraces(traces, { text: 'WHY?' }, (id) => text.get(id)!).map((t) => t.traceId)).toEqual(['t1']);
		expect(filterTraces(traces, { text: 'down' }, (id) => text.get(id)!).map((t) => t.traceId)).toEqual(['t2']);
	});
});

describe('feedback, scores and error codes in summaries and filters', () => {
	const one = (traceId: string, start: number, extra: Partial<SpanRecord> = {}) =>
		s(`${traceId}-root`, null, start, start + 10, { traceId, name: `trace ${traceId}`, ...extra });
	const spans: SpanRecord[] = [
		// a: 👍 then 👎 (the latest wins), a passing check and a judge 4 of 5 (0.75).
		one('a', 100, {
			events: [
				feedbackEvent('good', '', 1),
				feedbackEvent('bad', 'wrong', 2),
				evaluationEvent({ name: 'check.cites', value: 1, label: 'pass' }, 1),
				evaluationEvent({ name: 'judge.faithfulness', value: 4, label: 'pass' }, 1)
			]
		}),
		// b: 👍, a failed check (0) — lowest 0, failed.
		one('b', 200, {
			events: [feedbackEvent('good', '', 3), evaluationEvent({ name: 'check.cites', value: 0, label: 'fail' }, 3)]
		}),
		// c: no feedback, an imported unlabelled 0.3 (below the 0.5 threshold) and a judge that errored.
		one('c', 300, {
			events: [
				evaluationEvent({ name: 'hallucination', value: 0.3 }, 4),
				{
					name: 'gen_ai.evaluation.result',
					timeMs: 4,
					attributes: { 'gen_ai.evaluation.name': 'judge.correctness', 'error.type': 'JUDGE_OUTPUT_INVALID' }
				}
			]
		}),
		// d: nothing scored; the root failed with error.type only, a child with a coded message.
		one('d', 400, { status: 'error', attributes: { 'error.type': 'TimeoutError' } }),
		s('d-child', 'd-root', 401, 402, { traceId: 'd', status: 'error', statusMessage: 'LLM_REQUEST_FAILED: down' }),
		// e: a child failed with a coded message; the root is ok.
		one('e', 500),
		s('e-child', 'e-root', 501, 502, { traceId: 'e', status: 'error', statusMessage: 'SEARCH_FAILED: index gone' })
	];
	const traces = summarizeTraces(spans);
	const ids = (f: Parameters<typeof filterTraces>[1]) =>
		filterTraces(traces, f)
			.map((t) => t.traceId)
			.sort();

	it('summarises the latest feedback, the score count, the lowest normalised score, any failure and the error code', () => {
		const by = new Map(traces.map((t) => [t.traceId, t]));
		expect(by.get('a')).toMatchObject({ feedback: 'bad', scoreCount: 2, lowestScore: 0.75, anyFailed: false, errorCode: null });
		expect(by.get('b')).toMatchObject({ feedback: 'good', scoreCount: 1, lowestScore: 0, anyFailed: true });
		expect(by.get('c')).toMatchObject({ feedback: null, scoreCount: 2, lowestScore: 0.3, anyFailed: true });
		expect(by.get('d')).toMatchObject({ feedback: null, scoreCount: 0, lowestScore: null, anyFailed: false });
		expect(by.get('d')).toMatchObject({ status: 'error', errorCode: 'TimeoutError' });
		expect(by.get('e')).toMatchObject({ status: 'error', errorCode: 'SEARCH_FAILED' });
		expect(errorCodesOf(traces)).toEqual(['SEARCH_FAILED', 'TimeoutError']);
	});

	it('filters by feedback: 👍, 👎, none', () => {
		expect(ids({ feedback: 'bad' })).toEqual(['a']);
		expect(ids({ feedback: 'good' })).toEqual(['b']);
		expect(ids({ feedback: 'none' })).toEqual(['c', 'd', 'e']);
		expect(ids({ feedback: null })).toEqual(['a', 'b', 'c', 'd', 'e']);
	});

	it('filters by scores: has scores, any failed, lowest score at most x (inclusive; unscored traces drop out)', () => {
		expect(ids({ scores: 'scored' })).toEqual(['a', 'b', 'c']);
		expect(ids({ scores: 'failed' })).toEqual(['b', 'c']);
		expect(ids({ maxLowestScore: 0.3 })).toEqual(['b', 'c']);
		expect(ids({ maxLowestScore: 0.75 })).toEqual(['a', 'b', 'c']);
		expect(ids({ maxLowestScore: 0 })).toEqual(['b']);
		expect(ids({ maxLowestScore: -0.01 })).toEqual([]);
	});

	it('filters by error code, and combines every filter with AND', () => {
		expect(ids({ errorCode: 'TimeoutError' })).toEqual(['d']);
		expect(ids({ errorCode: 'SEARCH_FAILED', status: 'error' })).toEqual(['e']);
		expect(ids({ feedback: 'good', scores: 'failed' })).toEqual(['b']);
		expect(ids({ feedback: 'bad', scores: 'failed' })).toEqual([]);
		expect(ids({ feedback: 'none', scores: 'scored', maxLowestScore: 0.5 })).toEqual(['c']);
		expect(ids({ feedback: 'none', errorCode: 'TimeoutError', fromMs: 450 })).toEqual([]);
	});
});

describe('waterfall', () => {
	it('orders depth-first by start, nests by parent and scales bars to the trace', () => {
		const rows = waterfall(answer);
		expect(rows.map((r) => [r.span.spanId, r.depth])).toEqual([
			['root', 0],
			['search', 1],
			['chat', 1]
		]);
		expect(rows[2]).toMatchObject({ offset: 0.2, width: 0.7 });
	});
	it('places orphans and cycles once, at the top level', () => {
		const rows = waterfall([s('a', 'b', 0, 1), s('b', 'a', 0, 2), s('c', 'missing', 1, 2)]);
		expect(rows.map((r) => r.span.spanId).sort()).toEqual(['a', 'b', 'c']);
		expect(rows.find((r) => r.span.spanId === 'c')!.depth).toBe(0);
	});
});

describe('tracesToPrune', () => {
	it('deletes the oldest whole traces until the rest fit the budget', () => {
		const traces = [
			{ traceId: 'new', startTimeMs: 3, bytes: 40 },
			{ traceId: 'old', startTimeMs: 1, bytes: 40 },
			{ traceId: 'mid', startTimeMs: 2, bytes: 40 }
		];
		expect(tracesToPrune(traces, 120)).toEqual([]);
		expect(tracesToPrune(traces, 100)).toEqual(['old']);
		expect(tracesToPrune(traces, 40)).toEqual(['old', 'mid']);
		expect(tracesToPrune(traces, 0)).toEqual(['old', 'mid', 'new']);
	});
});

describe('content capture and display helpers', () => {
	it('strips content attributes when capture is off and keeps them when on', () => {
		const off = applyContentCapture(answer, false);
		expect(off[0]!.attributes).toEqual({ 'assay.trace.kind': 'answer', 'assay.content.captured': false });
		expect(off[1]!.attributes['gen_ai.input.messages']).toBeUndefined();
		expect(off[1]!.attributes['gen_ai.usage.input_tokens']).toBe(30);
		expect(applyContentCapture(answer, true)).toEqual(answer);
	});
	it('keeps the retrieved documents’ ids, ranks and scores but not their titles and texts when capture is off', () => {
		const docs = JSON.stringify([
			{
				id: 'd1#0',
				document: 'd1',
				title: 'secret.md',
				rank: 1,
				score: 0.5,
				scores: { bm25: 2.5, vector: 0.7, note: 'x' },
				text: 'secret',
				packed: true
			},
			{ id: 7, content: 'also secret', score: 'high' },
			{ title: 'no id' },
			'junk'
		]);
		const [root] = applyContentCapture(
			[s('r', null, 0, 1, { attributes: { 'gen_ai.retrieval.documents': docs, 'assay.search.hits': 2 } })],
			false
		);
		expect(root!.attributes).toEqual({
			'gen_ai.retrieval.documents': JSON.stringify([
				{ id: 'd1#0', document: 'd1', rank: 1, score: 0.5, scores: { bm25: 2.5, vector: 0.7 }, packed: true },
				{ id: 7 }
			]),
			'assay.search.hits': 2,
			'assay.content.captured': false
		});
		expect(redactRetrievalDocuments('{not json')).toBeNull();
		expect(redactRetrievalDocuments('[{"title":"no id"}]')).toBeNull();
		expect(redactRetrievalDocuments(3)).toBeNull();
	});
	it('a content-capture sink strips each span it passes on when capture is off, and passes spans as they are when on', () => {
		const record = (capture: boolean) => {
			const inner = new InMemorySpanSink();
			const tracer = new BasicTracer([new ContentCaptureSink(inner, capture)], () => 1);
			const root = tracer.startSpan('search', { attributes: { 'gen_ai.retrieval.query.text': 'q', 'assay.search.hits': 1 } });
			tracer.startSpan('embed.query', { parent: root, attributes: { 'gen_ai.request.model': 'm' } }).end();
			root.end();
			return inner.spans.map((x) => x.attributes);
		};
		expect(record(false)).toEqual([
			{ 'gen_ai.request.model': 'm', 'assay.content.captured': false },
			{ 'assay.search.hits': 1, 'assay.content.captured': false }
		]);
		expect(record(true)).toEqual([{ 'gen_ai.request.model': 'm' }, { 'gen_ai.retrieval.query.text': 'q', 'assay.search.hits': 1 }]);
	});
	it('marks each imported trace root, keeping a declared kind as source_kind', () => {
		const marked = markImported(answer);
		expect(marked[0]!.attributes).toMatchObject({ 'assay.trace.kind': 'imported', 'assay.trace.source_kind': 'answer' });
		expect(marked[1]).toBe(answer[1]);
	});
	it('reads messages and retrieved documents, tolerating bad JSON', () => {
		expect(messagesOf(answer[1]!.attributes, 'gen_ai.input.messages')).toEqual([{ role: 'user', text: 'Q?' }]);
		expect(messagesOf({ 'gen_ai.input.messages': 'plain' }, 'gen_ai.input.messages')).toEqual([{ role: '', text: 'plain' }]);
		expect(retrievedDocuments({ 'gen_ai.retrieval.documents': '[{"id":"c1","score":0.5,"text":"x"}, 3]' })).toEqual([
			{ id: 'c1', score: 0.5, title: null, text: 'x', rank: null, scores: [] }
		]);
		// Search spans: rank and per-stage scores, shown bm25 · vector · fused · rerank (unknown stages after).
		const search = JSON.stringify([
			{ id: 'c2', rank: 1, score: 0.03, scores: { other: 1, fused: 0.03, vector: 0.8, bm25: 2.5, bad: 'x' } }
		]);
		expect(retrievedDocuments({ 'gen_ai.retrieval.documents': search })[0]).toMatchObject({
			rank: 1,
			scores: [
				{ stage: 'bm25', score: 2.5 },
				{ stage: 'vector', score: 0.8 },
				{ stage: 'fused', score: 0.03 },
				{ stage: 'other', score: 1 }
			]
		});
		expect(retrievedDocuments({ 'gen_ai.retrieval.documents': '{not json' })).toEqual([]);
	});
});
