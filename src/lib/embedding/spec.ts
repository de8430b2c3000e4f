import type { AppConfig } from '../config/schema.ts';
import type { RerankerSpec } from '../search/rerank/types.ts';
import { findEmbeddingModel } from './registry.ts';
import { detectRecipe, type EmbeddingRecipe } from './prefixes.ts';
import type { EmbeddingModelSpec } from './types.ts';

/**
 * The recipe (prefixes, pooling) a workspace configuration selects, with where each part came
 * from: the config when set (`user` — the page fills it from the model's files when a local
 * folder is picked), else the registry entry, else the family table (matched on the model id),
 * else empty prefixes and mean pooling (`known: false`: the page shows "none known — set it").
 */
export function embeddingRecipeFor(config: AppConfig): EmbeddingRecipe {
	const e = config.embedding;
	const detected = detectRecipe(e.modelId, {}, findEmbeddingModel(e.modelId));
	const prefixSet = e.queryPrefix !== undefined || e.passagePrefix !== undefined;
	return {
		...detected,
		queryPrefix: e.queryPrefix ?? detected.queryPrefix,
		passagePrefix: e.passagePrefix ?? detected.passagePrefix,
		pooling: e.pooling ?? detected.pooling,
		prefixSource: prefixSet ? 'user' : detected.prefixSource,
		poolingSource: e.pooling !== undefined ? 'user' : detected.poolingSource,
		known: prefixSet || detected.known
	};
}

/** The embedding spec a workspace configuration selects (prefixes and pooling from {@link embeddingRecipeFor}). */
export function embeddingSpecFor(config: AppConfig): EmbeddingModelSpec {
	const recipe = embeddingRecipeFor(config);
	return {
		modelId: config.embedding.modelId,
		dtype: config.embedding.dtype,
		device: config.models.device,
		source: config.embedding.source ?? config.models.source,
		pooling: recipe.pooling,
		queryPrefix: recipe.queryPrefix,
		passagePrefix: recipe.passagePrefix
	};
}

/** The reranker spec a workspace configuration selects. */
export function rerankerSpecFor(config: AppConfig): RerankerSpec {
	return {
		modelId: config.rerank.modelId,
		dtype: config.rerank.dtype,
		device: config.models.device,
		source: config.rerank.source ?? config.models.source,
		batchSize: config.rerank.batchSize
	};
}
