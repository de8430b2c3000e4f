import type {
	EmbedResult,
	EmbeddingModelSpec,
	ModelLoadProgress,
	ModelSource,
	SentenceTransformersRecipe,
	TextKind
} from '../embedding/index.ts';
import type { RerankResult, RerankerSpec } from '../search/rerank/index.ts';

/** A cached model (see `adapters/model-cache.ts`). */
export interface CachedModelInfo {
	readonly modelId: string;
	readonly origin: 'download' | 'local';
	readonly files: number;
	readonly sizeBytes: number;
}

/**
 * The model worker's API (Comlink): the embedder and reranker ports plus model-file
 * management. Served to the page and, over a MessagePort, to the library worker.
 */
export interface ModelsApi {
	embed(spec: EmbeddingModelSpec, texts: string[], kind: TextKind): Promise<EmbedResult>;
	score(spec: RerankerSpec, query: string, passages: string[]): Promise<RerankResult>;
	/** Copy a picked folder's files into the local model cache; resolves the model folder names found. */
	addLocalModels(files: { relativePath: string; file: Blob }[]): Promise<string[]>;
	listCachedModels(): Promise<CachedModelInfo[]>;
	/**
	 * What the model's sentence-transformers files say (prompts, pooling), read from its source —
	 * for the hub or a mirror this downloads two small JSON files, so the page calls it only on
	 * the user's request. Absent files say nothing (`{}`).
	 */
	readRecipe(modelId: string, source: ModelSource): Promise<SentenceTransformersRecipe>;
	deleteCachedModel(modelId: string): Promise<number>;
	/** Serve this API on another port too (the library worker's). */
	connect(port: MessagePort): Promise<void>;
	/** Receive download/load progress events. */
	onProgress(listener: (p: ModelLoadProgress) => void): Promise<void>;
}
