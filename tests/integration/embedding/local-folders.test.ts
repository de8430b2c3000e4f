/**
 * Local model folders: prefixes and pooling read from sentence-transformers files, weights
 * loaded in the dtype the folder has (typed error otherwise), and `assay run` printing what it
 * detected. Each test copies a fixture model into its own temp folder.
 */
import { cpSync, mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformersEmbedder } from '../../../src/lib/adapters/transformers-embedder.ts';
import { TransformersReranker } from '../../../src/lib/adapters/transformers-reranker.ts';
import { readFolderDtypes, readFolderRecipe } from '../../../src/lib/adapters/model-files-node.ts';
import { detectRecipe, recipeFromSentenceTransformers, type EmbeddingModelSpec } from '../../../src/lib/embedding/index.ts';
import { readModelJson } from '../../../src/lib/adapters/transformers-runtime.ts';
import { dot } from '../../../src/lib/search/vector/index.ts';
import { runCliCaptured } from '../../support/cli.ts';
import { MODELS_DIR } from './fixture-models.ts';

const embedder = new TransformersEmbedder();
const reranker = new TransformersReranker();
afterAll(async () => {
	await embedder.dispose();
	await reranker.dispose();
});

/** A temp folder holding a copy of fixture `model` as `name`; returns the parent and the model folder. */
function copyModel(model: string, name: string): { parent: string; folder: string } {
	const parent = mkdtempSync(join(tmpdir(), 'assay-models-'));
	const folder = join(parent, name);
	cpSync(join(MODELS_DIR, model), folder, { recursive: true });
	return { parent, folder };
}

function withSentenceTransformers(folder: string, prompts: Record<string, string>, pooling: 'cls' | 'mean'): void {
	writeFileSync(join(folder, 'config_sentence_transformers.json'), JSON.stringify({ prompts, default_prompt_name: null }));
	mkdirSync(join(folder, '1_Pooling'), { recursive: true });
	writeFileSync(
		join(folder, '1_Pooling', 'config.json'),
		JSON.stringify({
			word_embedding_dimension: 64,
			pooling_mode_cls_token: pooling === 'cls',
			pooling_mode_mean_tokens: pooling === 'mean'
		})
	);
}

const spec = (parent: string, modelId: string, extra: Partial<EmbeddingModelSpec> = {}): EmbeddingModelSpec => ({
	modelId,
	dtype: 'fp32',
	device: 'wasm',
	source: { kind: 'local', path: `${parent}/` },
	pooling: 'mean',
	queryPrefix: '',
	passagePrefix: '',
	...extra
});

describe('prefixes and pooling of a local folder', () => {
	it('come from its config_sentence_transformers.json and 1_Pooling/config.json, and the embedder applies them', async () => {
		const { parent, folder } = copyModel('tiny-bert-embed', 'my-embedder');
		withSentenceTransformers(folder, { query: 'search_query: ', document: 'search_document: ' }, 'cls');
		const recipe = detectRecipe('my-embedder', readFolderRecipe(folder));
		expect(recipe).toMatchObject({
			queryPrefix: 'search_query: ',
			passagePrefix: 'search_document: ',
			pooling: 'cls',
			prefixSource: 'config_sentence_transformers.json',
			poolingSource: '1_Pooling/config.json',
			known: true
		});
		const s = spec(parent, 'my-embedder', recipe);
		const [asQuery] = (await embedder.embed(s, ['puppy'], 'query')).vectors;
		const [manual] = (await embedder.embed({ ...s, queryPrefix: '', passagePrefix: '' }, ['search_query: puppy'], 'passage')).vectors;
		expect(dot(asQuery!, manual!)).toBeCloseTo(1, 5);
	});

	it('are read through the model source too (what the page asks the model worker for), absent files saying nothing', async () => {
		const { parent, folder } = copyModel('tiny-bert-embed', 'st-source');
		withSentenceTransformers(folder, { query: 'query: ' }, 'mean');
		const source = { kind: 'local' as const, path: `${parent}/` };
		expect(
			recipeFromSentenceTransformers(
				await readModelJson(source, 'st-source', 'config_sentence_transformers.json'),
				await readModelJson(source, 'st-source', '1_Pooling/config.json')
			)
		).toEqual({ queryPrefix: 'query: ', passagePrefix: '', pooling: 'mean' });
		expect(await readModelJson(source, 'tiny-bert-embed-missing', 'config_sentence_transformers.json')).toBeUndefined();
	});

	it('fall back to the family of the folder name, and to "none known" for an unknown one', () => {
		const { folder } = copyModel('static-embed', 'e5-small-v2');
		expect(detectRecipe('e5-small-v2', readFolderRecipe(folder))).toMatchObject({
			queryPrefix: 'query: ',
			passagePrefix: 'passage: ',
			prefixSource: 'family e5'
		});
		const unknown = copyModel('static-embed', 'static-embed');
		expect(detectRecipe('static-embed', readFolderRecipe(unknown.folder))).toMatchObject({ known: false, prefixSource: 'none known' });
	});
});

