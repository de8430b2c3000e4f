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
import { parseRun } from '../../../src/lib/evals/index.ts';
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
const schema = JSON.parse(readFileSync(new URL('../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object;
const MODELS = {
	models: { source: { kind: 'local' as const, path: MODELS_DIR }, device: 'wasm' as const },
	embedding: { modelId: 'static-embed', dtype: 'fp32' as const },
	rerank: { enabled: true, modelId: 'static-reranker', dtype: 'fp32' as const }
};

/** The topics BEIR folder as a workspace with its golden set, optionally embedded with the fixture model. */
async function topicsWorkspace(embed: boolean) {
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
	const mixed = (await svc.importGoldenSet(wsId, 'mixed', { format: 'trec', qrelsText: MIXED_QRELS, queriesText: MIXED_QUERIES }))
		.goldenSet;
	const run = (
		label: string,
		mode: 'lexical' | 'dense' | 'hybrid' | 'hybrid-rerank',
		extra: object = {},
		goldenSetId = imported.goldenSet.id
	) =>
		svc.runEval({
			workspaceId: wsId,
			goldenSetId,
			jobId: label,
			config: { label, mode, topK: 10, depth: 100, chunking: config.chunking, bm25: config.bm25, ...extra },
			appVersion: '0.0.0-test',
			environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null }
		});
	return { svc, run, mixedId: mixed.id };
}

/** Queries that both retrievers answer (no BM25 ties, so document ids cannot reorder a list): fused order depends on RRF k and depth. */
const MIXED_QUERIES = [
	'{"_id": "m-pets", "text": "the puppy barked and the kitten"}',
	'{"_id": "m-money", "text": "money and the bank loan"}',
	'{"_id": "m-cook", "text": "soup with garlic and the oven"}',
	'{"_id": "m-band", "text": "the band played in the garden"}'
].join('\n');
const MIXED_QRELS =
	'query-id\tcorpus-id\tscore\nm-pets\tpets-1\t1\nm-pets\tpets-2\t1\nm-money\tfin-1\t1\nm-money\tfin-2\t1\nm-cook\tcook-1\t1\nm-cook\tcook-2\t1\nm-band\tmusic-1\t1\n';

/** The topics corpus with the mixed queries, as a BEIR folder for the CLI. */
function mixedFolder(): string {
	const dir = mkdtempSync(join(tmpdir(), 'assay-eval-mixed-'));
	writeFileSync(join(dir, 'corpus.jsonl'), topics('corpus.jsonl'));
	writeFileSync(join(dir, 'queries.jsonl'), MIXED_QUERIES);
	writeFileSync(join(dir, 'qrels.tsv'), MIXED_QRELS);
	return dir;
}

/** `assay run` + `assay metrics --json -q` in-process: per-query trec_eval measures and ranked lists. */
async function cliMetrics(
	mode: string,
	folder = TOPICS,
	extra: readonly string[] = ['--top-k', '100', '--depth', '100', '--rrf-k', '60']
): Promise<{ perQuery: Record<string, Record<string, number>>; ranked: Map<string, [string, number][]> }> {
	const out = join(mkdtempSync(join(tmpdir(), 'assay-eval-dense-')), `${mode}.run`);
	const io = { stdout: () => undefined, stderr: () => undefined };
	expect(
		await runCli(
			[
				'run',
				'--dataset',
				folder,
				'--mode',
				mode,
				'--embed-model',
				join(MODELS_DIR, 'static-embed'),
				'--dtype',
				'fp32',
				...extra,
				'--out',
				out
			],
			io
		)
	).toBe(0);
	let json = '';
	expect(
		await runCli(['metrics', '--qrels', join(folder, 'qrels.tsv'), '--run', out, '-q', '-c', '--json'], {
			stdout: (t) => (json += t),
			stderr: () => undefined
		})
	).toBe(0);
	const ranked = new Map<string, [string, number][]>();
	for (const [qid, hits] of parseRun(readFileSync(out, 'utf8'))) ranked.set(qid, trecOrder(hits.map((h) => [h.docId, h.score])));
	return { perQuery: (JSON.parse(json) as { per_query: Record<string, Record<string, number>> }).per_query, ranked };
}

/** trec_eval's order: score descending, ties by document id descending (equal RRF scores are real ties). */
function trecOrder(list: readonly (readonly [string, number])[]): [string, number][] {
	return list.map(([d, s]) => [d, s] as [string, number]).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0));
}

const PAIRS = [
	['ndcg@10', 'ndcg_cut_10'],
	['ndcg@5', 'ndcg_cut_5'],
	['map', 'map'],
	['recip_rank', 'recip_rank'],
	['recall@100', 'recall_100'],
	['precision@5', 'P_5'],
	['r_precision', 'Rprec']
] as const;

