import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../../src/lib/adapters/json-schema-validator.ts';
import { ScriptedChatModel, type ChatRequest } from '../../../../src/lib/generation/index.ts';
import { DEFAULT_CHECKS, defaultGrading, gradeAnswers } from '../../../../src/lib/evals/answers/grade.ts';
import { summariseAnswerRun } from '../../../../src/lib/evals/answers/summary.ts';
import type { AnswerRecord, GradingSettings } from '../../../../src/lib/evals/answers/types.ts';
import { makeAnswer } from './fixtures.ts';

const validator = new CfworkerSchemaValidator();
const settings: GradingSettings = defaultGrading({ provider: 'scripted', modelId: 'judge-1' });

/** Which rubric a judge request is for, from its versioned system prompt. */
function rubricOf(req: ChatRequest): string {
	const system = req.messages[0]!.content;
	if (system.includes('reference answer')) return 'correctness';
	if (system.includes('supported by the retrieved context')) return 'faithfulness';
	return 'answer-relevancy';
}

function judgeWith(reply: (rubric: string, req: ChatRequest) => string): ScriptedChatModel {
	return new ScriptedChatModel(
		'judge-1',
		(req) => ({ tokens: [reply(rubricOf(req), req)] }),
		async () => {}
	);
}

async function grade(answers: AnswerRecord[], model: ScriptedChatModel, over: Partial<GradingSettings> = {}, signal?: AbortSignal) {
	const graded: AnswerRecord[] = [];
	const result = await gradeAnswers({
		answers,
		settings: { ...settings, ...over },
		model,
		validator,
		onGraded: async (r) => void graded.push(r),
		...(signal ? { signal } : {})
	});
	return { result, graded };
}

describe('defaultGrading', () => {
	it('grades all three rubrics at temperature 0, seed 42, 512 tokens, the default checks, pass from 4', () => {
		expect(settings).toEqual({
			judge: { provider: 'scripted', modelId: 'judge-1' },
			rubrics: ['correctness', 'faithfulness', 'answer-relevancy'],
			temperature: 0,
			seed: 42,
			maxTokens: 512,
			checks: DEFAULT_CHECKS,
			passThreshold: 4
		});
		expect(DEFAULT_CHECKS.map((c) => c.type)).toEqual(['citations-present', 'citations-valid', 'quotes-verbatim', 'length']);
	});
});

describe('gradeAnswers', () => {
	it('stores checks and one verdict per rubric, skipping correctness without a reference', async () => {
		const scores: Record<string, number> = { correctness: 5, faithfulness: 4, 'answer-relevancy': 3 };
		const model = judgeWith((r) => `{"score": ${scores[r]}, "reason": "because"}`);
		const review = { kind: 'score' as const, score: 2, notes: 'meh', reviewedAtMs: 9 };
		const { result, graded } = await grade([makeAnswer('q1', { review }), makeAnswer('q3', { text: 'No citation here.' })], model);
		expect(result).toMatchObject({ graded: 2, cancelled: false });
		expect(model.requests).toHaveLength(5);
		expect(graded[0]!.review).toEqual(review);
		expect(Object.entries(graded[0]!.verdicts).map(([k, v]) => [k, v.result.ok && v.result.verdict.score, v.attempts])).toEqual([
			['correctness', 5, 1],
			['faithfulness', 4, 1],
			['answer-relevancy', 3, 1]
		]);
		expect(graded[0]!.verdicts.correctness!.judge).toEqual({
			modelId: 'judge-1',
			provider: 'scripted',
			promptId: 'correctness',
			promptVersion: 2,
			temperature: 0,
			seed: 42
		});
		expect(Object.keys(graded[1]!.verdicts)).toEqual(['faithfulness', 'answer-relevancy']);
		expect(graded[0]!.checks.map((c) => [c.id, c.pass])).toEqual([
			['citations-present', true],
			['citations-valid', true],
			['quotes-verbatim', true],
			['length', true]
		]);
		expect(graded[1]!.checks.find((c) => c.id === 'citations-present')).toMatchObject({
			pass: false,
			reason: 'The answer cites no source.'
		});
	});

	it("shows the faithfulness judge the answer's packed sources as context", async () => {
		const model = judgeWith(() => '{"score": 4, "reason": "ok"}');
		await grade([makeAnswer('q1')], model, { rubrics: ['faithfulness'] });
		expect(model.requests[0]!.messages[1]!.content).toBe(
			'Context:\n<source id="1">\nKites fly high.\n</source>\n\nQuestion:\nDo kites fly?\n\nAnswer:\n<answer>\nYes [1].\n</answer>'
		);
	});

	it('keeps invalid JSON as a typed error after one retry, excluded from the mean and counted in the error rate', async () => {
		const model = judgeWith((r, req) =>
			req.messages[1]!.content.includes('kites') ? 'I would say it is good.' : `{"score": ${r === 'correctness' ? 4 : 2}, "reason": "x"}`
		);
		const { graded } = await grade([makeAnswer('q1'), makeAnswer('q2')], model, { rubrics: ['correctness'] });
		const bad = graded[0]!.verdicts.correctness!;
		expect(bad.attempts).toBe(2);
		expect(bad.result.ok === false && bad.result.error.code).toBe('JUDGE_OUTPUT_INVALID');
		const summary = summariseAnswerRun(graded, 4).judges.correctness!;
		expect([summary.total, summary.okCount, summary.errorCount, summary.errorRate, summary.meanScore]).toEqual([2, 1, 1, 0.5, 4]);
		expect(summary.errorsByCode).toEqual({ JUDGE_OUTPUT_INVALID: 1 });
	});

	it('skips answers whose generation failed: no checks, no verdicts, not stored', async () => {
		const model = judgeWith(() => '{"score": 4, "reason": "ok"}');
		const failed = makeAnswer('q2', {
			error: { name: 'AssayError', code: 'LLM_GENERATION_FAILED', message: 'x' },
			finishReason: null,
			text: ''
		});
		const progress: number[] = [];
		const { result, graded } = await grade([failed, makeAnswer('q1')], model, { rubrics: ['answer-relevancy'] });
		expect(result).toMatchObject({ graded: 1, cancelled: false });
		expect(graded.map((a) => a.caseId)).toEqual(['q1']);
		expect(model.requests).toHaveLength(1);
		await gradeAnswers({ answers: [failed], settings, model, validator, onGraded: async () => {}, onProgress: (d) => progress.push(d) });
		expect(progress).toEqual([1]);
	});

	it('rejects a bad check list before asking the judge anything', async () => {
		const model = judgeWith(() => '{"score": 4, "reason": "ok"}');
		await expect(grade([makeAnswer('q1')], model, { checks: [{ id: 'x', type: 'must-contain', regex: '(' }] })).rejects.toMatchObject({
			code: 'CONFIG_INVALID'
		});
		expect(model.requests).toHaveLength(0);
	});

	it('does not store the answer being judged when cancelled', async () => {
		const controller = new AbortController();
		const model = judgeWith((_r, req) => {
			if (req.messages[1]!.content.includes('birds')) controller.abort();
			return '{"score": 4, "reason": "ok"}';
		});
		const { result, graded } = await grade([makeAnswer('q1'), makeAnswer('q2'), makeAnswer('q3')], model, {}, controller.signal);
		expect(result).toMatchObject({ graded: 1, cancelled: true });
		expect(graded.map((a) => a.caseId)).toEqual(['q1']);
	});
});
