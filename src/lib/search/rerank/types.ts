import type { DevicePreference, EmbeddingBackend, ModelDtype, ModelSource } from '../../embedding/types.ts';

/** Everything needed to load and run a cross-encoder reranker. */
export interface RerankerSpec {
	/** Hub id or local folder name. */
	readonly modelId: string;
	readonly dtype: ModelDtype;
	readonly device: DevicePreference;
	readonly source: ModelSource;
	/** Query–passage pairs per forward pass, ≥ 1. */
	readonly batchSize: number;
}

/** Scores for one query. */
export interface RerankResult {
	/** Sigmoid of the model's logit per passage, in (0, 1), in input order. */
	readonly scores: number[];
	readonly backend: EmbeddingBackend;
	/**
	 * Pairs whose passage was cut so that query + passage + special tokens fit `maxTokens`
	 * (the query is kept whole; see `queryTruncated`). Absent = not measured (fakes).
	 */
	readonly truncatedPairs?: number;
	/** True when the query alone left too little room and was cut too (then every pair was truncated). */
	readonly queryTruncated?: boolean;
	/** The model's input limit in tokens (special tokens included), when known. */
	readonly maxTokens?: number | null;
}

/**
 * The reranker port: a cross-encoder scores each (query, passage) pair jointly. Implementations:
 * the transformers.js adapter (AutoTokenizer + AutoModelForSequenceClassification) and fakes.
 */
export interface Reranker {
	/** @throws AssayError `MODEL_LOAD_FAILED`. */
	score(spec: RerankerSpec, query: string, passages: readonly string[]): Promise<RerankResult>;
}

/** Logistic sigmoid `1 / (1 + e^-x)`, computed without overflow for large |x|. */
export function sigmoid(x: number): number {
	if (x >= 0) return 1 / (1 + Math.exp(-x));
	const e = Math.exp(x);
	return e / (1 + e);
}
