import { describe, expect, it } from 'vitest';
import { parseAppConfig } from '../../../src/lib/config/schema.ts';
import {
	describeRecipeSource,
	detectRecipe,
	dtypesInFiles,
	embeddingRecipeFor,
	embeddingSpecFor,
	familyOf,
	findEmbeddingModel,
	pickDtype,
	recipeFromSentenceTransformers,
	requireDtype
} from '../../../src/lib/embedding/index.ts';

const INSTRUCTION = 'Represent this sentence for searching relevant passages: ';

describe('prefix and pooling detection from model names', () => {
	it.each([
		['intfloat/e5-base-v2', 'e5', 'query: ', 'passage: ', 'mean'],
		['my-models/multilingual-e5-large', 'multilingual-e5', 'query: ', 'passage: ', 'mean'],
		['BAAI/bge-small-en-v1.5', 'bge', INSTRUCTION, '', 'cls'],
		['BAAI/bge-m3', 'bge-m3', '', '', 'cls'],
		['Snowflake/snowflake-arctic-embed-m', 'arctic-embed', INSTRUCTION, '', 'cls'],
		['Snowflake/snowflake-arctic-embed-l-v2.0', 'arctic-embed-v2', 'query: ', '', 'cls'],
		['nomic-ai/nomic-embed-text-v1.5', 'nomic-embed', 'search_query: ', 'search_document: ', 'mean'],
		['mixedbread-ai/mxbai-embed-large-v1', 'mxbai-embed', INSTRUCTION, '', 'cls'],
		['thenlper/gte-base', 'gte', '', '', 'mean'],
		['Alibaba-NLP/gte-multilingual-base', 'gte-multilingual', '', '', 'cls'],
		['sentence-transformers/all-MiniLM-L6-v2', 'sentence-transformers', '', '', 'mean']
	])('knows %s as family %s', (id, family, queryPrefix, passagePrefix, pooling) => {
		expect(familyOf(id)?.id).toBe(family);
		expect(detectRecipe(id)).toMatchObject({
			queryPrefix,
			passagePrefix,
			pooling,
			prefixSource: `family ${family}`,
			poolingSource: `family ${family}`,
			known: true,
			card: expect.stringMatching(/^https:\/\/huggingface\.co\//)
		});
	});

	it('does not take an instruct or e5-mistral model for plain e5', () => {
		expect(familyOf('intfloat/multilingual-e5-large-instruct')).toBeUndefined();
		expect(familyOf('intfloat/e5-mistral-7b-instruct')).toBeUndefined();
	});

	it('says nothing is known of an unknown model, and defaults to mean pooling without prefixes', () => {
		expect(detectRecipe('static-embed')).toEqual({
			queryPrefix: '',
			passagePrefix: '',
			pooling: 'mean',
			prefixSource: 'none known',
			poolingSource: 'none known',
			known: false
		});
		expect(describeRecipeSource('none known')).toBe('none known — set it');
	});

	it('prefers the registry entry to the family table', () => {
		const info = findEmbeddingModel('Xenova/multilingual-e5-small')!;
		expect(detectRecipe(info.id, {}, info)).toMatchObject({ queryPrefix: 'query: ', passagePrefix: 'passage: ', prefixSource: 'registry' });
	});
});

describe('prefix and pooling detection from sentence-transformers files', () => {
	it('reads the prompts and the pooling mode, and they win over the name', () => {
		const files = recipeFromSentenceTransformers(
			{ prompts: { query: 'q> ', document: 'd> ' }, default_prompt_name: null },
			{ word_embedding_dimension: 48, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }
		);
		expect(files).toEqual({ queryPrefix: 'q> ', passagePrefix: 'd> ', pooling: 'cls' });
		expect(detectRecipe('intfloat/e5-base-v2', files)).toMatchObject({
			queryPrefix: 'q> ',
			passagePrefix: 'd> ',
			pooling: 'cls',
			prefixSource: 'config_sentence_transformers.json',
			poolingSource: '1_Pooling/config.json',
			known: true
		});
		expect(describeRecipeSource('config_sentence_transformers.json')).toBe('from config_sentence_transformers.json');
	});

	it('treats a query prompt without a document prompt as no passage prefix, and ignores malformed or unsupported files', () => {
		expect(recipeFromSentenceTransformers({ prompts: { query: INSTRUCTION } }, undefined)).toEqual({
			queryPrefix: INSTRUCTION,
			passagePrefix: ''
		});
		expect(recipeFromSentenceTransformers('not json', { pooling_mode_max_tokens: true })).toEqual({});
		expect(recipeFromSentenceTransformers({ prompts: {} }, { pooling_mode_mean_tokens: true })).toEqual({ pooling: 'mean' });
	});
});

describe('the workspace recipe', () => {
	it('uses the family of a custom model id, and marks values set in the config as the user’s', () => {
		const custom = parseAppConfig({ embedding: { modelId: 'org/e5-small-v2', dtype: 'q8' } });
		expect(embeddingSpecFor(custom)).toMatchObject({ queryPrefix: 'query: ', passagePrefix: 'passage: ', pooling: 'mean' });
		const set = parseAppConfig({
			embedding: { modelId: 'org/e5-small-v2', dtype: 'q8', queryPrefix: 'Q: ', passagePrefix: '', pooling: 'cls' }
		});
		expect(embeddingRecipeFor(set)).toMatchObject({
			queryPrefix: 'Q: ',
			passagePrefix: '',
			pooling: 'cls',
			prefixSource: 'user',
			poolingSource: 'user',
			known: true
		});
	});
});

describe('dtypes of a model folder', () => {
	it('maps ONNX file names to dtypes, in preference order', () => {
		expect(dtypesInFiles(['onnx/model.onnx'])).toEqual(['fp32']);
		expect(
			dtypesInFiles([
				'onnx/model_fp16.onnx',
				'onnx/model_quantized.onnx',
				'onnx/model.onnx',
				'onnx/model.onnx_data',
				'config.json',
				'onnx/model_bnb4.onnx',
				'onnx/model_q4f16.onnx',
				'onnx/model_int8.onnx',
				'onnx/model_uint8.onnx',
				'onnx/model_q4.onnx'
			])
		).toEqual(['q8', 'fp32', 'int8', 'uint8', 'fp16', 'q4', 'q4f16', 'bnb4']);
	});

	it('keeps the requested dtype when present, else picks the first present', () => {
		expect(pickDtype('fp16', ['q8', 'fp16'])).toBe('fp16');
		expect(pickDtype('q8', ['fp32'])).toBe('fp32');
		expect(pickDtype('q8', [])).toBeNull();
	});

	it('fails a missing dtype with a typed error naming the present ones', () => {
		expect(() => requireDtype('m', 'q8', ['fp32'])).toThrow(
			expect.objectContaining({
				code: 'MODEL_DTYPE_UNAVAILABLE',
				message: expect.stringContaining('fp32 (onnx/model.onnx)'),
				details: { modelId: 'm', requested: 'q8', available: ['fp32'] }
			})
		);
		expect(() => requireDtype('m', 'q8', [])).toThrow(
			expect.objectContaining({ code: 'MODEL_DTYPE_UNAVAILABLE', message: expect.stringContaining('no ONNX weights') })
		);
		expect(() => requireDtype('m', 'fp32', ['fp32'])).not.toThrow();
	});
});
