import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildAnswerReport, type AnswerReportInput } from '../../../../src/lib/evals/answers/report.ts';
import type { AnswerRecord, AnswerRunRecord } from '../../../../src/lib/evals/answers/types.ts';
import type { GoldenCase } from '../../../../src/lib/evals/golden/types.ts';
import { parseEvalReport } from '../../../../src/lib/evals/report/build.ts';
import { compareReports } from '../../../../src/lib/evals/report/compare.ts';
import { summarisePairwise, type PairwiseOutcome } from '../../../../src/lib/evals/judge/pairwise.ts';
import { runGate } from '../../../../src/lib/evals/gate/index.ts';
import { summariseAnswerRun } from '../../../../src/lib/evals/answers/summary.ts';
import { cases, check, makeAnswer, makeRun, verdict } from './fixtures.ts';

const schema = JSON.parse(readFileSync(new URL('../../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);

function input(
	run: AnswerRunRecord,
	answers: AnswerRecord[],
	goldenCases: readonly GoldenCase[] = cases,
	over: Partial<AnswerReportInput> = {}
): AnswerReportInput {
	return {
		id: `rep-${run.id}`,
		run,
		answers,
		goldenSet: { id: 'g1', name: 'kites', cases: goldenCases },
		corpus: { workspaceName: 'w', documents: 3, chunks: 5, contentHash: 'c'.repeat(64) },
		analyzer: { name: 'english', fingerprint: 'f' },
		bm25: { k1: 1.2, b: 0.75 },
		chunking: { mode: 'recursive', chunkSizeChars: 800, chunkOverlapChars: 100 },
		embeddingModel: null,
		appVersion: '0.1.0',
		createdAtMs: Date.UTC(2026, 10, 29),
		environment: { userAgent: 'test', gpuAdapter: null, hardwareConcurrency: 4 },
		...over
	};
}

const graded = [
	makeAnswer('q1', {
		checks: [check('a', true), check('b', false)],
		verdicts: { correctness: verdict(5), faithfulness: verdict(4, 'faithfulness') },
		review: { kind: 'pass-fail', pass: true, notes: 'good', reviewedAtMs: 5 }
	}),
	makeAnswer('q2', {
		checks: [check('a', true), check('b', true)],
		verdicts: { correctness: verdict('JUDGE_OUTPUT_INVALID'), faithfulness: verdict(2, 'faithfulness') }
	}),
	makeAnswer('q3', { error: { name: 'AssayError', code: 'LLM_GENERATION_FAILED', message: 'x' }, finishReason: null, text: '' })
];

describe('buildAnswerReport', () => {
	it('writes a v2 report that parses and validates against schemas/eval-report.v2.schema.json', async () => {
		const report = await buildAnswerReport(input(makeRun({ grading: null }), graded));
		expect(report.schema).toBe('assay.eval-report/v2');
		expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
		expect(parseEvalReport(JSON.parse(JSON.stringify(report)))).toEqual(report);
		expect(report.answers).toMatchObject({
			runId: 'ar1',
			label: 'lexical + v3',
			model: { modelId: 'tiny-1b' },
			prompt: { version: 3, fewShot: 0 },
			mode: 'lexical',
			topK: 3,
			seed: 7,
			grading: null,
			pairwise: null
		});
		expect(report.retrieval).toMatchObject({ label: 'lexical + v3', mode: 'lexical', topK: 3 });
	});

	it("scores retrieval from each answer's retrieved chunks, a document ranked by its best chunk", async () => {
		const report = await buildAnswerReport(input(makeRun(), graded));
		const byId = new Map(report.perQuery.map((q) => [q.id, q]));
		expect(byId.get('q1')!.ranked).toEqual([
			['kites.md', 3],
			['birds.md', 2]
		]);
		expect(byId.get('q1')!.metrics.recip_rank).toBe(1);
		expect(byId.get('q2')!.metrics.recip_rank).toBe(0.5);
		expect(byId.get('q3')!.metrics['recall@3']).toBe(0);
		expect(report.metrics.aggregate.recip_rank!.mean).toBe(0.5);
	});

	it('leaves answer metrics out where the judge failed or nothing was graded, and averages only present values', async () => {
		const report = await buildAnswerReport(input(makeRun(), graded));
		const m = report.perQuery.map((q) => q.metrics);
		expect([m[0]!['judge.correctness'], m[0]!['judge.faithfulness'], m[0]!['checks.pass-rate']]).toEqual([5, 4, 0.5]);
		expect('judge.correctness' in m[1]!).toBe(false);
		expect(m[1]!['checks.pass-rate']).toBe(1);
		expect(Object.keys(m[2]!).some((k) => k.startsWith('judge.') || k.startsWith('checks.'))).toBe(false);
		expect(report.metrics.aggregate['judge.correctness']).toEqual({ mean: 5, answerableMean: 5 });
		expect(report.metrics.aggregate['judge.faithfulness']).toEqual({ mean: 3, answerableMean: 3 });
		expect(report.metrics.aggregate['checks.pass-rate']).toEqual({ mean: 0.75, answerableMean: 0.75 });
		expect(report.metrics.aggregate['judge.answer-relevancy']).toBeUndefined();
	});

	it('exports every answer with verdicts as ok/score or code/message, and the run summary', async () => {
		const report = await buildAnswerReport(
			input(
				makeRun({
					grading: {
						judge: { provider: 'scripted', modelId: 'j' },
						rubrics: ['correctness'],
						temperature: 0,
						seed: 42,
						maxTokens: 512,
						checks: [],
						passThreshold: 4
					}
				}),
				graded
			)
		);
		const [q1, q2, q3] = report.answers!.perCase;
		expect(q1!.verdicts.correctness!.verdict).toEqual({ ok: true, score: 5, reason: 'r', repaired: false });
		expect(q2!.verdicts.correctness!.verdict).toEqual({ ok: false, code: 'JUDGE_OUTPUT_INVALID', message: 'bad' });
		expect(q3).toMatchObject({ error: { code: 'LLM_GENERATION_FAILED' }, finishReason: null, reference: null });
		expect(q1!.sources).toEqual([{ n: 1, chunkId: 'c1', documentRef: 'kites.md', title: 'Kites' }]);
		expect(report.answers!.summary).toMatchObject({ answered: 2, failed: 1, agreement: { passFail: { n: 1, accuracy: 1 } } });
		// Validation strips unknown keys: the stored summary must be the whole summary, nothing lost.
		expect(report.answers!.summary).toEqual(summariseAnswerRun(graded, 4));
	});

	it('keeps a pairwise comparison with its summary, length bias and outcomes', async () => {
		const outcomes: PairwiseOutcome[] = [
			{ id: 'q1', forward: 'first', swapped: 'first', consistent: true, preferred: 'first', errors: [], attempts: 2 }
		];
		const pairwise = {
			otherRunId: 'ar2',
			otherLabel: 'dense',
			summary: summarisePairwise(outcomes),
			lengthBias: { n: 1, longerWinsRate: 1 },
			outcomes
		};
		const report = await buildAnswerReport(input(makeRun(), graded, cases, { pairwise }));
		expect(report.answers!.pairwise).toEqual(pairwise);
		expect(validate(JSON.parse(JSON.stringify(report)))).toBe(true);
	});

	it('is cancelled unless the run is complete', async () => {
		expect((await buildAnswerReport(input(makeRun({ status: 'running' }), graded))).status).toBe('cancelled');
	});

	it('resolves golden references against workspace documents as the retrieval evaluation does', async () => {
		const documents = [
			{ id: 'd1', name: 'kites.md', relativePath: 'kites.md' },
			{ id: 'd2', name: 'birds.md', relativePath: 'birds.md' }
		];
		const report = await buildAnswerReport(input(makeRun(), graded, cases, { documents }));
		expect(report.dataset.unmatchedReferences).toBe(1);
		expect(report.perQuery[2]!.relevant).toEqual([{ doc: 'wind.md', grade: 1, matched: false }]);
	});
});

/** A run over n cases whose correctness scores are `scores[i]`. */
async function scoredReport(id: string, scores: readonly (number | null)[]) {
	const ids = scores.map((_, i) => `c${i}`);
	const goldenCases: GoldenCase[] = ids.map((cid) => ({
		id: cid,
		query: `question ${cid}`,
		relevant: [{ doc: 'kites.md', grade: 1 }],
		reference: 'ref',
		tags: []
	}));
	const answers = ids.map((cid, i) =>
		makeAnswer(cid, {
			runId: id,
			query: `question ${cid}`,
			reference: 'ref',
			verdicts: { correctness: scores[i] === null ? verdict('JUDGE_OUTPUT_INVALID') : verdict(scores[i] as number) }
		})
	);
	return buildAnswerReport(input(makeRun({ id, caseIds: ids }), answers, goldenCases));
}

const gate = { metrics: { 'judge.correctness': { maxDrop: 0.5 } }, seed: 42 };

describe('answer reports in the regression gate and comparison', () => {
	it('PASSes a candidate whose correctness holds and FAILs one that drops on every case', async () => {
		const base = await scoredReport('base', [5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4]);
		const same = await scoredReport('same', [5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 5]);
		const worse = await scoredReport('worse', [3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2]);
		expect(runGate(base, same, gate).verdict).toBe('PASS');
		const fail = runGate(base, worse, gate);
		expect(fail.verdict).toBe('FAIL');
		expect(fail.metrics[0]).toMatchObject({ metric: 'judge.correctness', absoluteDrop: 2, significantlyWorse: true });
	});

	it('skips queries where the metric is missing on either side and says how many', async () => {
		const base = await scoredReport('base', [5, null, 4, 4]);
		const cand = await scoredReport('cand', [4, 4, null, 4]);
		const cmp = compareReports(base, cand, 'judge.correctness');
		expect(cmp.skippedQueries).toBe(2);
		expect(cmp.queries.map((q) => [q.id, q.difference])).toEqual([
			['c0', -1],
			['c3', 0]
		]);
	});

	it('refuses a comparison where no shared query has the metric on both sides', async () => {
		const base = await scoredReport('base', [5, null]);
		const cand = await scoredReport('cand', [null, 4]);
		expect(() => compareReports(base, cand, 'judge.correctness')).toThrow(/missing for every shared query/);
	});
});

describe('a report edited by hand', () => {
	it('is refused when a judge score leaves 1–5, a retrieval metric leaves 0–1, or a v1 report carries answers', async () => {
		const report = await buildAnswerReport(input(makeRun(), graded));
		const forged = structuredClone(report);
		forged.perQuery[0]!.metrics['judge.correctness'] = 1000;
		expect(() => parseEvalReport(forged)).toThrow(
			expect.objectContaining({
				code: 'DATASET_INVALID',
				message: expect.stringContaining('judge.correctness must lie in [1, 5], found 1000')
			})
		);
		const inflated = structuredClone(report);
		inflated.metrics.aggregate['ndcg@10'] = { mean: 1.5, answerableMean: 1.5 };
		expect(() => parseEvalReport(inflated)).toThrow(/ndcg@10 must lie in \[0, 1\]/);
		expect(() => parseEvalReport({ ...report, schema: 'assay.eval-report/v1' })).toThrow(/a v1 report has no answers section/);
	});
});

describe('gating answer reports', () => {
	it('counts the shared queries once and each metric over the queries that have it', async () => {
		const a = await buildAnswerReport(input(makeRun(), graded));
		const b = await buildAnswerReport(input(makeRun({ id: 'ar2' }), graded));
		const result = runGate(a, b, { metrics: { 'judge.correctness': { maxDrop: 0.5 }, 'ndcg@10': { maxDrop: 0.1 } } });
		expect(result.queryCount).toBe(a.perQuery.length);
		expect(result.metrics.map((m) => [m.metric, m.queryCount])).toEqual([
			['judge.correctness', 1],
			['ndcg@10', a.perQuery.length]
		]);
		expect(result.metrics[0]!.reason).toContain(`over the 1 of ${a.perQuery.length} queries with a value in both`);
	});
});
