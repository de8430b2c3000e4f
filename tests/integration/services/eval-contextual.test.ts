import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICE_TABLE, spanCost } from '../../../src/lib/cost/index.ts';
import { ScriptedChatModel } from '../../../src/lib/generation/scripted.ts';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../../src/lib/services/eval-service.ts';
import { createAnswerService } from '../../../src/lib/services/answer-service.ts';
import type { EvalRequest } from '../../../src/lib/services/eval-api.ts';
import { CONTEXTUAL_DEFAULTS, contextualizeChunks, contextualReport } from '../../../src/lib/search/contextual/index.ts';
import { MemoryRewriteCache } from '../../../src/lib/search/rewrite/index.ts';

const topics = (name: string) => readFileSync(new URL(`../../fixtures/datasets/topics/${name}`, import.meta.url), 'utf8');
const schema = JSON.parse(readFileSync(new URL('../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object;

async function topicsWorkspace() {
	const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory() });
	const svc = combineApis(api, createEvalService(api, internals), createAnswerService(api, internals));
	const imported = await svc.importBeirFolder({
		name: 'topics',
		corpus: new Blob([topics('corpus.jsonl')]),
		corpusGzipped: false,
		queries: new Blob([topics('queries.jsonl')]),
		qrels: new Blob([topics('qrels.tsv')]),
		analyzer: 'english'
	});
	return { svc, imported };
}

/** Contexts by chunk text: the puppy chunk is about a dog; the kitten chunk's reply is malformed (empty); others get a generic line. */
function contextModel() {
	return new ScriptedChatModel('scripted-context', (r) => {
		const chunk = /<chunk untrusted="true">\n([\s\S]*)\n<\/chunk>/.exec(r.messages.at(-1)!.content)![1]!;
		const reply = chunk.includes('puppy') ? 'A note about a pet dog.' : chunk.includes('kitten') ? '' : 'A short note.';
		return { tokens: [reply], usage: { inputTokens: 80, outputTokens: 6 } };
	});
}

const CHUNKING = { mode: 'none' } as const;

function request(workspaceId: string, goldenSetId: string, contextual: boolean): EvalRequest {
	return {
		workspaceId,
		goldenSetId,
		jobId: 'job',
		config: {
			label: contextual ? 'bm25 + contexts' : 'bm25',
			chunking: CHUNKING,
			bm25: { analyzer: 'english' },
			...(contextual ? { contextual: {} } : {})
		},
		appVersion: '0.0.0-test',
		environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null }
	};
}