describe('dtype of a local folder', () => {
	it('an fp32-only folder loads as fp32, and q8 fails with a typed error naming fp32 (embedder and reranker)', async () => {
		const { parent, folder } = copyModel('static-embed', 'only-fp32');
		expect(readFolderDtypes(folder)).toEqual(['fp32']);
		await expect(embedder.embed(spec(parent, 'only-fp32', { dtype: 'q8' }), ['a'], 'passage')).rejects.toMatchObject({
			code: 'MODEL_DTYPE_UNAVAILABLE',
			message: expect.stringContaining('fp32 (onnx/model.onnx)'),
			details: { available: ['fp32'] }
		});
		expect((await embedder.embed(spec(parent, 'only-fp32'), ['a'], 'passage')).vectors).toHaveLength(1);
		const r = copyModel('static-reranker', 'rerank-fp32');
		const rspec = {
			modelId: 'rerank-fp32',
			dtype: 'q8' as const,
			device: 'wasm' as const,
			source: { kind: 'local' as const, path: `${r.parent}/` },
			batchSize: 4
		};
		await expect(reranker.score(rspec, 'q', ['p'])).rejects.toMatchObject({ code: 'MODEL_DTYPE_UNAVAILABLE' });
		expect((await reranker.score({ ...rspec, dtype: 'fp32' }, 'q', ['p'])).scores).toHaveLength(1);
	});

	it('a folder with only quantized weights loads as q8 and names q8 when fp32 is asked for', async () => {
		const { parent, folder } = copyModel('static-embed', 'only-q8');
		renameSync(join(folder, 'onnx', 'model.onnx'), join(folder, 'onnx', 'model_quantized.onnx'));
		expect(readFolderDtypes(folder)).toEqual(['q8']);
		expect((await embedder.embed(spec(parent, 'only-q8', { dtype: 'q8' }), ['a'], 'passage')).dims).toBe(48);
		await expect(embedder.embed(spec(parent, 'only-q8'), ['a'], 'passage')).rejects.toMatchObject({
			code: 'MODEL_DTYPE_UNAVAILABLE',
			details: { available: ['q8'] }
		});
	});
});

describe('assay run on local folders', () => {
	const dataset = join(MODELS_DIR, '..', 'datasets', 'topics');

	it('prints the detected prefixes and pooling with their source, and the dtype the folder has', async () => {
		const { folder } = copyModel('static-embed', 'st-embed');
		withSentenceTransformers(folder, { query: 'query: ', document: 'passage: ' }, 'mean');
		renameSync(join(folder, 'onnx', 'model.onnx'), join(folder, 'onnx', 'model_quantized.onnx'));
		const { code, stderr } = await runCliCaptured([
			'run',
			'--dataset',
			dataset,
			'--mode',
			'dense',
			'--embed-model',
			folder,
			'--top-k',
			'2',
			'--out',
			'-'
		]);
		expect(code, stderr).toBe(0);
		expect(stderr).toContain(
			'embedding st-embed (q8), pooling mean (from 1_Pooling/config.json), query prefix "query: " (from config_sentence_transformers.json), passage prefix "passage: " (from config_sentence_transformers.json)'
		);
	});

	it('says no prefixes are known for an unknown model unless flags set them', async () => {
		const embed = join(MODELS_DIR, 'static-embed');
		const plain = await runCliCaptured([
			'run',
			'--dataset',
			dataset,
			'--mode',
			'dense',
			'--embed-model',
			embed,
			'--top-k',
			'2',
			'--out',
			'-'
		]);
		expect(plain.stderr).toContain('query prefix "" (none known — set it)');
		expect(plain.stderr).toContain('no query/passage prefixes are known for static-embed');
		const flagged = await runCliCaptured([
			'run',
			'--dataset',
			dataset,
			'--mode',
			'dense',
			'--embed-model',
			embed,
			'--query-prefix',
			'q: ',
			'--pooling',
			'cls',
			'--top-k',
			'2',
			'--out',
			'-'
		]);
		expect(flagged.stderr).toContain('pooling cls (--pooling), query prefix "q: " (--query-prefix)');
		expect(flagged.stderr).not.toContain('no query/passage prefixes are known');
	});
});
