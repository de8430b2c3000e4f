import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICE_TABLE } from '../../../src/lib/cost/index.ts';
import { buildAnswerReport } from '../../../src/lib/evals/answers/report.ts';
import { parseEvalReport } from '../../../src/lib/evals/report/build.ts';
import type { EvalReport } from '../../../src/lib/evals/report/types.ts';
import { reportView } from '../../../src/lib/app/answer-report-view.ts';
import { cases, check, makeAnswer, makeRun, verdict } from '../evals/answers/fixtures.ts';

async function report(): Promise<EvalReport> {
	const answers = [
		makeAnswer('q1', {
			checks: [check('a', true), check('b', false)],
			verdicts: { correctness: verdict(5), faithfulness: verdict(4, 'faithfulness') }
		}),
		makeAnswer('q2', { checks: [check('a', true)], verdicts: { correctness: verdict('JUDGE_OUTPUT_INVALID') } }),
		makeAnswer('q3', {
			error: { name: 'AssayError', code: 'SYSTEM_REQUEST_FAILED', message: 'HTTP 500 from the system' },
			finishReason: null,
			text: ''
		})
	];
	const built = await buildAnswerReport({
		id: 'rep-1',
		run: makeRun(),
		answers,
		goldenSet: { id: 'g1', name: 'kites', cases },
		corpus: { workspaceName: 'w', documents: 3, chunks: 5, contentHash: 'c'.repeat(64) },
		analyzer: { name: 'english', fingerprint: 'f' },
		bm25: { k1: 1.2, b: 0.75 },
		chunking: { mode: 'recursive', chunkSizeChars: 800, chunkOverlapChars: 100 },
		embeddingModel: null,
		appVersion: '0.1.0',
		createdAtMs: Date.UTC(2026, 11, 1),
		environment: { userAgent: 'test', gpuAdapter: null, hardwareConcurrency: 4 }
	});
	return parseEvalReport(JSON.parse(JSON.stringify(built)));
}

