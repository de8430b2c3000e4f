import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICE_TABLE } from '../../../src/lib/cost/index.ts';
import { ScriptedChatModel } from '../../../src/lib/generation/scripted.ts';
import type { ChatModel } from '../../../src/lib/generation/types.ts';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../../src/lib/services/eval-service.ts';
import type { EvalRequest } from '../../../src/lib/services/eval-api.ts';
import { MemoryRewriteCache, planQueries, rewriteReport, type RewriteConfig } from '../../../src/lib/search/rewrite/index.ts';

const topics = (name: string) => readFileSync(new URL(`../../fixtures/datasets/topics/${name}`, import.meta.url), 'utf8');
const schema = JSON.parse(readFileSync(new URL('../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object;

async function topicsWorkspace() {
	const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory() });
	const svc = combineApis(api, createEvalService(api, internals));
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

const KEYWORDS: Record<string, string> = { dog: '{"keywords": ["puppy", "kennel"]}' };

/** A priced endpoint model (gpt-4o-mini) played by a script: 100 input and 10 output tokens a call. */
function pricedModel(): ChatModel & { requests: unknown[] } {
	const scripted = new ScriptedChatModel('gpt-4o-mini', (r) => {
		const q = /<query untrusted="true">\n([\s\S]*)\n<\/query>/.exec(r.messages.at(-1)!.content)![1]!;
		return { tokens: [KEYWORDS[q] ?? '{"keywords": []}'], usage: { inputTokens: 100, outputTokens: 10 } };
	});
	return { modelId: 'gpt-4o-mini', provider: 'openai-compatible', requests: scripted.requests, stream: (r, s) => scripted.stream(r, s) };
}

function request(workspaceId: string, goldenSetId: string, rewrite?: RewriteConfig): EvalRequest {
	return {
		workspaceId,
		goldenSetId,
		jobId: 'job',
		config: {
			label: rewrite ? 'bm25 + expand' : 'bm25',
			chunking: { mode: 'none' },
			bm25: { analyzer: 'english' },
			...(rewrite ? { rewrite } : {})
		},
		appVersion: '0.0.0-test',
		environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null }
	};
}

describe('evaluations with query rewriting', () => {
	it('records the rewrite calls, tokens and cost in a report that validates against the v2 schema, and expansion finds the puppy document', async () => {
		const { svc, imported } = await topicsWorkspace();
		const config: RewriteConfig = { technique: 'expand', count: 3, maxTokens: 64 };
		const model = pricedModel();
		const queries = imported.goldenSet.cases.map((c) => c.query);
		const plans = await planQueries(queries, config, { model, cache: new MemoryRewriteCache() });
		const report = await svc.runEval({
			...request(imported.workspace.id, imported.goldenSet.id, config),
			rewrite: { plans, report: rewriteReport(config, model, Object.values(plans), DEFAULT_PRICE_TABLE) }
		});
		const n = new Set(queries).size;
		expect(report.retrieval.rewrite).toMatchObject({
			technique: 'expand',
			model: 'gpt-4o-mini',
			calls: n,
			inputTokens: 100 * n,
			outputTokens: 10 * n
		});
		// gpt-4o-mini: $0.15 / MTok input, $0.60 / MTok output (DEFAULT_PRICE_TABLE).
		expect(report.retrieval.rewrite?.costUsd).toBeCloseTo((100 * n * 0.15 + 10 * n * 0.6) / 1e6, 12);
		expect(report.retrieval.rewrite?.fallbacks).toBe(n - 1);
		const dog = imported.goldenSet.cases.find((c) => c.query === 'dog')!;
		const plain = await svc.runEval(request(imported.workspace.id, imported.goldenSet.id));
		const score = (r: typeof report) => r.perQuery.find((q) => q.id === dog.id)?.metrics['ndcg@10'] ?? 0;
		expect(score(report)).toBeGreaterThan(score(plain));
		expect(plain.retrieval).not.toHaveProperty('rewrite');
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
		expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
	});

	it('refuses a rewriting configuration sent without its rewrites', async () => {
		const { svc, imported } = await topicsWorkspace();
		await expect(
			svc.runEval(request(imported.workspace.id, imported.goldenSet.id, { technique: 'hyde', count: 3, maxTokens: 64 }))
		).rejects.toThrow(/rewrites queries, but no rewrites were made/);
	});
});
