import { describe, expect, it, vi } from 'vitest';
import { ScriptedChatModel, EstimateTokenizer } from '../../../src/lib/generation/index.ts';
import { OpenAiChatModel } from '../../../src/lib/adapters/openai-chat.ts';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import { runAnswerCases, type RetrievedSource } from '../../../src/lib/evals/answers/run.ts';
import { defaultGrading, gradeAnswers } from '../../../src/lib/evals/answers/grade.ts';
import { gradeEvents, recordAnswerEvaluations, reviewEvent } from '../../../src/lib/evals/answers/evaluations.ts';
import type { AnswerRecord, GradingSettings } from '../../../src/lib/evals/answers/types.ts';
import { BasicTracer, InMemorySpanSink } from '../../../src/lib/tracing/index.ts';
import { latestEvaluations } from '../../../src/lib/tracing/evaluation.ts';
import { classifyFailures } from '../../../src/lib/tracing/failures.ts';
import { startFakeJudge } from '../../support/fake-judge.ts';
import { answerConfig, answerWorkspace, type AnswerServices } from '../../support/answer-runs.ts';
import { AnswerLab } from '../../../src/lib/app/answer-lab.svelte.ts';
import type { AppCore } from '../../../src/lib/app/app-core.svelte.ts';
import { DEFAULT_ENDPOINT } from '../../../src/lib/app/ask-endpoint.ts';

/** Grade every answer of the run as the Answers page does: store the record, then its scores on its span at `timeMs`. */
async function grade(svc: AnswerServices, runId: string, settings: GradingSettings, judge: OpenAiChatModel, timeMs: number) {
	return gradeAnswers({
		answers: (await svc.answerRunState(runId)).answers,
		settings,
		model: judge,
		validator: new CfworkerSchemaValidator(),
		onGraded: async (record) => {
			await svc.saveAnswer(record);
			await recordAnswerEvaluations(svc, record, gradeEvents(record, settings.passThreshold, timeMs));
		}
	});
}

const scores = (spanEvents: ReturnType<typeof latestEvaluations>) =>
	spanEvents.map((e) => [e.name, e.value, e.label, e.explanation, e.timeMs]);

