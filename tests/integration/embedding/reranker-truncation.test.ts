import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { IDBFactory } from 'fake-indexeddb';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitPairs, TransformersReranker, type PairTokenizer } from '../../../src/lib/adapters/transformers-reranker.ts';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { applyModelSource } from '../../../src/lib/adapters/transformers-runtime.ts';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../../src/lib/services/eval-service.ts';
import { fixtureRerankSpec, MODELS_DIR } from './fixture-models.ts';

const reranker = new TransformersReranker();
const embedder = new TransformersEmbedder();
afterAll(async () => {
	await reranker.dispose();
	await embedder.dispose();
});

// tiny-bert-reranker: model_max_length 128, BERT pair template [CLS] A [SEP] B [SEP] (3 special tokens).
const LIMIT = 128;
const words = (n: number, seed: string[]) => Array.from({ length: n }, (_, i) => seed[i % seed.length]).join(' ');
const LONG_QUERY = words(60, ['the', 'recipe', 'needs', 'flour', 'and', 'sugar']);
const LONG_PASSAGE = words(300, ['stock', 'prices', 'fell', 'at', 'the', 'bank']);
const OTHER_LONG = words(250, ['the', 'recipe', 'needs', 'flour', 'and', 'sugar']);
const SHORT = 'the puppy barked';

let tokenizer: PairTokenizer;
beforeAll(async () => {
	applyModelSource({ kind: 'local', path: MODELS_DIR });
	tokenizer = (await AutoTokenizer.from_pretrained('tiny-bert-reranker')) as unknown as PairTokenizer;
	expect(env.allowRemoteModels).toBe(false);
});

describe('cross-encoder pairs longer than the model limit', () => {
	it('cut the passage and keep the whole query, within the limit', () => {
		const queryIds = tokenizer.encode(LONG_QUERY, { add_special_tokens: false });
		expect(queryIds.length).toBeGreaterThan(50);
		const fitted = fitPairs(tokenizer, LONG_QUERY, [LONG_PASSAGE, SHORT, OTHER_LONG], LIMIT);
		expect(fitted.map((p) => p.passageTruncated)).toEqual([true, false, true]);
		for (const p of fitted) {
			expect(p.query).toBe(LONG_QUERY);
			expect(p.queryTruncated).toBe(false);
			const ids = tokenizer.encode(p.query, { text_pair: p.passage });
			expect(ids.length).toBeLessThanOrEqual(LIMIT);
			// [CLS] + every query token + [SEP] open the pair: the query is intact.
			expect(ids.slice(1, 1 + queryIds.length)).toEqual(queryIds);
			expect(ids[ids.length - 1]).toBe(3);
		}
		// The cut passage fills the room the query leaves.
		expect(tokenizer.encode(LONG_QUERY, { text_pair: fitted[0]!.passage }).length).toBeGreaterThan(LIMIT - 3);
		expect(fitted[1]!.passage).toBe(SHORT);
	});

	it('cut a query that alone exceeds the limit just enough to leave a quarter for the passage, and say so', () => {
		const huge = words(200, ['recipe', 'needs', 'flour']);
		const [p] = fitPairs(tokenizer, huge, [LONG_PASSAGE], LIMIT);
		expect(p).toMatchObject({ queryTruncated: true, passageTruncated: true });
		expect(tokenizer.encode(p!.passage, { add_special_tokens: false }).length).toBeGreaterThanOrEqual(LIMIT / 4 - 1);
		expect(tokenizer.encode(p!.query, { text_pair: p!.passage }).length).toBeLessThanOrEqual(LIMIT);
	});

	it('are counted per query by the reranker, which scores the fitted pair (query first, closing separator kept)', async () => {
		const spec = fixtureRerankSpec('tiny-bert-reranker');
		const result = await reranker.score(spec, LONG_QUERY, [LONG_PASSAGE, SHORT, OTHER_LONG]);
		expect(result).toMatchObject({ truncatedPairs: 2, queryTruncated: false, maxTokens: LIMIT });
		const [fitted] = fitPairs(tokenizer, LONG_QUERY, [LONG_PASSAGE], LIMIT);
		const direct = await reranker.score(spec, LONG_QUERY, [fitted!.passage]);
		expect(direct.truncatedPairs).toBe(0);
		expect(result.scores[0]).toBeCloseTo(direct.scores[0]!, 6);
	});
});

describe('rerank truncation in search and evaluation reports', () => {
	it('is shown with the search response and recorded per query and in total in the eval report', async () => {
		const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory(), embedder, reranker });
		const svc = combineApis(api, createEvalService(api, internals));
		const ws = await svc.createWorkspace('Trunc', {
			models: { source: { kind: 'local', path: MODELS_DIR }, device: 'wasm' },
			embedding: { modelId: 'static-embed', dtype: 'fp32', batchSize: 4, vectorIndex: 'exact' },
			rerank: { enabled: true, modelId: 'tiny-bert-reranker', dtype: 'fp32' },
			chunking: { chunkSizeChars: 4000, chunkOverlapChars: 0 }
		});
		await svc.importFiles(
			ws.id,
			[
				{ file: new Blob([LONG_PASSAGE]), name: 'bank.txt', relativePath: 'bank.txt' },
				{ file: new Blob([SHORT]), name: 'pets.txt', relativePath: 'pets.txt' },
				{ file: new Blob([OTHER_LONG]), name: 'recipe.txt', relativePath: 'recipe.txt' }
			],
			'i'
		);
		await svc.embedWorkspace(ws.id, 'e');
		const response = await svc.search({ workspaceId: ws.id, query: 'puppy bank', topK: 1, mode: 'hybrid-rerank' });
		expect(response.rerankTruncation).toEqual({ pairs: 3, truncatedPairs: 2, queryTruncated: false, maxTokens: LIMIT });
		const config = await svc.workspaceConfig(ws.id);
		const gs = await svc.saveGoldenSet(ws.id, null, 'g', [
			{ id: 'q1', query: 'puppy bank', relevant: [{ doc: 'pets.txt', grade: 1 }], tags: [] },
			{ id: 'q2', query: 'puppy', relevant: [{ doc: 'pets.txt', grade: 1 }], tags: [] }
		]);
		const report = await svc.runEval({
			workspaceId: ws.id,
			goldenSetId: gs.id,
			jobId: 'r',
			config: { label: 'rr', mode: 'hybrid-rerank', topK: 1, depth: 3, chunking: config.chunking, bm25: config.bm25 },
			appVersion: 't',
			environment: { userAgent: 'vitest', gpuAdapter: null, hardwareConcurrency: null }
		});
		expect(report.rerank).toMatchObject({ truncatedPairs: expect.any(Number), maxTokens: LIMIT });
		expect(report.rerank!.truncatedPairs).toBeGreaterThan(0);
		const perQuery = report.perQuery.map((q) => q.rerankTruncatedPairs ?? -1);
		expect(perQuery.every((n) => n >= 0)).toBe(true);
		expect(perQuery.reduce((a, b) => a + b, 0)).toBe(report.rerank!.truncatedPairs);
		const schema = JSON.parse(readFileSync(new URL('../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object;
		const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
		expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
	});
});
