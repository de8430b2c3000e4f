import { describe, expect, it } from 'vitest';
import { applyPickedModel, describePickedModels, type ModelDraft } from '../../../src/lib/app/model-folders.ts';

const file = (relativePath: string, text = '') => ({ relativePath, text: async () => text });
const draft = (): ModelDraft => ({
	embedding: { modelId: 'Xenova/multilingual-e5-small', dtype: 'q8' },
	rerank: { modelId: 'onnx-community/bge-reranker-v2-m3-ONNX', dtype: 'q8' }
});

describe('a picked local model folder', () => {
	it('is described by its dtypes and sentence-transformers files', async () => {
		const picked = await describePickedModels(
			['emb', 'rr'],
			[
				file('emb/config.json', '{}'),
				file('emb/onnx/model.onnx'),
				file('emb/config_sentence_transformers.json', JSON.stringify({ prompts: { query: 'query: ', document: 'passage: ' } })),
				file('emb/1_Pooling/config.json', JSON.stringify({ pooling_mode_cls_token: true })),
				file('rr/config.json', '{}'),
				file('rr/onnx/model_quantized.onnx'),
				file('rr/onnx/model_fp16.onnx')
			]
		);
		expect(picked).toEqual([
			{ modelId: 'emb', dtypes: ['fp32'], recipe: { queryPrefix: 'query: ', passagePrefix: 'passage: ', pooling: 'cls' } },
			{ modelId: 'rr', dtypes: ['q8', 'fp16'], recipe: {} }
		]);
	});

	it('picked for the reranker never replaces the embedding model', () => {
		const d = draft();
		const { recipe } = applyPickedModel(d, 'rerank', { modelId: 'tiny-bert-reranker', dtypes: ['fp32'], recipe: {} });
		expect(recipe).toBeNull();
		expect(d.embedding).toEqual({ modelId: 'Xenova/multilingual-e5-small', dtype: 'q8' });
		expect(d.rerank).toEqual({ modelId: 'tiny-bert-reranker', dtype: 'fp32', source: { kind: 'local' } });
	});

	it('picked for the embedding model takes a dtype the folder has and the detected prefixes, leaving the reranker alone', () => {
		const d = draft();
		const { recipe, note } = applyPickedModel(d, 'embedding', {
			modelId: 'emb',
			dtypes: ['fp32'],
			recipe: { queryPrefix: 'query: ', passagePrefix: 'passage: ', pooling: 'cls' }
		});
		expect(note).toBe('dtype set to fp32: the folder has fp32 only');
		expect(recipe).toMatchObject({ prefixSource: 'config_sentence_transformers.json', poolingSource: '1_Pooling/config.json' });
		expect(d.embedding).toEqual({
			modelId: 'emb',
			dtype: 'fp32',
			queryPrefix: 'query: ',
			passagePrefix: 'passage: ',
			pooling: 'cls',
			source: { kind: 'local' }
		});
		expect(d.rerank).toEqual(draft().rerank);
	});

	it('keeps the chosen dtype when the folder has it', () => {
		const d = draft();
		expect(applyPickedModel(d, 'embedding', { modelId: 'static-embed', dtypes: ['q8', 'fp32'], recipe: {} }).note).toBeNull();
		expect(d.embedding.dtype).toBe('q8');
	});
});
