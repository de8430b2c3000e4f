import { describe, expect, it } from 'vitest';
import { BasicTracer, InMemorySpanSink } from '../../../../src/lib/tracing/tracer.ts';
import { ScriptedChatModel } from '../../../../src/lib/generation/index.ts';
import { runAnswerCases } from '../../../../src/lib/evals/answers/run.ts';
import { gradeEvents, recordAnswerEvaluations, reviewEvent } from '../../../../src/lib/evals/answers/evaluations.ts';
import { evaluationEvents } from '../../../../src/lib/evals/system/trace.ts';
import type { AnswerRecord } from '../../../../src/lib/evals/answers/types.ts';
import type { SpanEvent } from '../../../../src/lib/tracing/types.ts';
import { cases, hits, makeRun, tickingClock, words } from './fixtures.ts';

async function answered() {
	const sink = new InMemorySpanSink();
	const stored: AnswerRecord[] = [];
	await runAnswerCases({
		run: makeRun(),
		cases,
		model: new ScriptedChatModel('tiny-1b', { tokens: ['Yes [1].'] }),
		retrieve: async () => hits,
		tokenizer: words,
		tracer: new BasicTracer([sink], () => 0),
		clock: tickingClock(),
		onAnswer: async (r) => void stored.push(r),
		now: () => 1234
	});
	return { stored, spans: sink.spans };
}

describe('answer records and their rag.answer spans', () => {
	it('names the eval_case trace’s rag.answer span of each case, one trace per case', async () => {
		const { stored, spans } = await answered();
		const roots = spans.filter((s) => s.name === 'rag.answer');
		expect(roots).toHaveLength(3);
		expect(stored.map((r) => [r.traceId, r.spanId])).toEqual(roots.map((s) => [s.traceId, s.spanId]));
		for (const root of roots) {
			expect(root.parentSpanId).toBeNull();
			expect(root.attributes['assay.trace.kind']).toBe('eval_case');
			expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
			expect(root.spanId).toMatch(/^[0-9a-f]{16}$/);
		}
		expect(new Set(stored.map((r) => r.traceId)).size).toBe(3);
		// The chat span is the root's child, never taken for the answer's span.
		expect(spans.filter((s) => s.parentSpanId !== null).map((s) => s.parentSpanId)).toEqual(roots.map((s) => s.spanId));
	});
});

describe('answer scores as gen_ai.evaluation.result events', () => {
	const graded = {
		traceId: 'a'.repeat(32),
		spanId: 'b'.repeat(16),
		checks: [{ id: 'citations-present', type: 'citations-present', pass: true, reason: 'cites [1]' }],
		verdicts: {
			faithfulness: { result: { ok: true, verdict: { score: 3, reason: 'partly' }, repaired: false, raw: '' }, attempts: 1, judge: {} }
		}
	} as unknown as AnswerRecord;

	it('writes checks and judges exactly as assay eval’s traces do', () => {
		const events = gradeEvents(graded, 4, 5000);
		expect(events).toEqual(evaluationEvents(graded, 4, 5000));
		expect(events.map((e) => e.attributes)).toEqual([
			{
				'gen_ai.evaluation.name': 'check.citations-present',
				'gen_ai.evaluation.score.value': 1,
				'gen_ai.evaluation.score.label': 'pass',
				'gen_ai.evaluation.explanation': 'cites [1]'
			},
			{
				'gen_ai.evaluation.name': 'judge.faithfulness',
				'gen_ai.evaluation.score.value': 3,
				'gen_ai.evaluation.score.label': 'fail',
				'gen_ai.evaluation.explanation': 'partly'
			}
		]);
	});

	it('writes a person’s label as human.correctness: pass/fail as 1/0, a score passing at the threshold', () => {
		expect(reviewEvent({ kind: 'pass-fail', pass: false, notes: ' wrong year ' }, 4, 7000)).toEqual({
			name: 'gen_ai.evaluation.result',
			timeMs: 7000,
			attributes: {
				'gen_ai.evaluation.name': 'human.correctness',
				'gen_ai.evaluation.score.value': 0,
				'gen_ai.evaluation.score.label': 'fail',
				'gen_ai.evaluation.explanation': 'wrong year'
			}
		});
		expect(reviewEvent({ kind: 'score', score: 4, notes: '' }, 4, 1)?.attributes).toEqual({
			'gen_ai.evaluation.name': 'human.correctness',
			'gen_ai.evaluation.score.value': 4,
			'gen_ai.evaluation.score.label': 'pass'
		});
		expect(reviewEvent({ kind: 'score', score: 3, notes: '' }, 4, 1)?.attributes?.['gen_ai.evaluation.score.label']).toBe('fail');
		expect(reviewEvent({ kind: 'pass-fail', notes: 'undecided' }, 4, 1)).toBeNull();
	});

	it('appends the events in order to the named span, and nothing for an answer recorded without ids', async () => {
		const calls: [string, string, SpanEvent][] = [];
		const api = { addEvaluation: async (t: string, s: string, e: SpanEvent) => void calls.push([t, s, e]) };
		const events = gradeEvents(graded, 4, 5000);
		expect(await recordAnswerEvaluations(api, graded, events)).toBe(2);
		expect(calls).toEqual(events.map((e) => ['a'.repeat(32), 'b'.repeat(16), e]));
		const { traceId: _t, spanId: _s, ...old } = graded;
		expect(await recordAnswerEvaluations(api, old as AnswerRecord, events)).toBe(0);
		expect(calls).toHaveLength(2);
	});
});
