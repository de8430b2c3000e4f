import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
	classifyFailures,
	errorCode,
	feedbackRating,
	isFailingScore,
	normalisedScore,
	spanSignals
} from '../../../src/lib/tracing/failures.ts';
import { promotionDraft, caseFromPromotion, promotedCaseId } from '../../../src/lib/tracing/promote.ts';
import { annotateRoot, retrievalDocumentsAttribute, traceAnswer, traceQuery } from '../../../src/lib/tracing/content.ts';
import { evaluationEvent, feedbackEvent, latestEvaluations } from '../../../src/lib/tracing/evaluation.ts';
import { GoldenCaseInputSchema } from '../../../src/lib/evals/golden/types.ts';
import { parseGoldenJsonl } from '../../../src/lib/evals/golden/parse.ts';
import type { SpanEvent, SpanRecord } from '../../../src/lib/tracing/types.ts';

function span(over: Partial<SpanRecord> & { traceId: string; spanId: string }): SpanRecord {
	return {
		parentSpanId: null,
		name: 'rag.answer',
		startTimeMs: 1000,
		endTimeMs: 1100,
		durationMs: 100,
		status: 'ok',
		attributes: {},
		events: [],
		...over
	};
}
const T = (c: string) => c.repeat(32);
const S = (c: string) => c.repeat(16);
const withEvents = (s: SpanRecord, ...events: SpanEvent[]) => ({ ...s, events: [...s.events, ...events] });

