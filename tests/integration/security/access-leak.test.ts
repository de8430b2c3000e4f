/**
 * Access-list leak suite: a workspace holds a secret document (canary string in its text) that
 * only `alice` and the `finance` group may see. For the restricted principal `bob` every surface
 * that retrieves — search in every mode (and without a mode), "why not this one?", the eval
 * explain view, evaluations (report and TREC export), answer runs (prompt messages, stored
 * answers, report) and the stored traces — must return nothing of it. The owner sees it, so each
 * check can fail.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { TransformersReranker } from '../../../src/lib/adapters/transformers-reranker.ts';
import { loadVoyInNode } from '../../../src/lib/adapters/voy-node.ts';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../../src/lib/services/eval-service.ts';
import { createAnswerService } from '../../../src/lib/services/answer-service.ts';
import { answerRunRetriever, searchSources } from '../../../src/lib/services/retrieved-sources.ts';
import type { ImportFileInput } from '../../../src/lib/services/library-api.ts';
import { runAnswerCases } from '../../../src/lib/evals/answers/run.ts';
import type { AnswerRunConfig } from '../../../src/lib/evals/answers/types.ts';
import { reportToTrecRun } from '../../../src/lib/evals/report/index.ts';
import { DEFAULT_SYSTEM_PROMPT, EstimateTokenizer, ScriptedChatModel } from '../../../src/lib/generation/index.ts';
import { answerQuestion } from '../../../src/lib/rag/index.ts';
import { explainBest, RETRIEVAL_MODES } from '../../../src/lib/search/retrieval/index.ts';
import { BasicTracer, InMemorySpanSink } from '../../../src/lib/tracing/index.ts';
import { MODELS_DIR } from '../embedding/fixture-models.ts';

const CANARY = 'QX7CANARYVAULT';
const SECRET_PATH = 'vault/payroll-secret.txt';
const bob = { user: 'bob', groups: ['eng'] };
const ENV = { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null };
const MODELS = {
	models: { source: { kind: 'local' as const, path: MODELS_DIR }, device: 'wasm' as const },
	embedding: { modelId: 'static-embed', dtype: 'fp32' as const, batchSize: 4 },
	rerank: { enabled: true, modelId: 'static-reranker', dtype: 'fp32' as const }
};

const embedder = new TransformersEmbedder();
const reranker = new TransformersReranker();
afterAll(async () => {
	await embedder.dispose();
	await reranker.dispose();
});

function file(relativePath: string, body: string): ImportFileInput {
	return { file: new Blob([body]), name: relativePath.split('/').pop()!, relativePath };
}

// The secret shares every query word with the public documents, and more of them: unfiltered, it ranks first.
const QUERY = 'salary bank money payroll';
const DOCS = [
	file('public/pets.txt', 'the puppy barked at the kennel and wagged its tail'),
	file('public/finance.txt', 'stock prices fell and investors lost money at the bank'),
	file('public/salary.txt', 'salary is paid by the bank every month'),
	file(SECRET_PATH, `payroll salary bank money: the board pays ${CANARY} bonuses from the bank salary payroll money fund`)
];

let svc: ReturnType<
	typeof combineApis<
		ReturnType<typeof createLibraryServiceWithInternals>['api'],
		ReturnType<typeof createEvalService>,
		ReturnType<typeof createAnswerService>
	>
>;
let workspaceId = '';
let secretId = '';
let secretChunks: string[] = [];
let goldenSetId = '';
let chunking: Awaited<ReturnType<typeof svc.workspaceConfig>>['chunking'];
let bm25: Awaited<ReturnType<typeof svc.workspaceConfig>>['bm25'];

beforeAll(async () => {
	const { api, internals } = createLibraryServiceWithInternals({
		idbFactory: new IDBFactory(),
		embedder,
		reranker,
		voyLoader: loadVoyInNode
	});
	svc = combineApis(api, createEvalService(api, internals), createAnswerService(api, internals));
	const ws = await svc.createWorkspace('Leak', MODELS);
	workspaceId = ws.id;
	await svc.importFiles(ws.id, DOCS, 'import');
	await svc.embedWorkspace(ws.id, 'embed');
	const secret = (await svc.listDocuments(ws.id)).find((d) => d.relativePath === SECRET_PATH)!;
	secretId = secret.id;
	secretChunks = Array.from({ length: secret.chunkCount }, (_, i) => `${secret.id}#${i}`);
	await svc.setDocumentAccess(ws.id, secret.id, { users: ['alice'], groups: ['finance'] });
	const gs = await svc.saveGoldenSet(ws.id, null, 'leak', [
		{ id: 'q1', query: QUERY, relevant: [{ doc: 'public/salary.txt', grade: 1 }], tags: [] },
		{ id: 'q2', query: 'payroll bonuses fund', relevant: [{ doc: 'public/finance.txt', grade: 1 }], tags: [] }
	]);
	goldenSetId = gs.id;
	({ chunking, bm25 } = await svc.workspaceConfig(ws.id));
});

/** Nothing of the secret document in `value`: not its text, not its id or chunk ids, not its path. */
function expectNoSecret(value: unknown): void {
	const json = JSON.stringify(value);
	expect(json).not.toContain(CANARY);
	expect(json).not.toContain(secretId);
	expect(json).not.toContain(SECRET_PATH);
}

