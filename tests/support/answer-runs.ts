/**
 * Answer runs in Node for integration tests: a stemming BEIR workspace on fake-indexeddb with
 * the library, eval and answer services, a golden set of `caseCount` cases with reference
 * answers, and helpers that answer and grade a run with scripted chat models.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { createLibraryServiceWithInternals } from '../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../src/lib/services/eval-service.ts';
import { createAnswerService } from '../../src/lib/services/answer-service.ts';
import { runAnswerCases, type RetrievedSource } from '../../src/lib/evals/answers/run.ts';
import { defaultGrading, gradeAnswers } from '../../src/lib/evals/answers/grade.ts';
import type { AnswerRunConfig } from '../../src/lib/evals/answers/types.ts';
import { DEFAULT_SYSTEM_PROMPT, EstimateTokenizer, ScriptedChatModel } from '../../src/lib/generation/index.ts';
import { BasicTracer } from '../../src/lib/tracing/index.ts';
import { CfworkerSchemaValidator } from '../../src/lib/adapters/json-schema-validator.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/evals/stemming/${name}`, import.meta.url), 'utf8');
export const TEST_ENVIRONMENT = { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null };

/** A workspace with a golden set of the first `caseCount` stemming cases, each given a reference answer. */
export async function answerWorkspace(caseCount = 5) {
	const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory() });
	const svc = combineApis(api, createEvalService(api, internals), createAnswerService(api, internals));
	const imported = await svc.importBeirFolder({
		name: 'stemming',
		corpus: new Blob([fixture('corpus.jsonl')]),
		corpusGzipped: false,
		queries: new Blob([fixture('queries.jsonl')]),
		qrels: new Blob([fixture('qrels.tsv')]),
		analyzer: 'english'
	});
	const cases = imported.goldenSet.cases.slice(0, caseCount).map((c) => ({ ...c, reference: `reference for ${c.id}` }));
	const goldenSet = await svc.saveGoldenSet(imported.workspace.id, null, `${caseCount} cases`, cases);
	return { svc, workspaceId: imported.workspace.id, goldenSet };
}

export type AnswerServices = Awaited<ReturnType<typeof answerWorkspace>>['svc'];

/** A lexical run configuration answered by the scripted model `modelId`. */
export function answerConfig(label: string, modelId: string): AnswerRunConfig {
	return {
		label,
		mode: 'lexical',
		topK: 5,
		model: { provider: 'scripted', modelId },
		prompt: { spec: DEFAULT_SYSTEM_PROMPT, fewShot: [] },
		contextWindowTokens: 4096,
		maxTokens: 256,
		temperature: 0,
		seed: 42
	};
}

/** Answer the run's pending cases with `model` (workspace search, a 10 ms-per-call fake clock). */
export async function answerPending(svc: AnswerServices, runId: string, model: ScriptedChatModel, signal?: AbortSignal) {
	const state = await svc.answerRunState(runId);
	let clock = 0;
	return runAnswerCases({
		run: state.run,
		cases: state.pending,
		model,
		retrieve: async (q): Promise<RetrievedSource[]> =>
			(await svc.search({ workspaceId: state.run.workspaceId, query: q, topK: 5, mode: 'lexical' })).hits.map((h) => ({
				chunkId: h.chunkId,
				documentId: h.documentId,
				documentRef: h.documentRef,
				score: h.score,
				title: h.documentName,
				text: h.text
			})),
		tokenizer: new EstimateTokenizer(),
		tracer: new BasicTracer([]),
		clock: () => (clock += 10),
		...(signal ? { signal } : {}),
		onAnswer: (r) => svc.saveAnswer(r)
	});
}

/** A complete run answered with citations and graded by a judge that gives every answer `score`; returns its stored v2 report. */
export async function gradedRunReport(svc: AnswerServices, workspaceId: string, goldenSetId: string, label: string, score: number) {
	const run = await svc.startAnswerRun({ workspaceId, goldenSetId, config: answerConfig(label, label) });
	await answerPending(svc, run.id, new ScriptedChatModel(label, { tokens: ['Answer ', '[1].'] }));
	const settings = defaultGrading({ provider: 'scripted', modelId: 'judge' });
	await svc.updateAnswerRun(run.id, { status: 'complete', grading: settings });
	const judge = new ScriptedChatModel('judge', { tokens: [JSON.stringify({ score, reason: 'scripted' })] });
	await gradeAnswers({
		answers: (await svc.answerRunState(run.id)).answers,
		settings,
		model: judge,
		validator: new CfworkerSchemaValidator(),
		onGraded: (r) => svc.saveAnswer(r)
	});
	return svc.saveAnswerReport({ runId: run.id, appVersion: '0.0.0-test', environment: TEST_ENVIRONMENT });
}
