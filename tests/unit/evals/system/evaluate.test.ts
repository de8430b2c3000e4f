import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../../src/lib/adapters/json-schema-validator.ts';
import { ScriptedChatModel } from '../../../../src/lib/generation/scripted.ts';
import { defaultGrading } from '../../../../src/lib/evals/answers/grade.ts';
import { MemoryResponseCache } from '../../../../src/lib/evals/system/cache.ts';
import { evaluateSystem, type EvaluateSystemInput } from '../../../../src/lib/evals/system/evaluate.ts';
import { FakeSystem, goldenCases } from './fake-system.ts';

const validator = new CfworkerSchemaValidator();
const settings = { ...defaultGrading({ provider: 'scripted', modelId: 'judge-1' }), rubrics: ['correctness' as const], checks: [] };
const answering = () =>
	new FakeSystem((c) => ({
		output: { answer: `About ${c.query} [1].`, contexts: [{ documentRef: `d${c.id.slice(1)}`, text: 'passage' }] }
	}));

function input(system: FakeSystem, judge: ScriptedChatModel, over: Partial<EvaluateSystemInput> = {}): EvaluateSystemInput {
	return {
		id: 'rep',
		runId: 'run',
		system,
		goldenSet: { id: 'g', name: 'set', cases: goldenCases(3) },
		clock: system.clock,
		grading: { settings, model: judge, validator },
		now: () => Date.UTC(2026, 11, 1),
		report: { appVersion: 'test', environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null } },
		...over
	};
}

const judge = (score = 5) => new ScriptedChatModel('judge-1', { tokens: [JSON.stringify({ score, reason: 'ok' })] }, async () => {});

describe('evaluateSystem', () => {
	it('answers, grades and reports; a second run with the cache sends 0 system and 0 judge requests', async () => {
		const cache = new MemoryResponseCache();
		const phases: string[] = [];
		const first = await evaluateSystem(
			input(answering(), judge(), { cache, repeats: 2, onProgress: (phase, done, total) => void phases.push(`${phase} ${done}/${total}`) })
		);
		expect(first.report.status).toBe('complete');
		expect(first.report.cache).toEqual({ hits: 0, requests: 12 });
		expect(first.report.metrics.aggregate['judge.correctness']).toEqual({ mean: 5, answerableMean: 5 });
		expect(first.report.metrics.aggregate.consistency).toEqual({ mean: 1, answerableMean: 1 });
		expect(phases.at(5)).toBe('answer 6/6');
		expect(phases.at(-1)).toBe('grade 6/6');
		const system = answering();
		const judgeAgain = judge(1);
		const second = await evaluateSystem(input(system, judgeAgain, { cache, repeats: 2 }));
		expect([system.requests.length, judgeAgain.requests.length]).toEqual([0, 0]);
		expect(second.report.cache).toEqual({ hits: 12, requests: 0 });
		expect(second.report.metrics.aggregate).toEqual(first.report.metrics.aggregate);
	});

	it('does not grade a run stopped by an unreachable system, and reports it incomplete', async () => {
		const system = new FakeSystem(() => ({ error: 'SYSTEM_UNREACHABLE' }));
		const j = judge();
		const { report } = await evaluateSystem(input(system, j, { concurrency: 1 }));
		expect(j.requests).toHaveLength(0);
		expect(report).toMatchObject({ status: 'incomplete', incomplete: { code: 'SYSTEM_UNREACHABLE', notRun: 2 } });
	});

	it('stops grading when the judge is unreachable and reports the run incomplete', async () => {
		const dead = new ScriptedChatModel(
			'judge-1',
			{ tokens: [], error: { name: 'AssayError', code: 'SYSTEM_UNREACHABLE', message: 'judge down after 3 tries' } },
			async () => {}
		);
		const { report } = await evaluateSystem(input(answering(), dead));
		expect(dead.requests).toHaveLength(1);
		expect(report).toMatchObject({
			status: 'incomplete',
			incomplete: { reason: 'judge down after 3 tries', code: 'SYSTEM_UNREACHABLE', notRun: 3 }
		});
	});

	it('stops grading when the OpenAI-compatible judge gave up after every retry (LLM_REQUEST_FAILED, retries exhausted), but not on a judge that answered an HTTP error', async () => {
		const exhausted = new ScriptedChatModel(
			'judge-1',
			{
				tokens: [],
				error: {
					name: 'AssayError',
					code: 'LLM_REQUEST_FAILED',
					message: 'judge gave up after 5 attempts',
					details: { retryExhausted: true, attempts: 5, lastStatus: 503 }
				}
			},
			async () => {}
		);
		const stopped = await evaluateSystem(input(answering(), exhausted));
		expect(stopped.report).toMatchObject({ status: 'incomplete', incomplete: { code: 'LLM_REQUEST_FAILED', notRun: 3 } });
		const refused = new ScriptedChatModel(
			'judge-1',
			{ tokens: [], error: { name: 'AssayError', code: 'LLM_REQUEST_FAILED', message: 'HTTP 400: bad request', details: { status: 400 } } },
			async () => {}
		);
		const graded = await evaluateSystem(input(answering(), refused));
		expect(graded.report.status).toBe('complete');
		expect(refused.requests).toHaveLength(3);
	});

	it('applies prepareOutput to each output before it is scored (e.g. text-only contexts matched to documents)', async () => {
		const textOnly = new FakeSystem((c) => ({ output: { answer: 'A [1].', contexts: [{ text: `passage ${c.id}` }] } }));
		const { report } = await evaluateSystem(
			input(textOnly, judge(), {
				grading: null,
				prepareOutput: (c, out) => ({ ...out, contexts: out.contexts.map((x) => ({ ...x, documentRef: `d${c.id.slice(1)}` })) })
			})
		);
		expect(report.metrics.aggregate['recall@1']).toEqual({ mean: 1, answerableMean: 1 });
	});

	it('matches text-only contexts to the corpus, reports the counts, and adds the context rubrics for what stays text only', async () => {
		const corpus = [
			{ ref: 'd1', text: 'Kites fly in the wind. They need string.' },
			{ ref: 'd2', text: 'Birds sing at dawn.' }
		];
		const sys = new FakeSystem((c) => ({
			output: {
				answer: 'A [1].',
				contexts:
					c.id === 'c3'
						? [{ text: 'Nothing like the corpus at all.' }]
						: [{ text: c.id === 'c1' ? 'kites fly in the wind.' : 'Birds sing at dawn.' }]
			}
		}));
		const j = judge(5);
		const { report } = await evaluateSystem(input(sys, j, { corpus }));
		expect(report.contextMatching).toEqual({ given: 0, matched: 2, unmatched: 1, ambiguous: 0 });
		expect(report.perQuery.map((q) => [q.id, q.ranked])).toEqual([
			['c1', [['d1', 1]]],
			['c2', [['d2', 1]]],
			['c3', []]
		]);
		expect(report.answers!.grading!.rubrics).toEqual(['correctness', 'context-precision', 'context-recall']);
		expect(report.metrics.aggregate['judge.context-recall']).toEqual({ mean: 5, answerableMean: 5 });
	});

	it('runs retrieval metrics and no judge when no grading is configured', async () => {
		const { report } = await evaluateSystem(input(answering(), judge(), { grading: null }));
		expect(report.answers!.grading).toBeNull();
		expect(report.metrics.aggregate['recall@1']).toEqual({ mean: 1, answerableMean: 1 });
		expect(Object.keys(report.metrics.aggregate).some((k) => k.startsWith('judge.'))).toBe(false);
	});
});