describe('a restricted principal sees nothing of a document outside its access list', () => {
	it('the owner and an allowed group do find the secret document (the suite can fail)', async () => {
		const owner = await svc.search({ workspaceId, query: QUERY, topK: 4 });
		expect(owner.hits[0]?.relativePath).toBe(SECRET_PATH);
		const finance = await svc.search({ workspaceId, query: QUERY, topK: 4, mode: 'hybrid', runAs: { user: 'carol', groups: ['finance'] } });
		expect(finance.hits.map((h) => h.relativePath)).toContain(SECRET_PATH);
	});

	it('search without a mode applies the access lists too (one entry point)', async () => {
		const response = await svc.search({ workspaceId, query: QUERY, topK: 4, runAs: bob });
		expect(response.hits.length).toBeGreaterThan(0);
		expectNoSecret(response);
	});

	it.each(RETRIEVAL_MODES)('search in %s mode returns no chunk, stage entry or text of it', async (mode) => {
		const response = await svc.search({ workspaceId, query: QUERY, topK: 4, mode, runAs: bob });
		expect(response.hits.length).toBeGreaterThan(0);
		expectNoSecret(response);
	});

	it('"why not this one?" finds the secret chunks in no stage', async () => {
		const response = await svc.search({ workspaceId, query: QUERY, topK: 4, mode: 'hybrid-rerank', runAs: bob });
		expect(explainBest(secretChunks, response.stages!)).toMatchObject({ lexical: null, dense: null, fused: null, rerank: null });
	});

	it('the eval explain view answers NOT_FOUND for it, as for a missing document', async () => {
		const request = { workspaceId, config: { label: 'x', chunking, bm25 }, query: QUERY, documentRef: SECRET_PATH };
		expect((await svc.explainResult(request)).chunkText).toContain(CANARY);
		await expect(svc.explainResult({ ...request, runAs: bob })).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});

	it.each(['lexical', 'hybrid-rerank'] as const)(
		'a %s evaluation run as the principal retrieves, counts and exports none of it',
		async (mode) => {
			const config = { label: `as bob ${mode}`, mode, topK: 3, depth: 10, chunking, bm25 };
			const asOwner = await svc.runEval({ workspaceId, goldenSetId, jobId: `owner-${mode}`, config, appVersion: 't', environment: ENV });
			expect(reportToTrecRun(asOwner)).toContain(SECRET_PATH);
			const report = await svc.runEval({
				workspaceId,
				goldenSetId,
				jobId: `bob-${mode}`,
				config,
				appVersion: 't',
				environment: ENV,
				runAs: bob
			});
			expect(report.retrieval.runAs).toEqual(bob);
			expect(report.corpus.documents).toBe(3);
			const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(
				JSON.parse(readFileSync(new URL('../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object
			);
			expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
			expectNoSecret(report);
			expectNoSecret(reportToTrecRun(report));
			expectNoSecret(await svc.listEvalReports(workspaceId).then((all) => all.filter((r) => r.retrieval.runAs)));
		}
	);

	it('an answer run as the principal puts none of it in a prompt, an answer or its report', async () => {
		const config: AnswerRunConfig = {
			label: 'as bob',
			mode: 'hybrid-rerank',
			topK: 4,
			model: { provider: 'scripted', modelId: 'm' },
			prompt: { spec: DEFAULT_SYSTEM_PROMPT, fewShot: [] },
			contextWindowTokens: 4096,
			maxTokens: 64,
			temperature: 0,
			seed: 1,
			runAs: bob
		};
		const run = await svc.startAnswerRun({ workspaceId, goldenSetId, config });
		const state = await svc.answerRunState(run.id);
		const model = new ScriptedChatModel('m', { tokens: ['Paid [1].'] });
		const sink = new InMemorySpanSink();
		let t = 0;
		await runAnswerCases({
			run: state.run,
			cases: state.pending,
			model,
			retrieve: answerRunRetriever((r) => svc.search(r), state.run),
			tokenizer: new EstimateTokenizer(),
			tracer: new BasicTracer([sink]),
			clock: () => (t += 1),
			onAnswer: (r) => svc.saveAnswer(r)
		});
		await svc.recordSpans(sink.spans);
		expect(model.requests).toHaveLength(2);
		expect(JSON.stringify(model.requests)).toContain('salary');
		expectNoSecret(model.requests);
		expectNoSecret((await svc.answerRunState(run.id)).answers);
		await svc.updateAnswerRun(run.id, { status: 'complete' });
		const report = await svc.saveAnswerReport({ runId: run.id, appVersion: 't', environment: ENV });
		expect(report.retrieval.runAs).toEqual(bob);
		expectNoSecret(report);
	});

	it('asking a question as the principal keeps it out of the prompt', async () => {
		const model = new ScriptedChatModel('m', { tokens: ['ok'] });
		await answerQuestion({
			model,
			tracer: new BasicTracer([]),
			clock: () => 0,
			spec: DEFAULT_SYSTEM_PROMPT,
			question: QUERY,
			contextWindowTokens: 4096,
			reserveOutputTokens: 64,
			tokenizer: new EstimateTokenizer(),
			temperature: 0,
			seed: 1,
			retrieve: (q) => searchSources((r) => svc.search(r), { workspaceId, query: q, topK: 4, mode: 'hybrid', runAs: bob }),
			onEvent: () => {}
		});
		expect(model.requests).toHaveLength(1);
		expectNoSecret(model.requests);
	});

	it('the stored traces of the principal’s work hold no text of it', async () => {
		// Searches run by the owner (no principal) or an allowed group keep their hits' texts (content
		// capture is on); every other trace — the principal's searches, answers and evaluations — has none.
		const spans = await svc.recentSpans(5000);
		const allowedSearch = new Set(
			spans
				.filter((s) => s.name === 'search' && s.parentSpanId === null && s.attributes['assay.search.run_as.user'] !== 'bob')
				.map((s) => s.traceId)
		);
		expect(JSON.stringify(spans.filter((s) => allowedSearch.has(s.traceId)))).toContain(CANARY);
		const rest = spans.filter((s) => !allowedSearch.has(s.traceId));
		expect(JSON.stringify(rest)).not.toContain(CANARY);
		// The principal's search traces name none of its chunks, its id or its path either.
		const bobSearches = new Set(rest.filter((s) => s.attributes['assay.search.run_as.user'] === 'bob').map((s) => s.traceId));
		expect(bobSearches.size).toBeGreaterThan(0);
		expectNoSecret(rest.filter((s) => bobSearches.has(s.traceId)));
	});
});
