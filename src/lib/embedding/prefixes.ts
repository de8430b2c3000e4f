import type { Pooling } from './types.ts';

/**
 * How an embedding model expects its inputs: the prefixes put before queries and passages,
 * and the pooling of token vectors. Read, in this order, from the model's sentence-transformers
 * files (`config_sentence_transformers.json` prompts, `1_Pooling/config.json` mode), else from
 * the family table below (matched on the model id or folder name), else nothing is known and the
 * page says so.
 */

/** One model family, with the model card its recipe comes from. */
export interface ModelFamily {
	/** Short name shown as the source (`family e5`). */
	readonly id: string;
	/** Matched against the lower-cased model id or folder name. */
	readonly match: RegExp;
	readonly queryPrefix: string;
	readonly passagePrefix: string;
	readonly pooling: Pooling;
	/** The model card that states the recipe. */
	readonly card: string;
}

const RETRIEVAL_INSTRUCTION = 'Represent this sentence for searching relevant passages: ';

/**
 * Known families, most specific first (the first match wins). Each row cites the model card
 * that gives its prefixes and pooling.
 */
export const MODEL_FAMILIES: readonly ModelFamily[] = [
	// "query: " / "passage: ", mean pooling — https://huggingface.co/intfloat/multilingual-e5-small
	{
		id: 'multilingual-e5',
		match: /multilingual-e5-(small|base|large)(?!-instruct)/,
		queryPrefix: 'query: ',
		passagePrefix: 'passage: ',
		pooling: 'mean',
		card: 'https://huggingface.co/intfloat/multilingual-e5-small'
	},
	// "query: " / "passage: ", mean pooling — https://huggingface.co/intfloat/e5-base-v2
	{
		id: 'e5',
		match: /(^|[/_-])e5-(small|base|large)(?!-instruct)/,
		queryPrefix: 'query: ',
		passagePrefix: 'passage: ',
		pooling: 'mean',
		card: 'https://huggingface.co/intfloat/e5-base-v2'
	},
	// no instruction, CLS pooling (dense vector = normalised [CLS]) — https://huggingface.co/BAAI/bge-m3
	{ id: 'bge-m3', match: /bge-m3/, queryPrefix: '', passagePrefix: '', pooling: 'cls', card: 'https://huggingface.co/BAAI/bge-m3' },
	// Chinese query instruction, CLS pooling — https://huggingface.co/BAAI/bge-small-zh-v1.5
	{
		id: 'bge-zh',
		match: /bge-(small|base|large)-zh/,
		queryPrefix: '为这个句子生成表示以用于检索相关文章：',
		passagePrefix: '',
		pooling: 'cls',
		card: 'https://huggingface.co/BAAI/bge-small-zh-v1.5'
	},
	// query instruction "Represent this sentence for searching relevant passages: ", CLS pooling — https://huggingface.co/BAAI/bge-small-en-v1.5
	{
		id: 'bge',
		match: /bge-(small|base|large)-en/,
		queryPrefix: RETRIEVAL_INSTRUCTION,
		passagePrefix: '',
		pooling: 'cls',
		card: 'https://huggingface.co/BAAI/bge-small-en-v1.5'
	},
	// "query: " on queries, nothing on documents, CLS pooling — https://huggingface.co/Snowflake/snowflake-arctic-embed-m-v2.0
	{
		id: 'arctic-embed-v2',
		match: /arctic-embed-(m|l)-v2/,
		queryPrefix: 'query: ',
		passagePrefix: '',
		pooling: 'cls',
		card: 'https://huggingface.co/Snowflake/snowflake-arctic-embed-m-v2.0'
	},
	// query prefix "Represent this sentence for searching relevant passages: ", CLS pooling — https://huggingface.co/Snowflake/snowflake-arctic-embed-m-v1.5
	{
		id: 'arctic-embed',
		match: /arctic-embed/,
		queryPrefix: RETRIEVAL_INSTRUCTION,
		passagePrefix: '',
		pooling: 'cls',
		card: 'https://huggingface.co/Snowflake/snowflake-arctic-embed-m-v1.5'
	},
	// "search_query: " / "search_document: ", mean pooling — https://huggingface.co/nomic-ai/nomic-embed-text-v1.5
	{
		id: 'nomic-embed',
		match: /nomic-embed-text/,
		queryPrefix: 'search_query: ',
		passagePrefix: 'search_document: ',
		pooling: 'mean',
		card: 'https://huggingface.co/nomic-ai/nomic-embed-text-v1.5'
	},
	// query prompt "Represent this sentence for searching relevant passages: ", CLS pooling — https://huggingface.co/mixedbread-ai/mxbai-embed-large-v1
	{
		id: 'mxbai-embed',
		match: /mxbai-embed/,
		queryPrefix: RETRIEVAL_INSTRUCTION,
		passagePrefix: '',
		pooling: 'cls',
		card: 'https://huggingface.co/mixedbread-ai/mxbai-embed-large-v1'
	},
	// no prefixes, CLS pooling — https://huggingface.co/Alibaba-NLP/gte-multilingual-base
	{
		id: 'gte-multilingual',
		match: /gte-multilingual/,
		queryPrefix: '',
		passagePrefix: '',
		pooling: 'cls',
		card: 'https://huggingface.co/Alibaba-NLP/gte-multilingual-base'
	},
	// no prefixes, mean pooling — https://huggingface.co/thenlper/gte-base
	{
		id: 'gte',
		match: /(^|[/_-])gte-(small|base|large)/,
		queryPrefix: '',
		passagePrefix: '',
		pooling: 'mean',
		card: 'https://huggingface.co/thenlper/gte-base'
	},
	// sentence-transformers models: no prefixes, mean pooling — https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2
	{
		id: 'sentence-transformers',
		match: /(^|[/_-])(all|paraphrase|multi-qa)-(minilm|mpnet|distilroberta|multilingual)/,
		queryPrefix: '',
		passagePrefix: '',
		pooling: 'mean',
		card: 'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2'
	}
];