describe('classifyFailures', () => {
	const ask = annotateRoot(
		[
			span({ traceId: T('a'), spanId: S('1'), startTimeMs: 5000 }),
			span({ traceId: T('a'), spanId: S('2'), parentSpanId: S('1'), name: 'chat m', startTimeMs: 5010 })
		],
		{ 'assay.rag.question': 'When was it built?', 'assay.rag.answer': 'In 1999 [1].' }
	);

	it('lists a 👎 with its note, the query and the answer excerpt; a later 👍 clears it', () => {
		const bad = [withEvents(ask[0]!, feedbackEvent('bad', 'wrong year', 6000)), ask[1]!];
		const [item, ...rest] = classifyFailures(bad);
		expect(rest).toEqual([]);
		expect(item).toMatchObject({
			traceId: T('a'),
			rootSpanId: S('1'),
			reasons: ['feedback'],
			query: 'When was it built?',
			answerExcerpt: 'In 1999 [1].'
		});
		expect(item!.signals[0]).toMatchObject({ summary: '👎 Bad answer', detail: 'wrong year' });
		const changed = [withEvents(bad[0]!, feedbackEvent('good', '', 7000)), ask[1]!];
		expect(classifyFailures(changed)).toEqual([]);
		expect(classifyFailures(ask)).toEqual([]);
	});

	it('finds errored spans with their code, low judges (label or threshold), failed checks; passing scores are not failures', () => {
		const spans = [
			span({ traceId: T('b'), spanId: S('3'), startTimeMs: 1, status: 'error', statusMessage: 'LLM_REQUEST_FAILED: HTTP 503' }),
			span({ traceId: T('c'), spanId: S('4'), startTimeMs: 2, status: 'error', attributes: { 'error.type': 'TimeoutError' } }),
			withEvents(
				span({ traceId: T('d'), spanId: S('5'), startTimeMs: 3 }),
				evaluationEvent({ name: 'judge.faithful', value: 2, label: 'fail', explanation: 'unsupported' }, 3),
				evaluationEvent({ name: 'judge.relevant', value: 4, label: 'pass' }, 3),
				evaluationEvent({ name: 'check.cites', value: 1, label: 'pass' }, 3)
			),
			withEvents(span({ traceId: T('e'), spanId: S('6'), startTimeMs: 4 }), evaluationEvent({ name: 'hallucination', value: 0.2 }, 4)),
			withEvents(
				span({ traceId: T('f'), spanId: S('7'), startTimeMs: 5 }),
				evaluationEvent({ name: 'check.cites', value: 0, label: 'fail' }, 5)
			),
			withEvents(span({ traceId: T('0'), spanId: S('8'), startTimeMs: 6 }), evaluationEvent({ name: 'relevance', value: 0.9 }, 6))
		];
		const items = classifyFailures(spans);
		expect(items.map((i) => [i.traceId[0], i.reasons.join()])).toEqual([
			['f', 'check'],
			['e', 'judge'],
			['d', 'judge'],
			['c', 'error'],
			['b', 'error']
		]);
		expect(items.find((i) => i.traceId === T('b'))!.signals[0]!.summary).toBe('LLM_REQUEST_FAILED');
		expect(errorCode(spans[1]!)).toBe('TimeoutError');
		expect(items.find((i) => i.traceId === T('d'))!.signals).toHaveLength(1);
		expect(classifyFailures(spans, { judgeThreshold: 0.1 }).some((i) => i.traceId === T('e'))).toBe(false);
		expect(() => classifyFailures(spans, { judgeThreshold: Number.NaN })).toThrow(/finite/);
	});

	it('puts scores on 0–1 (a judge 1–5 as (v − 1) / 4), so an unlabelled judge 2 of 5 is low; feedback reads as a rating', () => {
		const ev = (name: string, value?: number, label?: string) => ({
			name,
			value: value ?? null,
			label: label ?? null,
			explanation: null,
			timeMs: 0,
			errorType: null
		});
		expect(normalisedScore(ev('judge.faithfulness', 2))).toBe(0.25);
		expect(normalisedScore(ev('judge.faithfulness', 5))).toBe(1);
		expect(normalisedScore(ev('check.cites', 0))).toBe(0);
		expect(normalisedScore(ev('relevance', 0.9))).toBe(0.9);
		expect(normalisedScore(ev('user_feedback', 1))).toBeNull();
		expect(normalisedScore({ ...ev('judge.correctness'), errorType: 'JUDGE_OUTPUT_INVALID' })).toBeNull();
		expect(isFailingScore(ev('judge.faithfulness', 2))).toBe(true);
		expect(isFailingScore(ev('judge.faithfulness', 3))).toBe(false);
		expect(isFailingScore(ev('judge.faithfulness', 2, 'pass'))).toBe(false);
		expect(isFailingScore(ev('check.cites', 1, 'fail'))).toBe(true);
		expect(feedbackRating(ev('user_feedback', 0, 'bad'))).toBe('bad');
		expect(feedbackRating(ev('user_feedback', 1))).toBe('good');
		expect(feedbackRating(ev('user_feedback', 0))).toBe('bad');
		expect(feedbackRating(ev('user_feedback'))).toBeNull();
	});

	it('counts only the latest score of each name by time, so a passing regrade clears a failed judge and check', () => {
		const failed = withEvents(
			span({ traceId: T('a'), spanId: S('1') }),
			evaluationEvent({ name: 'check.citations-present', value: 0, label: 'fail', explanation: 'no [n]' }, 2000),
			evaluationEvent({ name: 'judge.faithfulness', value: 2, label: 'fail', explanation: 'unsupported' }, 2000),
			evaluationEvent({ name: 'judge.correctness', value: 5, label: 'pass' }, 2000)
		);
		expect(spanSignals(failed).map((s) => [s.reason, s.summary, s.detail])).toEqual([
			['check', 'check.citations-present = 0 (fail)', 'no [n]'],
			['judge', 'judge.faithfulness = 2 (fail)', 'unsupported']
		]);
		const regraded = withEvents(
			failed,
			evaluationEvent({ name: 'check.citations-present', value: 1, label: 'pass' }, 3000),
			evaluationEvent({ name: 'judge.faithfulness', value: 5, label: 'pass', explanation: 'supported' }, 3000),
			evaluationEvent({ name: 'judge.correctness', value: 1, label: 'fail', explanation: 'wrong year' }, 3000)
		);
		expect(spanSignals(regraded).map((s) => [s.reason, s.summary, s.detail])).toEqual([
			['judge', 'judge.correctness = 1 (fail)', 'wrong year']
		]);
		expect(latestEvaluations(regraded).map((e) => [e.name, e.value, e.timeMs])).toEqual([
			['check.citations-present', 1, 3000],
			['judge.faithfulness', 5, 3000],
			['judge.correctness', 1, 3000]
		]);
		// Time decides, not event order: an older score appended later (an import, a clock step back) does not win.
		const late = withEvents(regraded, evaluationEvent({ name: 'judge.faithfulness', value: 1, label: 'fail' }, 2500));
		expect(spanSignals(late).map((s) => s.summary)).toEqual(['judge.correctness = 1 (fail)']);
		// Of two scores at the same time, the later event wins.
		const tie = withEvents(late, evaluationEvent({ name: 'judge.correctness', value: 4, label: 'pass' }, 3000));
		expect(spanSignals(tie)).toEqual([]);
	});

	it('lists a person’s failing human.* label as feedback until a newer passing label replaces it', () => {
		const reviewed = withEvents(
			span({ traceId: T('a'), spanId: S('1') }),
			evaluationEvent({ name: 'human.correctness', value: 2, label: 'fail', explanation: 'misses the year' }, 4000)
		);
		expect(classifyFailures([reviewed]).map((i) => [i.reasons, i.signals.map((s) => [s.summary, s.detail])])).toEqual([
			[['feedback'], [['human.correctness = 2 (fail)', 'misses the year']]]
		]);
		expect(spanSignals(withEvents(reviewed, evaluationEvent({ name: 'human.correctness', value: 1, label: 'pass' }, 5000)))).toEqual([]);
		expect(spanSignals(withEvents(reviewed, evaluationEvent({ name: 'human.correctness', value: 0 }, 5000)))).toHaveLength(1);
	});

	it('reads the query and answer of an imported OpenInference/GenAI trace from its messages', () => {
		const imported = [
			span({ traceId: T('9'), spanId: S('a'), name: 'POST /ask', attributes: { 'input.value': 'raw input' } }),
			span({
				traceId: T('9'),
				spanId: S('b'),
				parentSpanId: S('a'),
				name: 'chat gpt',
				startTimeMs: 1010,
				attributes: {
					'gen_ai.input.messages': JSON.stringify([
						{ role: 'system', parts: [{ type: 'text', content: 'be brief' }] },
						{ role: 'user', parts: [{ type: 'text', content: 'What is BM25?' }] }
					]),
					'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'A ranking function.' }] }])
				}
			})
		];
		expect(traceQuery(imported)).toBe('What is BM25?');
		expect(traceAnswer(imported)).toBe('A ranking function.');
	});
});

