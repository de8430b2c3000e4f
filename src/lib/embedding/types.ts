/**
 * The embedding port: texts → L2-normalised `Float32Array`s of length `dims`, with the model,
 * dtype and backend that really produced them (stored with every vector).
 */

/** ONNX weight precisions transformers.js loads (`fp16` needs WebGPU `shader-f16`). */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'q4f16' | 'bnb4';

/** Where inference ran: `webgpu` / `wasm` in browsers, `cpu` (onnxruntime-node) in Node. */
export type EmbeddingBackend = 'webgpu' | 'wasm' | 'cpu';

/** Device preference: `auto` = WebGPU when an adapter exists, else WASM (and WASM again if WebGPU fails). */
export type DevicePreference = 'auto' | 'webgpu' | 'wasm';

/** Sentence pooling over token vectors. */
export type Pooling = 'mean' | 'cls';

/**
 * Where model files come from:
 * - `hub`: huggingface.co (default; needs the user's consent to reach it);
 * - `mirror`: a base URL laid out like the hub (`{baseUrl}/{modelId}/resolve/main/…`);
 * - `local`: a folder the user picked (browser: copied into Cache Storage; Node: a path on disk).
 */
export type ModelSource =
	{ readonly kind: 'hub' } | { readonly kind: 'mirror'; readonly baseUrl: string } | { readonly kind: 'local'; readonly path?: string };

/** Everything needed to load and run an embedding model. */
export interface EmbeddingModelSpec {
	/** Hub id (`Xenova/multilingual-e5-small`) or a local folder's name. */
	readonly modelId: string;
	readonly dtype: ModelDtype;
	readonly device: DevicePreference;
	readonly source: ModelSource;
	readonly pooling: Pooling;
	/** Prepended to queries (`query: ` for E5), may be empty. */
	readonly queryPrefix: string;
	/** Prepended to passages (`passage: ` for E5), may be empty. */
	readonly passagePrefix: string;
}

/** What an embedding call returns. */
export interface EmbedResult {
	/** One unit-length `Float32Array` (length `dims`) per input text, in input order. */
	readonly vectors: Float32Array[];
	readonly dims: number;
	readonly modelId: string;
	readonly dtype: ModelDtype;
	/** The backend that really ran (after any WebGPU → WASM fallback). */
	readonly backend: EmbeddingBackend;
	/** Why WebGPU was not used although preferred (`no WebGPU adapter`, `WebGPU failed: …`). */
	readonly fallbackReason?: string;
	/** For device `auto` with a WebGPU adapter: the on-device race that chose `backend` (ms per probe run). */
	readonly backendProbe?: { readonly wasmMs: number; readonly webgpuMs: number; readonly chosen: 'wasm' | 'webgpu' };
}

/** Whether texts are queries or passages (selects the prefix). */
export type TextKind = 'query' | 'passage';

/** Download/load progress of one model file, as reported by transformers.js. */
export interface ModelLoadProgress {
	readonly modelId: string;
	readonly file: string;
	/** `initiate` | `download` | `progress` | `done` | `ready`. */
	readonly status: string;
	/** Bytes loaded so far and total bytes, when known. */
	readonly loadedBytes?: number;
	readonly totalBytes?: number;
}

/** The port. Implementations: the transformers.js adapter (in a worker in browsers), a fake for tests. */
export interface Embedder {
	/**
	 * Embed texts (prefix applied by the implementation from the spec).
	 * @throws AssayError `MODEL_LOAD_FAILED` when the model cannot be loaded from its source.
	 */
	embed(spec: EmbeddingModelSpec, texts: readonly string[], kind: TextKind): Promise<EmbedResult>;
}

/** Identity of a vector set: vectors of different keys are never mixed. */
export function embeddingModelKey(spec: Pick<EmbeddingModelSpec, 'modelId' | 'dtype' | 'pooling' | 'passagePrefix'>): string {
	return `${spec.modelId}|${spec.dtype}|${spec.pooling}|${spec.passagePrefix}`;
}