describe('dense and hybrid evaluation', () => {
	it('gives per-query metrics equal to assay run + assay metrics (to 1e-9) for hybrid and dense on the topics corpus', async () => {
		const { run } = await topicsWorkspace(true);
		for (const mode of ['hybrid', 'dense'] as const) {
			const report = await run(mode, mode);
			const cli = await cliMetrics(mode);
			expect(report.perQuery).toHaveLength(13);
			for (const q of report.perQuery) {
				for (const [ours, trec] of PAIRS)
					expect(q.metrics[ours], `${mode} ${q.id} ${ours}`).toBeCloseTo(cli.perQuery[q.id]?.[trec] ?? Number.NaN, 9);
				expect(trecOrder(q.ranked), `${mode} ${q.id} ranking`).toEqual(cli.ranked.get(q.id));
			}
		}
	});

	it('ranks like assay run with a small RRF k and depth on queries both retrievers answer', async () => {
		const { run, mixedId } = await topicsWorkspace(true);
		const report = await run('hybrid k2', 'hybrid', { topK: 5, depth: 5, rrfK: 2 }, mixedId);
		const cli = await cliMetrics('hybrid', mixedFolder(), ['--top-k', '5', '--depth', '5', '--rrf-k', '2']);
		expect(report.perQuery.map((q) => q.ranked.length)).toEqual([5, 5, 5, 5]);
		for (const q of report.perQuery) {
			expect(trecOrder(q.ranked), q.id).toEqual(cli.ranked.get(q.id));
			for (const [ours, trec] of PAIRS) expect(q.metrics[ours], `${q.id} ${ours}`).toBeCloseTo(cli.perQuery[q.id]?.[trec] ?? Number.NaN, 9);
		}
	});

	it('ranks like assay run with CombMNZ over z-scores at weights 0.3/0.7 and records the fusion in a report valid against the schema', async () => {
		const { run, mixedId } = await topicsWorkspace(true);
		const fusion = { method: 'combmnz', normalization: 'zscore', weights: { lexical: 0.3, dense: 0.7 } } as const;
		const report = await run('mnz', 'hybrid', { topK: 5, depth: 5, fusion }, mixedId);
		const cli = await cliMetrics('hybrid', mixedFolder(), [
			'--top-k',
			'5',
			'--depth',
			'5',
			'--fusion',
			'combmnz',
			'--normalization',
			'zscore',
			'--weights',
			'0.3,0.7'
		]);
		for (const q of report.perQuery) {
			expect(trecOrder(q.ranked), q.id).toEqual(cli.ranked.get(q.id));
			for (const [ours, trec] of PAIRS) expect(q.metrics[ours], `${q.id} ${ours}`).toBeCloseTo(cli.perQuery[q.id]?.[trec] ?? Number.NaN, 9);
		}
		expect(report.retrieval.fusion).toEqual(fusion);
		expect(report.index.type).toContain('CombMNZ z-score 0.3/0.7');
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
		expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
		const rrf = await run('rrf', 'hybrid', { topK: 5, depth: 5 }, mixedId);
		expect(rrf.retrieval).not.toHaveProperty('fusion');
	});

	it('records the embedding model, the backend that ran, the Voy index, RRF k and depth in a report valid against the schema', async () => {
		const { run } = await topicsWorkspace(true);
		const report = await run('hybrid k20', 'hybrid', { rrfK: 20, depth: 50 });
		expect(report.embeddingModel).toEqual({
			id: 'static-embed',
			dtype: 'fp32',
			backend: 'cpu',
			pooling: 'mean',
			queryPrefix: '',
			passagePrefix: ''
		});
		expect(report.index.type).toBe('bm25-inverted-index + exact vector index, RRF (chunk level; document = best chunk)');
		expect(report.retrieval).toMatchObject({ mode: 'hybrid', rrfK: 20, depth: 50, reranker: null });
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
		expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
	});

	it('reranks through the reranker port in hybrid-rerank and records the reranker model', async () => {
		const { run } = await topicsWorkspace(true);
		const report = await run('rerank', 'hybrid-rerank');
		expect(report.retrieval.reranker).toBe('static-reranker');
		expect(report.index.type).toContain('cross-encoder rerank');
		expect(
			report.perQuery
				.find((q) => q.id === 'q-invest')
				?.ranked.slice(0, 2)
				.map(([doc]) => doc)
				.sort()
		).toEqual(['fin-1', 'fin-2']);
	});

	it('records per query the reranker effect: nDCG@10 before equal to a separate hybrid run and after equal to the hybrid-rerank run, to 1e-9', async () => {
		const { run } = await topicsWorkspace(true);
		const hybrid = await run('hybrid', 'hybrid');
		const reranked = await run('rerank', 'hybrid-rerank', { rerankDepth: 20 });
		expect(hybrid).not.toHaveProperty('rerankEffect');
		expect(reranked.retrieval.rerankDepth).toBe(20);
		const effect = reranked.rerankEffect!;
		expect(effect).toMatchObject({ metric: 'ndcg@10', topK: 10, poolDepth: 20 });
		expect(effect.perQuery).toHaveLength(13);
		for (const q of effect.perQuery) {
			expect(q.before, q.id).toBeCloseTo(hybrid.perQuery.find((h) => h.id === q.id)!.metrics['ndcg@10']!, 9);
			expect(q.after, q.id).toBeCloseTo(reranked.perQuery.find((r) => r.id === q.id)!.metrics['ndcg@10']!, 9);
		}
		expect(effect.helped + effect.hurt + effect.unchanged).toBe(13);
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
		expect(validate(JSON.parse(JSON.stringify(reranked))), JSON.stringify(validate.errors)).toBe(true);
	});

	it('scores hybrid above lexical on the topics corpus, where most queries share no word with their documents', async () => {
		const { run } = await topicsWorkspace(true);
		const lexical = await run('lexical', 'lexical');
		const hybrid = await run('hybrid', 'hybrid');
		expect(hybrid.metrics.aggregate['ndcg@10']?.mean).toBe(1);
		expect(lexical.metrics.aggregate['ndcg@10']?.mean).toBeLessThan(0.5);
	});

	it('fails a configuration whose embedding model has no stored vectors with EMBEDDINGS_MISSING', async () => {
		const { run } = await topicsWorkspace(true);
		await expect(
			run('other model', 'dense', { embeddingModel: { id: 'tiny-bert-embed', dtype: 'fp32', backend: 'wasm' } })
		).rejects.toMatchObject({ code: 'EMBEDDINGS_MISSING', message: expect.stringMatching(/tiny-bert-embed .*embed first/) });
	});

	it('ranks each document once, at its best chunk, when documents have several chunks', async () => {
		const { api, internals } = createLibraryServiceWithInternals({
			idbFactory: new IDBFactory(),
			embedder,
			reranker,
			voyLoader: loadVoyInNode
		});
		const svc = combineApis(api, createEvalService(api, internals));
		const ws = await svc.createWorkspace('chunks', { ...MODELS, chunking: { chunkSizeChars: 60, chunkOverlapChars: 0 } });
		const para = (...lines: string[]) => lines.join('\n\n');
		const files = {
			'pets.txt': para(
				'the puppy barked at the kennel and wagged its tail',
				'our kitten purrs and sleeps with whiskers and fur',
				'the dog and the cat share a bowl'
			),
			'cook.txt': para('bake the bread in a hot oven with flour butter and salt', 'simmer the soup with garlic onions and pepper'),
			'money.txt': para('stock prices fell and investors lost money at the bank', 'the mortgage loan payment and interest rose again')
		};
		await svc.importFiles(
			ws.id,
			Object.entries(files).map(([name, body]) => ({ file: new Blob([body]), name, relativePath: name })),
			'import'
		);
		await svc.embedWorkspace(ws.id, 'embed');
		expect((await svc.listDocuments(ws.id)).map((d) => d.chunkCount).sort()).toEqual([2, 2, 3]);
		const gs = await svc.saveGoldenSet(ws.id, null, 'pets', [
			{ id: 'q1', query: 'puppy kitten', relevant: [{ doc: 'pets.txt', grade: 1 }], tags: [] }
		]);
		const config = await svc.workspaceConfig(ws.id);
		// The evaluations page names the mode explicitly; the workspace's stored config leaves it out (= recursive).
		const chunking = { ...config.chunking, mode: 'recursive' as const };
		const report = await svc.runEval({
			workspaceId: ws.id,
			goldenSetId: gs.id,
			jobId: 'c',
			config: { label: 'hybrid', mode: 'hybrid', topK: 2, depth: 2, chunking, bm25: config.bm25 },
			appVersion: 'x',
			environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null }
		});
		const ranked = report.perQuery[0]!.ranked.map(([doc]) => doc);
		expect(ranked).toHaveLength(2);
		expect(ranked[0]).toBe('pets.txt');
		expect(new Set(ranked).size).toBe(2);
	});

	it('rejects a dense configuration whose chunking differs from the workspace vectors', async () => {
		const { run } = await topicsWorkspace(true);
		await expect(
			run('rechunked', 'hybrid', { chunking: { mode: 'recursive', chunkSizeChars: 200, chunkOverlapChars: 0 } })
		).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
	});
});
