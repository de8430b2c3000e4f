import { fileURLToPath } from 'node:url';
import type { EmbeddingModelSpec } from '../../../src/lib/embedding/index.ts';
import type { RerankerSpec } from '../../../src/lib/search/rerank/index.ts';

/** Folder holding the four fixture model folders (see tests/fixtures/models). */
export const MODELS_DIR = fileURLToPath(new URL('../../fixtures/models/', import.meta.url));

/** A spec for a fixture embedding model loaded from disk. */
export function fixtureEmbedSpec(modelId: 'static-embed' | 'tiny-bert-embed'): EmbeddingModelSpec {
	return {
		modelId,
		dtype: 'fp32',
		device: 'wasm',
		source: { kind: 'local', path: MODELS_DIR },
		pooling: 'mean',
		queryPrefix: '',
		passagePrefix: ''
	};
}

/** A spec for a fixture reranker loaded from disk. */
export function fixtureRerankSpec(modelId: 'static-reranker' | 'tiny-bert-reranker'): RerankerSpec {
	return { modelId, dtype: 'fp32', device: 'wasm', source: { kind: 'local', path: MODELS_DIR }, batchSize: 4 };
}