describe('the view of an opened CLI report', () => {
	it('shows every case with its answer or error, checks and verdicts (typed errors as codes, never scores), and the metrics by name', async () => {
		const view = reportView(await report());
		expect(view.title).toBe('lexical + v3');
		expect(view.dataset).toEqual({ name: 'kites', cases: 3, evaluated: 3, synthetic: 0 });
		expect(view.cases.map((c) => c.id)).toEqual(['q1', 'q2', 'q3']);
		const [q1, q2, q3] = view.cases;
		expect(q1!.answer).toBe(makeAnswer('q1').text);
		expect(q1!.checks.map((c) => [c.id, c.pass])).toEqual([
			['a', true],
			['b', false]
		]);
		expect(q1!.verdicts.map((v) => [v.rubric, v.score, v.error])).toEqual([
			['correctness', 5, null],
			['faithfulness', 4, null]
		]);
		expect(q2!.verdicts).toMatchObject([{ rubric: 'correctness', score: null, error: 'JUDGE_OUTPUT_INVALID' }]);
		expect(q3).toMatchObject({ answer: null, error: { code: 'SYSTEM_REQUEST_FAILED', message: 'HTTP 500 from the system' } });
		expect(view.metrics.map((m) => m.name)).toEqual([...view.metrics.map((m) => m.name)].sort());
		expect(view.metrics.find((m) => m.name === 'judge.correctness')!.mean).toBe(5);
		expect(view.answersSummary).toEqual({ answered: 2, failed: 1, graded: 2 });
		// The fixture run's model is scripted (in-browser): no price, the reason instead.
		expect(view.cost).toEqual({
			totalUsd: null,
			priced: 0,
			unpriced: 3,
			reasons: ['in-browser model: time only'],
			asOf: DEFAULT_PRICE_TABLE.asOf
		});
		expect([view.system, view.cache, view.repeats, view.errors, view.incomplete, view.contextMatching]).toEqual([
			null,
			null,
			null,
			null,
			null,
			null
		]);
	});

	it('shows the system, cache hits, errors by code, context matching, an incomplete run and repeats with flaky cases', async () => {
		const base = await report();
		const view = reportView({
			...base,
			system: {
				type: 'http',
				label: 'support bot',
				details: { method: 'POST', url: 'http://127.0.0.1:8080/answer', headerNames: ['authorization'] }
			},
			cache: { hits: 2, requests: 1 },
			errors: { count: 1, byCode: { SYSTEM_REQUEST_FAILED: 1 } },
			contextMatching: { given: 2, matched: 1, unmatched: 1, ambiguous: 0 },
			incomplete: { reason: 'connection refused', code: 'SYSTEM_UNREACHABLE', notRun: 4 },
			repeats: {
				n: 3,
				flakyCaseIds: ['q2'],
				perCase: [
					{ caseId: 'q1', consistency: 1, flipped: false, verdicts: ['pass', 'pass', 'pass'], spread: {} },
					{ caseId: 'q2', consistency: 2 / 3, flipped: true, verdicts: ['pass', 'fail', 'pass'], spread: {} }
				]
			}
		});
		expect(view.system).toEqual({
			type: 'http',
			label: 'support bot',
			details: [
				['method', 'POST'],
				['url', 'http://127.0.0.1:8080/answer'],
				['headerNames', '["authorization"]']
			]
		});
		expect(view.cache).toEqual({ hits: 2, requests: 1 });
		expect(view.contextMatching).toEqual({ given: 2, matched: 1, unmatched: 1, ambiguous: 0 });
		expect(view.errors).toEqual({ count: 1, byCode: [['SYSTEM_REQUEST_FAILED', 1]] });
		expect(view.incomplete).toEqual({ reason: 'connection refused', code: 'SYSTEM_UNREACHABLE', notRun: 4 });
		expect(view.repeats).toEqual({ n: 3, flakyCaseIds: ['q2'] });
		expect(view.cases.map((c) => [c.id, c.consistency, c.flaky])).toEqual([
			['q1', 1, false],
			['q2', 2 / 3, true],
			['q3', null, false]
		]);
	});
});

describe('cost in an answer report', () => {
	it('prices each answer of an API model with the given table and totals them exactly', async () => {
		const run = { ...makeRun(), config: { ...makeRun().config, model: { provider: 'openai-compatible', modelId: 'gpt-4o-mini' } } };
		const built = await buildAnswerReport({
			id: 'rep-2',
			run,
			answers: [makeAnswer('q1'), makeAnswer('q2'), makeAnswer('q3', { tokens: { input: null, output: null, promptTokensEstimate: 9 } })],
			goldenSet: { id: 'g1', name: 'kites', cases },
			corpus: { workspaceName: 'w', documents: 3, chunks: 5, contentHash: 'c'.repeat(64) },
			analyzer: { name: 'english', fingerprint: 'f' },
			bm25: { k1: 1.2, b: 0.75 },
			chunking: { mode: 'recursive', chunkSizeChars: 800, chunkOverlapChars: 100 },
			embeddingModel: null,
			appVersion: '0.1.0',
			createdAtMs: Date.UTC(2026, 11, 1),
			environment: { userAgent: 'test', gpuAdapter: null, hardwareConcurrency: 4 }
		});
		const parsed = parseEvalReport(JSON.parse(JSON.stringify(built)));
		// 100 × $0.15 + 4 × $0.60 per MTok = 17.4 µ$ an answer.
		expect(parsed.answers?.perCase.map((c) => c.costUsd)).toEqual([0.0000174, 0.0000174, null]);
		expect(parsed.answers?.cost).toMatchObject({ totalUsd: 0.0000348, pricedCases: 2, unpricedCases: 1, priceMatch: 'gpt-4o-mini*' });
		expect(reportView(parsed).cost).toMatchObject({ totalUsd: 0.0000348, reasons: ['no token counts reported'] });
	});
});
