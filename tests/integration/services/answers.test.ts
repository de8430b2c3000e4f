import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../../src/lib/services/eval-service.ts';
import { createAnswerService } from '../../../src/lib/services/answer-service.ts';
import { runAnswerCases, type RetrievedSource } from '../../../src/lib/evals/answers/run.ts';
import { defaultGrading, gradeAnswers } from '../../../src/lib/evals/answers/grade.ts';
import type { AnswerRunConfig } from '../../../src/lib/evals/answers/types.ts';
import { DEFAULT_SYSTEM_PROMPT, EstimateTokenizer, ScriptedChatModel } from '../../../src/lib/generation/index.ts';
import { BasicTracer } from '../../../src/lib/tracing/index.ts';
import { runGate } from '../../../src/lib/evals/gate/index.ts';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/evals/stemming/${name}`, import.meta.url), 'utf8');
const schema = JSON.parse(readFileSync(new URL('../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object;
const environment = { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null };

async function workspace() {
	const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory() });
	const svc = combineApis(api, createEvalService(api, internals), createAnswerService(api, internals));
	const imported = await svc.importBeirFolder({ name: 'stemming', corpus: new Blob([fixture('corpus.jsonl')]), corpusGzipped: false, queries: new Blob([fixture('queries.jsonl')]), qrels: new Blob([fixture('qrels.tsv')]), analyzer: 'english' });
	// Five cases with reference answers, so correctness can be judged.
	const cases = imported.goldenSet.cases.slice(0, 5).map((c) => ({ ...c, reference: `reference for ${c.id}` }));
	const gs = await svc.saveGoldenSet(imported.workspace.id, null, 'five', cases);
	return { svc, workspaceId: imported.workspace.id, goldenSet: gs };
}

const config = (label: string, modelId: string): AnswerRunConfig => ({ label, mode: 'lexical', topK: 5, model: { provider: 'scripted', modelId }, prompt: { spec: DEFAULT_SYSTEM_PROMPT, fewShot: [] }, contextWindowTokens: 4096, maxTokens: 256, temperature: 0, seed: 42 });

async function answer(svc: Awaited<ReturnType<typeof workspace>>['svc'], runId: string, model: ScriptedChatModel, signal?: AbortSignal) {
	const state = await svc.answerRunState(runId);
	let clock = 0;
	return runAnswerCases({
		run: state.run,
		cases: state.pending,
		model,
		retrieve: async (q): Promise<RetrievedSource[]> => (await svc.search({ workspaceId: state.run.workspaceId, query: q, topK: 5, mode: 'lexical' })).hits.map((h) => ({ chunkId: h.chunkId, documentId: h.documentId, documentRef: h.documentRef, score: h.score, title: h.documentName, text: h.text })),
		tokenizer: new EstimateTokenizer(),
		tracer: new BasicTracer([]),
		clock: () => (clock += 10),
		...(signal ? { signal } : {}),
		onAnswer: (r) => svc.saveAnswer(r)
	});
}

describe('answer service', () => {
	it('stores one answer per case as it arrives, so a stopped run resumes with only the cases left', async () => {
		const { svc, workspaceId, goldenSet } = await workspace();
		const run = await svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: config('good', 'good') });
		expect(run.caseIds).toEqual(goldenSet.cases.map((c) => c.id));
		const abort = new AbortController();
		let calls = 0;
		const stopping = new ScriptedChatModel('good', () => {
			if (++calls === 3) abort.abort();
			return { tokens: ['See ', '[1].'] };
		});
		const first = await answer(svc, run.id, stopping, abort.signal);
		expect(first).toEqual({ answered: 2, cancelled: true });
		const halfway = await svc.answerRunState(run.id);
		expect(halfway.answers.map((a) => a.caseId)).toEqual(run.caseIds.slice(0, 2));
		expect(halfway.pending.map((c) => c.id)).toEqual(run.caseIds.slice(2));
		expect(halfway.answers[0]!.sources.length).toBeGreaterThan(0);
		expect(halfway.answers[0]!.retrieved[0]!.documentRef).toMatch(/^\S+$/);

		const rest = await answer(svc, run.id, new ScriptedChatModel('good', { tokens: ['See ', '[1].'] }));
		expect(rest).toEqual({ answered: 3, cancelled: false });
		expect((await svc.answerRunState(run.id)).pending).toEqual([]);
	});

	it('builds a v2 report with retrieval metrics from the answers’ chunks and judge metrics, stored with the eval reports and gateable', async () => {
		const { svc, workspaceId, goldenSet } = await workspace();
		const validator = new CfworkerSchemaValidator();
		const reports = [];
		for (const [label, score] of [['baseline', 5], ['candidate', 1]] as const) {
			const run = await svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: config(label, label) });
			await answer(svc, run.id, new ScriptedChatModel(label, { tokens: ['Answer ', '[1].'] }));
			const settings = defaultGrading({ provider: 'scripted', modelId: 'judge' });
			await svc.updateAnswerRun(run.id, { status: 'complete', grading: settings });
			const judge = new ScriptedChatModel('judge', { tokens: [JSON.stringify({ score, reason: 'scripted' })] });
			await gradeAnswers({ answers: (await svc.answerRunState(run.id)).answers, settings, model: judge, validator, onGraded: (r) => svc.saveAnswer(r) });
			reports.push(await svc.saveAnswerReport({ runId: run.id, appVersion: '0.0.0-test', environment }));
		}
		const [baseline, candidate] = reports as [(typeof reports)[number], (typeof reports)[number]];
		const ajv = new Ajv({ allErrors: true, strict: false });
		expect(ajv.validate(schema, baseline), JSON.stringify(ajv.errors)).toBe(true);
		expect(baseline.schema).toBe('assay.eval-report/v2');
		expect(baseline.dataset.contentHash).toBe(candidate.dataset.contentHash);
		expect(baseline.metrics.aggregate['judge.correctness']!.mean).toBe(5);
		expect(baseline.perQuery[0]!.metrics['ndcg@10']).toBeGreaterThanOrEqual(0);
		expect(baseline.answers!.perCase).toHaveLength(5);
		expect((await svc.listEvalReports(workspaceId)).map((r) => r.id).sort()).toEqual([baseline.id, candidate.id].sort());
		// Five cases, all 4 points worse: the exact sign-flip p-value is 2/32 = 0.0625, not below α = 0.05 —
		// so the gate holds unless the rule waives significance.
		const lenient = runGate(baseline, candidate, { metrics: { 'judge.correctness': { maxAbsoluteDrop: 0.5 } }, alpha: 0.05, seed: 42, permutations: 2000 });
		expect(lenient.verdict).toBe('PASS');
		expect(lenient.metrics[0]!.absoluteDrop).toBe(4);
		const strict = runGate(baseline, candidate, { metrics: { 'judge.correctness': { maxAbsoluteDrop: 0.5, requireSignificance: false } }, alpha: 0.05, seed: 42, permutations: 2000 });
		expect(strict.verdict).toBe('FAIL');
	});

	it('deletes a run with its answers and refuses answers for unknown runs or cases', async () => {
		const { svc, workspaceId, goldenSet } = await workspace();
		const run = await svc.startAnswerRun({ workspaceId, goldenSetId: goldenSet.id, config: config('x', 'x') });
		await answer(svc, run.id, new ScriptedChatModel('x', { tokens: ['a'] }));
		const one = (await svc.answerRunState(run.id)).answers[0]!;
		await expect(svc.saveAnswer({ ...one, caseId: 'not-a-case' })).rejects.toMatchObject({ code: 'DATASET_INVALID' });
		await svc.deleteAnswerRun(run.id);
		expect(await svc.listAnswerRuns(workspaceId)).toEqual([]);
		await expect(svc.answerRunState(run.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
		await expect(svc.saveAnswer(one)).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});
});
