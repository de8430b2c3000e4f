import type { AppConfig } from '../config/schema.ts';
import type { RerankerSpec } from '../search/rerank/types.ts';
import { findEmbeddingModel } from './registry.ts';
import type { EmbeddingModelSpec } from './types.ts';

/**
 * The embedding spec a workspace configuration selects: pooling and prefixes from the config
 * when set, else from the registry entry, else mean pooling with no prefix (custom models).
 */
export function embeddingSpecFor(config: AppConfig): EmbeddingModelSpec {
	const info = findEmbeddingModel(config.embedding.modelId);
	return {
		modelId: config.embedding.modelId,
		dtype: config.embedding.dtype,
		device: config.models.device,
		source: config.models.source,
		pooling: config.embedding.pooling ?? info?.pooling ?? 'mean',
		queryPrefix: config.embedding.queryPrefix ?? info?.queryPrefix ?? '',
		passagePrefix: config.embedding.passagePrefix ?? info?.passagePrefix ?? ''
	};
}

/** The reranker spec a workspace configuration selects. */
export function rerankerSpecFor(config: AppConfig): RerankerSpec {
	return { modelId: config.rerank.modelId, dtype: config.rerank.dtype, device: config.models.device, source: config.models.source, batchSize: config.rerank.batchSize };
}