/** The family of a model id or folder name, or `undefined`. */
export function familyOf(modelId: string): ModelFamily | undefined {
	const name = modelId.toLowerCase();
	return MODEL_FAMILIES.find((f) => f.match.test(name));
}

/** What a model's sentence-transformers files say (absent fields: the file does not say). */
export interface SentenceTransformersRecipe {
	readonly queryPrefix?: string;
	readonly passagePrefix?: string;
	readonly pooling?: Pooling;
}

/**
 * Read the prompts of `config_sentence_transformers.json` (`prompts.query`; passages from
 * `prompts.document`, `prompts.passage` or `prompts.search_document`, else none when a query
 * prompt exists) and the mode of `1_Pooling/config.json` (`pooling_mode_cls_token` → cls,
 * `pooling_mode_mean_tokens` → mean; other modes are not supported and say nothing). Either
 * argument may be `undefined` (file absent) or malformed (ignored).
 */
export function recipeFromSentenceTransformers(config: unknown, pooling: unknown): SentenceTransformersRecipe {
	const out: { queryPrefix?: string; passagePrefix?: string; pooling?: Pooling } = {};
	const prompts = config && typeof config === 'object' ? (config as { prompts?: unknown }).prompts : undefined;
	if (prompts && typeof prompts === 'object') {
		const p = prompts as Record<string, unknown>;
		const str = (...keys: string[]) => keys.map((k) => p[k]).find((v): v is string => typeof v === 'string');
		const query = str('query', 'search_query');
		const passage = str('document', 'passage', 'search_document', 'corpus');
		if (query !== undefined) out.queryPrefix = query;
		if (passage !== undefined) out.passagePrefix = passage;
		else if (query !== undefined) out.passagePrefix = '';
	}
	if (pooling && typeof pooling === 'object') {
		const m = pooling as Record<string, unknown>;
		if (m.pooling_mode_cls_token === true) out.pooling = 'cls';
		else if (m.pooling_mode_mean_tokens === true) out.pooling = 'mean';
	}
	return out;
}

/** Where a recipe value came from, as the page shows it. */
export type RecipeSource =
	'config_sentence_transformers.json' | '1_Pooling/config.json' | `family ${string}` | 'registry' | 'user' | 'none known';

/** A model's input recipe with where each part came from. */
export interface EmbeddingRecipe {
	readonly queryPrefix: string;
	readonly passagePrefix: string;
	readonly pooling: Pooling;
	readonly prefixSource: RecipeSource;
	readonly poolingSource: RecipeSource;
	/** The family's model card, when the family table decided something. */
	readonly card?: string;
	/** False when nothing is known of the prefixes (shown as a notice: "none known — set it"). */
	readonly known: boolean;
}

/**
 * Detect the recipe of `modelId`: the sentence-transformers files when they say something, else
 * `registry` (the curated entry, `{queryPrefix, passagePrefix, pooling}`), else the family table,
 * else empty prefixes and mean pooling with `known: false`.
 */
export function detectRecipe(
	modelId: string,
	files: SentenceTransformersRecipe = {},
	registry?: { queryPrefix: string; passagePrefix: string; pooling: Pooling }
): EmbeddingRecipe {
	const family = familyOf(modelId);
	const fromFiles = files.queryPrefix !== undefined || files.passagePrefix !== undefined;
	let prefix: { queryPrefix: string; passagePrefix: string; source: RecipeSource } | null = null;
	if (fromFiles)
		prefix = {
			queryPrefix: files.queryPrefix ?? '',
			passagePrefix: files.passagePrefix ?? '',
			source: 'config_sentence_transformers.json'
		};
	else if (registry) prefix = { queryPrefix: registry.queryPrefix, passagePrefix: registry.passagePrefix, source: 'registry' };
	else if (family) prefix = { queryPrefix: family.queryPrefix, passagePrefix: family.passagePrefix, source: `family ${family.id}` };
	const pooling: { value: Pooling; source: RecipeSource } = files.pooling
		? { value: files.pooling, source: '1_Pooling/config.json' }
		: registry
			? { value: registry.pooling, source: 'registry' }
			: family
				? { value: family.pooling, source: `family ${family.id}` }
				: { value: 'mean', source: 'none known' };
	const usedFamily = family && (prefix?.source === `family ${family.id}` || pooling.source === `family ${family.id}`);
	return {
		queryPrefix: prefix?.queryPrefix ?? '',
		passagePrefix: prefix?.passagePrefix ?? '',
		pooling: pooling.value,
		prefixSource: prefix?.source ?? 'none known',
		poolingSource: pooling.source,
		...(usedFamily ? { card: family.card } : {}),
		known: prefix !== null
	};
}

/** The page's wording of a source: `from config_sentence_transformers.json`, `family e5`, `none known — set it`. */
export function describeRecipeSource(source: RecipeSource): string {
	if (source === 'none known') return 'none known — set it';
	if (source === 'user') return 'set by you';
	if (source === 'registry') return 'from the model registry';
	if (source.startsWith('family ')) return source;
	return `from ${source}`;
}