describe('evaluations with contextual chunks', () => {
	it('indexes each chunk with its context for BM25, so "dog" finds the puppy document, and records generated, failed and tokens in a v2 report', async () => {
		const { svc, imported } = await topicsWorkspace();
		const chunks = await svc.contextualChunks(imported.workspace.id, CHUNKING);
		const summary = await contextualizeChunks(chunks, CONTEXTUAL_DEFAULTS, { model: contextModel(), cache: new MemoryRewriteCache() });
		const report = await svc.runEval({
			...request(imported.workspace.id, imported.goldenSet.id, true),
			contextual: { contexts: Object.fromEntries(summary.contexts), report: contextualReport(summary, DEFAULT_PRICE_TABLE) }
		});
		expect(report.retrieval.contextual).toMatchObject({
			model: 'scripted-context',
			promptVersion: 1,
			generated: chunks.length - 1,
			cached: 0,
			failed: 1,
			inputTokens: 80 * chunks.length
		});
		const plain = await svc.runEval(request(imported.workspace.id, imported.goldenSet.id, false));
		const dog = imported.goldenSet.cases.find((c) => c.query === 'dog')!;
		const score = (r: typeof report) => r.perQuery.find((q) => q.id === dog.id)?.metrics['ndcg@10'] ?? 0;
		expect(score(plain)).toBe(0);
		expect(score(report)).toBeGreaterThan(0);
		expect(plain.retrieval).not.toHaveProperty('contextual');
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
		expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
	});

	it('records the context calls as a chunk.context span under eval.run with their summed tokens, priced like any model call', async () => {
		const { svc, imported } = await topicsWorkspace();
		const report = {
			model: 'gpt-4o-mini',
			provider: 'openai-compatible',
			promptVersion: 1,
			generated: 12,
			cached: 3,
			failed: 1,
			calls: 13,
			inputTokens: 4000,
			outputTokens: 300,
			costUsd: null,
			costNote: null
		};
		await svc.runEval({ ...request(imported.workspace.id, imported.goldenSet.id, true), contextual: { contexts: {}, report } });
		const spans = await svc.recentSpans(100);
		const run = spans.find((s) => s.name === 'eval.run')!;
		const context = spans.find((s) => s.name === 'chunk.context')!;
		expect(context.parentSpanId).toBe(run.spanId);
		expect(context.attributes).toEqual({
			'gen_ai.operation.name': 'chat',
			'gen_ai.provider.name': 'openai-compatible',
			'gen_ai.request.model': 'gpt-4o-mini',
			'gen_ai.usage.input_tokens': 4000,
			'gen_ai.usage.output_tokens': 300,
			'assay.context.prompt_version': 1,
			'assay.context.generated': 12,
			'assay.context.cached': 3,
			'assay.context.failed': 1,
			'assay.context.calls': 13
		});
		expect(spanCost(context.attributes, DEFAULT_PRICE_TABLE)).toMatchObject({ ok: true, usd: (4000 * 0.15 + 300 * 0.6) / 1e6 });
		await svc.runEval(request(imported.workspace.id, imported.goldenSet.id, false));
		expect((await svc.recentSpans(100)).filter((s) => s.name === 'chunk.context')).toHaveLength(1);
	});

	it('explains a contextual configuration against the contexts its model stored: the puppy document scores for "dog" through its context, as in the run', async () => {
		const { svc, imported } = await topicsWorkspace();
		const ws = imported.workspace.id;
		const chunks = await svc.contextualChunks(ws, CHUNKING);
		const cache = { get: (k: string) => svc.getCachedResponse(k), put: (k: string, v: unknown) => svc.putCachedResponse(k, v) };
		const summary = await contextualizeChunks(chunks, CONTEXTUAL_DEFAULTS, { model: contextModel(), cache });
		const { config } = request(ws, imported.goldenSet.id, true);
		const report = await svc.runEval({
			...request(ws, imported.goldenSet.id, true),
			contextual: { contexts: Object.fromEntries(summary.contexts), report: contextualReport(summary, DEFAULT_PRICE_TABLE) }
		});
		const dog = report.perQuery.find((q) => q.query === 'dog')!;
		expect(dog.ranked[0]?.[0]).toBe('pets-1');
		const explained = await svc.explainResult({
			workspaceId: ws,
			config,
			query: 'dog',
			documentRef: 'pets-1',
			contextModel: 'scripted-context'
		});
		expect(explained.explanation.score).toBeCloseTo(dog.ranked[0]![1], 6);
		expect(explained.contextual).toEqual({ context: 'A note about a pet dog.', withContext: chunks.length - 1, chunks: chunks.length });
		expect(explained.chunkText).toBe('the puppy barked at the kennel and wagged its tail');
		expect(explained.explanation.terms.find((t) => t.term === 'dog')).toMatchObject({ tf: 1, df: 1 });

		const kitten = await svc.explainResult({
			workspaceId: ws,
			config,
			query: 'kitten',
			documentRef: 'pets-2',
			contextModel: 'scripted-context'
		});
		expect(kitten.contextual?.context).toBeNull();
		const plain = await svc.explainResult({
			workspaceId: ws,
			config: { ...config, contextual: undefined },
			query: 'dog',
			documentRef: 'pets-1'
		});
		expect(plain.explanation.score).toBe(0);
		expect(plain).not.toHaveProperty('contextual');
		const other = await svc.explainResult({ workspaceId: ws, config, query: 'dog', documentRef: 'pets-1', contextModel: 'another-model' });
		expect(other.contextual).toEqual({ context: null, withContext: 0, chunks: chunks.length });
	});

	it('lists each chunk with its document text and title, and a second pass over the same store generates nothing', async () => {
		const { svc, imported } = await topicsWorkspace();
		const chunks = await svc.contextualChunks(imported.workspace.id, CHUNKING);
		const puppy = chunks.find((c) => c.chunkText.includes('puppy'))!;
		expect(puppy.documentText).toBe(puppy.chunkText);
		const cache = new MemoryRewriteCache();
		await contextualizeChunks(chunks, CONTEXTUAL_DEFAULTS, { model: contextModel(), cache });
		const again = contextModel();
		const second = await contextualizeChunks(chunks, CONTEXTUAL_DEFAULTS, { model: again, cache });
		expect(second).toMatchObject({ generated: 0, cached: chunks.length - 1 });
		expect(again.requests).toHaveLength(1);
	});

	it('refuses a contextual configuration sent without its contexts, and a dense one without the embedding worker before embedding anything', async () => {
		const { svc, imported } = await topicsWorkspace();
		await expect(svc.runEval(request(imported.workspace.id, imported.goldenSet.id, true))).rejects.toThrow(/no contexts were written/);
		const dense = request(imported.workspace.id, imported.goldenSet.id, true);
		const contexts = {
			contexts: {},
			report: contextualReport(await contextualizeChunks([], CONTEXTUAL_DEFAULTS, { model: contextModel() }), DEFAULT_PRICE_TABLE)
		};
		await expect(svc.runEval({ ...dense, config: { ...dense.config, mode: 'dense' }, contextual: contexts })).rejects.toMatchObject({
			code: 'SEARCH_MODE_UNAVAILABLE'
		});
	});
});
