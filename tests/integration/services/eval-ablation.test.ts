import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { TransformersReranker } from '../../../src/lib/adapters/transformers-reranker.ts';
import { loadVoyInNode } from '../../../src/lib/adapters/voy-node.ts';
import type { AblationStage } from '../../../src/lib/evals/ablation/index.ts';
import type { EvalReport } from '../../../src/lib/evals/report/index.ts';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../../src/lib/services/eval-service.ts';
import { MODELS_DIR } from '../embedding/fixture-models.ts';

const embedder = new TransformersEmbedder();
const reranker = new TransformersReranker();
afterAll(async () => {
	await embedder.dispose();
	await reranker.dispose();
});

const TOPICS = fileURLToPath(new URL('../../fixtures/datasets/topics/', import.meta.url));
const topics = (name: string) => readFileSync(join(TOPICS, name), 'utf8');
const MODELS = {
	models: { source: { kind: 'local' as const, path: MODELS_DIR }, device: 'wasm' as const },
	embedding: { modelId: 'static-embed', dtype: 'fp32' as const },
	rerank: { enabled: true, modelId: 'static-reranker', dtype: 'fp32' as const }
};

/** The topics BEIR folder as an embedded workspace; `run` evaluates one mode over its golden set. */
async function topicsWorkspace() {
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
	await svc.embedWorkspace(wsId, 'embed');
	const config = await svc.workspaceConfig(wsId);
	return (mode: 'lexical' | 'dense' | 'hybrid' | 'hybrid-rerank', ablation = false) =>
		svc.runEval({
			workspaceId: wsId,
			goldenSetId: imported.goldenSet.id,
			jobId: mode,
			config: { label: mode, mode, topK: 10, depth: 100, chunking: config.chunking, bm25: config.bm25 },
			appVersion: '0.0.0-test',
			environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null },
			...(ablation ? { ablation: true } : {})
		});
}

/** Every mean and per-query value of `separate` within 1e-9 of the ablated stage's. */
function expectStageEquals(ablated: EvalReport, stage: AblationStage, separate: EvalReport) {
	const section = ablated.ablation!;
	for (const [name, m] of Object.entries(separate.metrics.aggregate))
		expect(Math.abs(section.aggregate[stage]![name]!.mean - m.mean), `${stage} ${name}`).toBeLessThanOrEqual(1e-9);
	for (const q of separate.perQuery) {
		const row = section.perQuery.find((p) => p.id === q.id)!;
		for (const [name, v] of Object.entries(q.metrics))
			expect(Math.abs(row.metrics[stage]![name]! - v), `${stage} ${q.id} ${name}`).toBeLessThanOrEqual(1e-9);
	}
}

describe('in-page stage ablation', () => {
	it('writes no ablation unless asked', async () => {
		const run = await topicsWorkspace();
		expect((await run('hybrid')).ablation).toBeUndefined();
	});

	it('scores each stage of an in-page hybrid-rerank run as the in-page run of that stage', async () => {
		const run = await topicsWorkspace();
		const ablated = await run('hybrid-rerank', true);
		expect(ablated.ablation!.stages).toEqual(['lexical', 'dense', 'fused', 'rerank']);
		expect(ablated.ablation!.topK).toBe(100);
		expectStageEquals(ablated, 'rerank', ablated);
		expectStageEquals(ablated, 'lexical', await run('lexical'));
		expectStageEquals(ablated, 'dense', await run('dense'));
		expectStageEquals(ablated, 'fused', await run('hybrid'));
	});
});
