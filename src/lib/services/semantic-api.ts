import type { VectorIndexKind } from '../search/vector/types.ts';
import type { EmbeddingRecipe } from '../embedding/prefixes.ts';

/**
 * Contract types of the semantic side of the library API (structured-clone data).
 */

/** The dense index of a workspace, as the page shows it. */
export interface SemanticStatus {
	readonly workspaceId: string;
	readonly modelId: string;
	readonly modelKey: string;
	/** `loading`: vectors are being read in the background (lexical search already works); `none`: no vectors yet; `ready`; `failed` (see `message`). */
	readonly state: 'loading' | 'ready' | 'none' | 'failed';
	/** The index that answers now: `exact` also for an `auto` index whose graph is not linked (it scans). */
	readonly indexKind: VectorIndexKind | null;
	/**
	 * The HNSW graph of an `auto` / `hnsw` index (`null` for other indexes): nodes linked and rows
	 * waiting (scored exactly until linked), whether a link job runs, its wall time, recall@10
	 * against the exact scan on `sampleQueries` probe queries, and whether it was read from storage.
	 */
	readonly graph: {
		readonly linked: number;
		readonly pending: number;
		readonly linking: boolean;
		readonly buildMs: number | null;
		readonly recallAt10: number | null;
		readonly sampleQueries: number;
		readonly restored: boolean;
	} | null;
	readonly dims: number | null;
	readonly vectorCount: number;
	/** Chunks of ready documents without a vector for this model. */
	readonly pendingChunks: number;
	/** Backends that computed the stored vectors (`webgpu`, `wasm`, `cpu`, `fake`). */
	readonly backends: readonly string[];
	/** Why the exact index is used instead of Voy, or why loading failed. */
	readonly message: string | null;
	readonly loadMs: number;
	/** Query/passage prefixes and pooling the workspace embeds with, and where each came from. */
	readonly recipe: EmbeddingRecipe;
}

/** Progress of an embedding job, after every batch. */
export interface EmbedProgress {
	readonly jobId: string;
	readonly done: number;
	readonly total: number;
	readonly itemsPerSecond: number;
	/** Estimated milliseconds left; `null` before the first batch. */
	readonly etaMs: number | null;
}

/** The end of an embedding job. */
export interface EmbedReport {
	readonly jobId: string;
	readonly workspaceId: string;
	readonly embedded: number;
	readonly backend: string | null;
	/** The on-device WASM-vs-WebGPU race that chose `backend` (device `auto` with a WebGPU adapter). */
	readonly backendProbe?: { readonly wasmMs: number; readonly webgpuMs: number; readonly chosen: 'wasm' | 'webgpu' };
	/** Vectors of previous models deleted once this set was complete. */
	readonly deletedOtherModels: number;
	readonly durationMs: number;
}
