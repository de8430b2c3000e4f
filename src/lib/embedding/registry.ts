import type { ModelDtype, Pooling } from './types.ts';

/**
 * The curated model registry: embedding models known to run in transformers.js (the
 * cross-encoder presets live in `search/rerank/presets.ts`), with what a user needs to choose (dimensions, languages, size, licence).
 * Sizes are the ONNX weights of the listed default dtype, megabytes (10⁶ bytes), rounded.
 */

/** One embedding model. */
export interface EmbeddingModelInfo {
	readonly id: string;
	readonly label: string;
	/** Output vector length. */
	readonly dims: number;
	readonly pooling: Pooling;
	readonly queryPrefix: string;
	readonly passagePrefix: string;
	readonly defaultDtype: ModelDtype;
	/** Download size of the default dtype, MB. */
	readonly downloadSizeMb: number;
	/** Languages, or `multilingual (N)`. */
	readonly languages: string;
	/** SPDX licence id. */
	readonly licence: string;
	/** Longest input the model was trained for, tokens. */
	readonly maxTokens: number;
}

/** Embedding models, the default first. */
export const EMBEDDING_MODELS: readonly EmbeddingModelInfo[] = [
	{
		id: 'Xenova/multilingual-e5-small',
		label: 'multilingual-e5-small (default, laptop-sized)',
		dims: 384,
		pooling: 'mean',
		queryPrefix: 'query: ',
		passagePrefix: 'passage: ',
		defaultDtype: 'q8',
		downloadSizeMb: 118,
		languages: 'multilingual (~100, incl. ko, ja, en)',
		licence: 'MIT',
		maxTokens: 512
	},
	{
		id: 'Xenova/all-MiniLM-L6-v2',
		label: 'all-MiniLM-L6-v2 (English, tiny)',
		dims: 384,
		pooling: 'mean',
		queryPrefix: '',
		passagePrefix: '',
		defaultDtype: 'q8',
		downloadSizeMb: 23,
		languages: 'en',
		licence: 'Apache-2.0',
		maxTokens: 256
	},
	{
		id: 'onnx-community/gte-multilingual-base',
		label: 'gte-multilingual-base (768-d)',
		dims: 768,
		pooling: 'cls',
		queryPrefix: '',
		passagePrefix: '',
		defaultDtype: 'q8',
		downloadSizeMb: 340,
		languages: 'multilingual (70+)',
		licence: 'Apache-2.0',
		maxTokens: 8192
	},
	{
		id: 'Snowflake/snowflake-arctic-embed-m-v2.0',
		label: 'snowflake-arctic-embed-m-v2.0 (768-d)',
		dims: 768,
		pooling: 'cls',
		queryPrefix: 'query: ',
		passagePrefix: '',
		defaultDtype: 'q8',
		downloadSizeMb: 310,
		languages: 'multilingual (en, ko, ja, …)',
		licence: 'Apache-2.0',
		maxTokens: 8192
	},
	{
		id: 'Xenova/bge-m3',
		label: 'bge-m3 (1024-d, exact index only)',
		dims: 1024,
		pooling: 'cls',
		queryPrefix: '',
		passagePrefix: '',
		defaultDtype: 'q8',
		downloadSizeMb: 570,
		languages: 'multilingual (100+)',
		licence: 'MIT',
		maxTokens: 8192
	}
];

/** The registry entry for `id`, or `undefined` for a custom (local or unlisted) model. */
export function findEmbeddingModel(id: string): EmbeddingModelInfo | undefined {
	return EMBEDDING_MODELS.find((m) => m.id === id);
}