describe('promotion to a golden case', () => {
	const spans = [
		span({
			traceId: T('a'),
			spanId: S('1'),
			attributes: {
				'assay.rag.question': 'When was it built?',
				'assay.rag.answer': 'In 1999 [1].',
				'gen_ai.retrieval.documents': retrievalDocumentsAttribute([
					{ id: 'doc-1', title: 'history.md', score: 3.2 },
					{ id: 'doc-2', title: 'faq.md', score: null }
				])
			}
		}),
		span({
			traceId: T('a'),
			spanId: S('2'),
			parentSpanId: S('1'),
			name: 'retrieval kb',
			attributes: {
				'gen_ai.retrieval.documents': JSON.stringify([
					{ id: 'doc-1', score: 4 },
					{ id: 7, score: 0.5 }
				])
			}
		}),
		span({ traceId: T('b'), spanId: S('3') })
	];

	it('drafts the query, the retrieved documents (deduplicated, best score) and the answer as the reference', () => {
		const draft = promotionDraft(spans, T('a'));
		expect(draft).toEqual({
			traceId: T('a'),
			spanId: S('1'),
			query: 'When was it built?',
			reference: 'In 1999 [1].',
			candidates: [
				{ id: 'doc-1', title: 'history.md', score: 4 },
				{ id: 'doc-2', title: 'faq.md', score: null },
				{ id: '7', title: null, score: 0.5 }
			]
		});
		expect(() => promotionDraft(spans, T('c'))).toThrow(/No stored spans/);
	});

	it('makes a valid case with provenance and a fresh id that survives a JSONL round trip', () => {
		const draft = promotionDraft(spans, T('a'));
		const existing = [{ id: 'trace-aaaaaaaa', query: 'x', relevant: [], tags: [] }];
		const c = caseFromPromotion(
			draft,
			{ query: ' When was it built? ', reference: 'In 2001 [1].', relevant: ['doc-1'] },
			existing,
			Date.UTC(2026, 11, 2, 16, 30)
		);
		expect(c).toEqual({
			id: 'trace-aaaaaaaa-2',
			query: 'When was it built?',
			relevant: [{ doc: 'doc-1', grade: 1 }],
			reference: 'In 2001 [1].',
			tags: ['from-trace'],
			source: { kind: 'trace', traceId: T('a'), spanId: S('1'), promotedAt: '2026-12-02T16:30:00.000Z' }
		});
		expect(GoldenCaseInputSchema.safeParse(c).success).toBe(true);
		expect(parseGoldenJsonl(JSON.stringify(c)).cases).toEqual([c]);
		const schema = JSON.parse(readFileSync(new URL('../../../schemas/golden-case.v1.schema.json', import.meta.url), 'utf8')) as object;
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
		expect(validate(JSON.parse(JSON.stringify(c)))).toBe(true);
		expect(validate({ ...c, source: { ...c.source, kind: 'file' } })).toBe(false);
		expect(parseGoldenJsonl(JSON.stringify({ ...c, source: { ...c.source, kind: 'file' } })).errors[0]!.message).toMatch(/source/);
		expect(() => caseFromPromotion(draft, { query: ' ', reference: '', relevant: [] }, [], 0)).toThrow(/needs a query/);
		expect(() => caseFromPromotion(draft, { query: 'q', reference: '', relevant: ['nope'] }, [], 0)).toThrow(/not one the trace retrieved/);
		expect(promotedCaseId('', new Set())).toBe('trace-case');
	});
});
