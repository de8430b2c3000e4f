import type { EmbedResult, EmbeddingModelSpec, ModelLoadProgress, TextKind } from '../embedding/index.ts';
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
	deleteCachedModel(modelId: string): Promise<number>;
	/** Serve this API on another port too (the library worker's). */
	connect(port: MessagePort): Promise<void>;
	/** Receive download/load progress events. */
	onProgress(listener: (p: ModelLoadProgress) => void): Promise<void>;
}