describe('answer-run scores on the eval_case traces', () => {
	it('puts check, judge and human scores on each case’s rag.answer span; a passing regrade clears the judge failure', async () => {
		const { svc, workspaceId, goldenSet } = await answerWorkspace(2);
		const [q1, q2] = goldenSet.cases;
		const run = await svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: answerConfig('traced', 'traced') });
		const sink = new InMemorySpanSink();
		let clock = 0;
		// Case 1 cites its source; case 2 does not (its citations-present check fails).
		let call = 0;
		const model = new ScriptedChatModel('traced', () => ({ tokens: call++ === 0 ? ['See ', '[1].'] : ['No citation here.'] }));
		await runAnswerCases({
			run,
			cases: run.cases,
			model,
			retrieve: async (q): Promise<RetrievedSource[]> =>
				(await svc.search({ workspaceId, query: q, topK: 5, mode: 'lexical' })).hits.map((h) => ({
					chunkId: h.chunkId,
					documentId: h.documentId,
					documentRef: h.documentRef,
					score: h.score,
					title: h.documentName,
					text: h.text
				})),
			tokenizer: new EstimateTokenizer(),
			tracer: new BasicTracer([sink]),
			clock: () => (clock += 10),
			onAnswer: (r) => svc.saveAnswer(r),
			now: () => 1000
		});
		await svc.recordSpans(sink.spans);
		const answers = (await svc.answerRunState(run.id)).answers;
		expect(answers.map((a) => a.caseId)).toEqual([q1!.id, q2!.id]);
		for (const a of answers) {
			const root = (await svc.traceSpans(a.traceId!)).find((s) => s.spanId === a.spanId)!;
			expect(root).toMatchObject({ name: 'rag.answer', parentSpanId: null, attributes: { 'assay.trace.kind': 'eval_case' } });
		}

		// Judge: faithfulness of case 1 is 2 on the first grading (call 2 of that question), 5 otherwise.
		const judgeServer = await startFakeJudge([q1!.query, q2!.query], (question, n) => (question === q1!.query && n === 2 ? 2 : 5));
		try {
			const judge = new OpenAiChatModel({ baseUrl: judgeServer.baseUrl, model: 'fake-judge' });
			const settings: GradingSettings = {
				...defaultGrading({ provider: judge.provider, modelId: judge.modelId, baseUrl: judgeServer.baseUrl }),
				rubrics: ['correctness', 'faithfulness'],
				checks: [
					{ id: 'citations-present', type: 'citations-present' },
					{ id: 'length', type: 'length', maxChars: 4000 }
				]
			};
			expect(await grade(svc, run.id, settings, judge, 2000)).toMatchObject({ graded: 2, cancelled: false });
			expect(judgeServer.requests()).toBe(4);

			const spanOf = async (a: AnswerRecord) => (await svc.traceSpans(a.traceId!)).find((s) => s.spanId === a.spanId)!;
			const [a1, a2] = answers;
			expect(scores(latestEvaluations(await spanOf(a1!)))).toEqual([
				['check.citations-present', 1, 'pass', '1 citation marker(s)', 2000],
				['check.length', 1, 'pass', '8 characters, within limits.', 2000],
				['judge.correctness', 5, 'pass', 'scripted 5', 2000],
				['judge.faithfulness', 2, 'fail', 'scripted 2', 2000]
			]);
			const reason2 = (await svc.answerRunState(run.id)).answers[1]!.checks[0]!.reason;
			expect(reason2).not.toBe('');
			expect(scores(latestEvaluations(await spanOf(a2!))).slice(0, 1)).toEqual([['check.citations-present', 0, 'fail', reason2, 2000]]);
			// The chat span of the case carries no scores: they are on the span they score.
			const chat = (await svc.traceSpans(a1!.traceId!)).find((s) => s.parentSpanId === a1!.spanId)!;
			expect(chat.events.filter((e) => e.name === 'gen_ai.evaluation.result')).toEqual([]);

			const signals = (spans: Awaited<ReturnType<typeof svc.allSpans>>, traceId: string) =>
				classifyFailures(spans)
					.find((f) => f.traceId === traceId)
					?.signals.map((s) => [s.reason, s.spanId, s.summary]) ?? [];
			expect(signals(await svc.allSpans(), a1!.traceId!)).toEqual([['judge', a1!.spanId, 'judge.faithfulness = 2 (fail)']]);
			expect(signals(await svc.allSpans(), a2!.traceId!)).toEqual([['check', a2!.spanId, 'check.citations-present = 0 (fail)']]);

			// Regrade (the judge now gives 5): newer events are appended, the earlier ones kept, and the failure is gone.
			expect(await grade(svc, run.id, settings, judge, 3000)).toMatchObject({ graded: 2, cancelled: false });
			const regraded = await spanOf(a1!);
			expect(regraded.events.filter((e) => e.name === 'gen_ai.evaluation.result')).toHaveLength(8);
			expect(latestEvaluations(regraded).find((e) => e.name === 'judge.faithfulness')).toMatchObject({
				value: 5,
				label: 'pass',
				timeMs: 3000
			});
			expect(signals(await svc.allSpans(), a1!.traceId!)).toEqual([]);
			expect(signals(await svc.allSpans(), a2!.traceId!)).toEqual([['check', a2!.spanId, 'check.citations-present = 0 (fail)']]);

			// A person fails case 1: a human.correctness event on the same span, listed as feedback.
			await recordAnswerEvaluations(svc, a1!, [reviewEvent({ kind: 'score', score: 2, notes: 'misses the point' }, 4, 4000)!]);
			expect(latestEvaluations(await spanOf(a1!)).at(-1)).toMatchObject({
				name: 'human.correctness',
				value: 2,
				label: 'fail',
				explanation: 'misses the point'
			});
			expect(signals(await svc.allSpans(), a1!.traceId!)).toEqual([['feedback', a1!.spanId, 'human.correctness = 2 (fail)']]);
		} finally {
			await judgeServer.stop();
		}
	});

	it('keeps loading answers stored without trace ids, and a pruned trace refuses scores with NOT_FOUND', async () => {
		const { svc, workspaceId, goldenSet } = await answerWorkspace(1);
		const run = await svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: answerConfig('old', 'old') });
		const c = run.cases[0]!;
		const old: AnswerRecord = {
			runId: run.id,
			caseId: c.id,
			query: c.query,
			text: 'Old answer [1].',
			finishReason: 'stop',
			error: null,
			messages: [],
			sources: [],
			retrieved: [],
			citations: { cited: [1], invalid: [] },
			tokens: { input: null, output: null, promptTokensEstimate: 3 },
			timings: { retrievalMs: 1, ttftMs: null, tpotMs: null, totalMs: 2 },
			checks: [],
			verdicts: {},
			review: null,
			createdAtMs: 1
		};
		await svc.saveAnswer(old);
		const [loaded] = (await svc.answerRunState(run.id)).answers;
		expect(loaded).toEqual(old);
		expect(await recordAnswerEvaluations(svc, loaded!, [reviewEvent({ kind: 'pass-fail', pass: true, notes: '' }, 4, 5)!])).toBe(0);
		await expect(
			recordAnswerEvaluations(svc, { traceId: 'e'.repeat(32), spanId: 'f'.repeat(16) }, [
				reviewEvent({ kind: 'pass-fail', pass: true, notes: '' }, 4, 5)!
			])
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});
});

