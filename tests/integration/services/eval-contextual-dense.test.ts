import 'fake-indexeddb/auto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IDBFactory } from 'fake-indexeddb';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { TransformersReranker } from '../../../src/lib/adapters/transformers-reranker.ts';
import { loadVoyInNode } from '../../../src/lib/adapters/voy-node.ts';
import { runCli } from '../../../src/cli/cli.ts';
import type { Embedder } from '../../../src/lib/embedding/index.ts';
import { parseRun } from '../../../src/lib/evals/index.ts';
import type { ContextualReport } from '../../../src/lib/search/contextual/index.ts';
import type { Reranker } from '../../../src/lib/search/rerank/index.ts';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../../src/lib/services/eval-service.ts';
import { MODELS_DIR } from '../embedding/fixture-models.ts';

const transformers = new TransformersEmbedder();
const crossEncoder = new TransformersReranker();
afterAll(async () => {
	await transformers.dispose();
	await crossEncoder.dispose();
});

const TOPICS = fileURLToPath(new URL('../../fixtures/datasets/topics/', import.meta.url));
const topics = (name: string) => readFileSync(join(TOPICS, name), 'utf8');
const schema = JSON.parse(readFileSync(new URL('../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object;
const MODELS = {
	models: { source: { kind: 'local' as const, path: MODELS_DIR }, device: 'wasm' as const },
	embedding: { modelId: 'static-embed', dtype: 'fp32' as const },
	rerank: { enabled: true, modelId: 'static-reranker', dtype: 'fp32' as const }
};
const KITTEN = 'our kitten purrs and sleeps with whiskers and fur';
/** The kitten document's context says "dog" four times: a contextual dense run brings it up for the query "dog". */
const DOG_CONTEXT = 'dog dog dog dog';
/** What the page sends with the contexts (its numbers are not checked here). */
const CONTEXT_REPORT: ContextualReport = {
	model: 'scripted',
	provider: 'scripted',
	promptVersion: 1,
	generated: 1,
	cached: 0,
	failed: 15,
	calls: 16,
	inputTokens: 0,
	outputTokens: 0,
	costUsd: null,
	costNote: 'scripted'
};

/** The topics BEIR folder as a workspace with the fixture models (stored vectors only when `embed`), and the passages the embedder and the reranker were given. */
async function topicsWorkspace(embed: boolean) {
	const passages: string[] = [];
	const reranked: string[] = [];
	const reranker: Reranker = {
		score: (spec, query, texts) => {
			reranked.push(...texts);
			return crossEncoder.score(spec, query, texts);
		}
	};
	const embedder: Embedder = {
		embed: (spec, texts, kind) => {
			if (kind === 'passage') passages.push(...texts);
			return transformers.embed(spec, texts, kind);
		}
	};
	const { api, internals } = createLibraryServiceWithInternals({
		idbFactory: new IDBFactory(),
		embedder,
		reranker,
		voyLoader: loadVoyInNode
	});
	const svc = combineApis(api, createEvalService(api, internals));
	const imported = await svc.importBeirFolder({
		name: 'topics',
		corpus: new Blob([topics('corpus.jsonl')]),
		corpusGzipped: false,
		queries: new Blob([topics('queries.jsonl')]),
		qrels: new Blob([topics('qrels.tsv')])
	});
	const wsId = imported.workspace.id;
	await svc.updateWorkspaceConfig(wsId, { ...(await svc.workspaceConfig(wsId)), ...MODELS });
	if (embed) await svc.embedWorkspace(wsId, 'embed');
	const config = await svc.workspaceConfig(wsId);
	const chunks = await svc.contextualChunks(wsId, config.chunking);
	const kitten = chunks.find((c) => c.chunkText === KITTEN)!.id;
	const run = (label: string, mode: 'dense' | 'hybrid' | 'hybrid-rerank', contextual: boolean) =>
		svc.runEval({
			workspaceId: wsId,
			goldenSetId: imported.goldenSet.id,
			jobId: label,
			config: {
				label,
				mode,
				topK: 10,
				depth: 100,
				chunking: config.chunking,
				bm25: config.bm25,
				...(contextual ? { contextual: {} } : {})
			},
			...(contextual ? { contextual: { contexts: { [kitten]: DOG_CONTEXT }, report: CONTEXT_REPORT } } : {}),
			appVersion: '0.0.0-test',
			environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null }
		});
	return { run, passages, reranked, chunks: chunks.length, svc };
}

/** `assay run --contextual --scripted-contexts` (the kitten document's context: `DOG_CONTEXT`) + `assay metrics -q --json` in-process: nDCG@10 per query. */
async function cliContextualNdcg(mode: string): Promise<Record<string, number>> {
	const dir = mkdtempSync(join(tmpdir(), 'assay-ctx-dense-'));
	const replies = join(dir, 'contexts.json');
	writeFileSync(replies, JSON.stringify({ [KITTEN]: DOG_CONTEXT }));
	const out = join(dir, `${mode}.run`);
	const io = { stdout: () => undefined, stderr: () => undefined };
	const args = ['run', '--dataset', TOPICS, '--mode', mode, '--embed-model', join(MODELS_DIR, 'static-embed'), '--dtype', 'fp32'];
	expect(
		await runCli([...args, '--top-k', '100', '--depth', '100', '--contextual', '--scripted-contexts', replies, '--out', out], io)
	).toBe(0);
	expect(parseRun(readFileSync(out, 'utf8')).size).toBeGreaterThan(0);
	let json = '';
	const metrics = ['metrics', '--qrels', join(TOPICS, 'qrels.tsv'), '--run', out, '-q', '-c', '--json'];
	expect(await runCli(metrics, { stdout: (t) => (json += t), stderr: () => undefined })).toBe(0);
	const perQuery = (JSON.parse(json) as { per_query: Record<string, Record<string, number>> }).per_query;
	return Object.fromEntries(Object.entries(perQuery).map(([q, m]) => [q, m.ndcg_cut_10!]));
}

describe('dense evaluations with contextual chunks', () => {
	it('embeds context + chunk with the workspace model, so "dog" finds the kitten document whose context says dog, with the per-query nDCG@10 of assay run --contextual', async () => {
		const { run, passages, chunks } = await topicsWorkspace(false);
		const report = await run('dense + contexts', 'dense', true);
		expect(passages).toContain(`${DOG_CONTEXT}\n\n${KITTEN}`);
		expect(passages).toHaveLength(chunks);
		expect(report.retrieval.contextual).toEqual({ ...CONTEXT_REPORT, vectors: { embedded: chunks, cached: 0 } });
		expect(report.embeddingModel).toMatchObject({ id: 'static-embed', dtype: 'fp32', backend: 'cpu' });
		const dog = report.perQuery.find((q) => q.id === 'q-dog')!;
		expect(dog.ranked[0]?.[0]).toBe('pets-2');
		const cli = await cliContextualNdcg('dense');
		for (const q of report.perQuery) expect(q.metrics['ndcg@10'], q.id).toBeCloseTo(cli[q.id] ?? Number.NaN, 9);
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
		expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
	});

	it('embeds nothing on a second run (the vectors are stored by chunk and text) and ranks the same, in hybrid mode too', async () => {
		const { run, passages, chunks, svc } = await topicsWorkspace(true);
		const stored = passages.length;
		const plain = await run('hybrid', 'hybrid', false);
		expect(plain.perQuery.find((q) => q.id === 'q-dog')!.ranked[0]?.[0]).not.toBe('pets-2');
		const first = await run('hybrid + contexts', 'hybrid', true);
		expect(passages.length - stored).toBe(chunks);
		const second = await run('hybrid + contexts again', 'hybrid', true);
		expect(passages.length - stored).toBe(chunks);
		expect(second.retrieval.contextual?.vectors).toEqual({ embedded: 0, cached: chunks });
		const embedSpans = (await svc.recentSpans(200)).filter((s) => s.name === 'embed.contextual').map((s) => s.attributes);
		expect(embedSpans).toEqual(
			expect.arrayContaining([
				{ 'gen_ai.request.model': 'static-embed', 'assay.embed.chunks': chunks, 'assay.embed.cached': 0 },
				{ 'gen_ai.request.model': 'static-embed', 'assay.embed.chunks': 0, 'assay.embed.cached': chunks }
			])
		);
		expect(embedSpans).toHaveLength(2);
		expect(second.perQuery.map((q) => q.ranked)).toEqual(first.perQuery.map((q) => q.ranked));
		expect(first.perQuery.find((q) => q.id === 'q-dog')!.ranked[0]?.[0]).toBe('pets-2');
	});

	it('in hybrid-rerank reuses the stored contextual vectors and the reranker scores the original chunks, never a context', async () => {
		const { run, passages, reranked, chunks } = await topicsWorkspace(true);
		await run('hybrid + contexts', 'hybrid', true);
		const embeddedBefore = passages.length;
		const report = await run('rerank + contexts', 'hybrid-rerank', true);
		expect(passages).toHaveLength(embeddedBefore);
		expect(report.retrieval.contextual?.vectors).toEqual({ embedded: 0, cached: chunks });
		expect(report.retrieval.reranker).toBe('static-reranker');
		expect(reranked).toContain(KITTEN);
		expect(reranked.some((p) => p.includes(DOG_CONTEXT))).toBe(false);
	});
});