describe('the Answers page state puts its scores on the traces', () => {
	it('answers, grades, regrades and reviews with every score on the case’s rag.answer span', async () => {
		const { svc, workspaceId, goldenSet } = await answerWorkspace(2);
		const [q1, q2] = goldenSet.cases;
		const store = new Map<string, string>();
		vi.stubGlobal('navigator', {});
		vi.stubGlobal('localStorage', {
			getItem: (k: string) => store.get(k) ?? null,
			setItem: (k: string, v: string) => void store.set(k, v),
			removeItem: (k: string) => void store.delete(k)
		});
		// Faithfulness of case 1 is 2 on the first grading, 5 on the regrade; everything else 5.
		const judgeServer = await startFakeJudge([q1!.query, q2!.query], (question, n) => (question === q1!.query && n === 2 ? 2 : 5));
		try {
			const app = {
				api: svc,
				workspaceId,
				workspaces: [],
				llm: { loaded: new ScriptedChatModel('in-browser', { tokens: ['See ', '[1].'] }) },
				profiles: {
					engineOf: (role: string) => (role === 'answer' ? 'webllm' : 'endpoint'),
					endpointFor: () => ({ ...DEFAULT_ENDPOINT, baseUrl: judgeServer.baseUrl, model: 'fake-judge' }),
					save: () => {}
				},
				jobs: { start: () => ({ progress: () => {}, finish: () => {} }) },
				models: { ensure: async () => {} }
			} as unknown as AppCore;
			const lab = new AnswerLab(app);
			lab.goldenSets = await svc.listGoldenSets(workspaceId);
			lab.goldenSetId = goldenSet.id;
			lab.judgeCache = false;
			lab.rubrics = ['correctness', 'faithfulness'];
			lab.checksText = JSON.stringify([{ id: 'citations-present', type: 'citations-present' }]);
			await lab.startRun();
			expect(lab.error).toBeNull();
			expect(lab.answers.map((a) => a.caseId)).toEqual([q1!.id, q2!.id]);
			const a1 = lab.answers[0]!;
			expect(a1.traceId).toMatch(/^[0-9a-f]{32}$/);
			const spanOf = async () => (await svc.traceSpans(a1.traceId!)).find((s) => s.spanId === a1.spanId)!;
			const judgeOf = async () =>
				classifyFailures(await svc.allSpans())
					.find((f) => f.traceId === a1.traceId)
					?.signals.map((s) => [s.reason, s.summary]) ?? [];

			await lab.grade();
			expect(lab.error).toBeNull();
			expect(lab.notice).toBe('Graded 2 answers.');
			expect(scores(latestEvaluations(await spanOf())).map(([name, value, label]) => [name, value, label])).toEqual([
				['check.citations-present', 1, 'pass'],
				['judge.correctness', 5, 'pass'],
				['judge.faithfulness', 2, 'fail']
			]);
			expect(await judgeOf()).toEqual([['judge', 'judge.faithfulness = 2 (fail)']]);

			await lab.grade();
			expect(lab.error).toBeNull();
			expect(judgeServer.requests()).toBe(8);
			expect(await judgeOf()).toEqual([]);

			await lab.review(q1!.id, { kind: 'pass-fail', pass: false, notes: 'wrong year' });
			expect(lab.error).toBeNull();
			expect(latestEvaluations(await spanOf()).at(-1)).toMatchObject({
				name: 'human.correctness',
				value: 0,
				label: 'fail',
				explanation: 'wrong year'
			});
			expect(await judgeOf()).toEqual([['feedback', 'human.correctness = 0 (fail)']]);

			// A pruned trace: the label is stored on the answer, and the page says it could not go on the trace.
			await svc.deleteTraces([a1.traceId!]);
			await lab.review(q1!.id, { kind: 'pass-fail', pass: true, notes: '' });
			expect(lab.error).toBeNull();
			expect(lab.notice).toMatch(/could not go on the answer’s trace/);
			expect((await svc.answerRunState(a1.runId)).answers[0]!.review).toMatchObject({ kind: 'pass-fail', pass: true });
		} finally {
			vi.unstubAllGlobals();
			await judgeServer.stop();
		}
	});
});
