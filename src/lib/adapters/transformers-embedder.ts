import { pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import type { EmbedResult, Embedder, EmbeddingBackend, EmbeddingModelSpec, ModelLoadProgress, TextKind } from '../embedding/index.ts';
import { l2Normalize } from '../search/vector/normalize.ts';
import { applyModelSource, checkLocalDtype, loadOnDevice, ModelLoadCache, type BackendProbe } from './transformers-runtime.ts';

interface Loaded {
	readonly extractor: FeatureExtractionPipeline;
	readonly backend: EmbeddingBackend;
	readonly fallbackReason?: string;
	readonly backendProbe?: BackendProbe;
}

/** The probe batch of the WASM-vs-WebGPU race: 8 passages of 64 words, about a real batch's shape. */
const PROBE_TEXTS = Array.from({ length: 8 }, (_, i) =>
	Array.from({ length: 64 }, (_, j) => ['retrieval', 'chunk', 'index', 'query', 'model', 'answer', 'source', 'score'][(i + j) % 8]).join(
		' '
	)
);

/**
 * The transformers.js implementation of the Embedder port: `feature-extraction` pipeline with
 * the spec's pooling, explicit `dtype`, L2-normalised output. Loaded pipelines are kept per
 * (model, dtype, device, source); WebGPU falls back to WASM (see `loadOnDevice`) and the
 * backend that really ran is returned with every result. On WebGPU the first load also runs a
 * one-word inference, so a shader failure falls back at load time, not mid-job. With device
 * `auto` and a WebGPU adapter, both backends are raced on a probe batch and the faster kept
 * (`backendProbe` in every result).
 */
export class TransformersEmbedder implements Embedder {
	private readonly loaded = new ModelLoadCache<Loaded>();

	/** @param onProgress download/load progress of model files. */
	constructor(private readonly onProgress?: (p: ModelLoadProgress) => void) {}

	async embed(spec: EmbeddingModelSpec, texts: readonly string[], kind: TextKind): Promise<EmbedResult> {
		const { extractor, backend, fallbackReason, backendProbe } = await this.load(spec);
		const prefix = kind === 'query' ? spec.queryPrefix : spec.passagePrefix;
		const vectors: Float32Array[] = [];
		let dims = 0;
		if (texts.length > 0) {
			const output = await extractor(
				texts.map((t) => prefix + t),
				{ pooling: spec.pooling, normalize: true }
			);
			dims = output.dims[output.dims.length - 1] ?? 0;
			const data = output.data as Float32Array;
			// Re-normalise in float64: transformers.js normalises, but a stored unit vector must be exact.
			for (let i = 0; i < texts.length; i++) vectors.push(l2Normalize(data.slice(i * dims, (i + 1) * dims)));
			output.dispose?.();
		}
		return {
			vectors,
			dims,
			modelId: spec.modelId,
			dtype: spec.dtype,
			backend,
			...(fallbackReason ? { fallbackReason } : {}),
			...(backendProbe ? { backendProbe } : {})
		};
	}

	/** Load the model now (download progress is reported); resolves with the backend that will run. */
	async prepare(spec: EmbeddingModelSpec): Promise<EmbeddingBackend> {
		return (await this.load(spec)).backend;
	}

	/** Release every loaded model. */
	async dispose(): Promise<void> {
		await this.loaded.clear((loaded) => loaded.extractor.dispose());
	}

	private load(spec: EmbeddingModelSpec): Promise<Loaded> {
		const key = JSON.stringify([spec.modelId, spec.dtype, spec.device, spec.source]);
		return this.loaded.get(key, async () => {
			await checkLocalDtype(spec.source, spec.modelId, spec.dtype);
			const { value, backend, fallbackReason, probe } = await loadOnDevice(
				spec.device,
				async (device) => {
					applyModelSource(spec.source);
					const extractor = await pipeline('feature-extraction', spec.modelId, {
						dtype: spec.dtype,
						device,
						progress_callback: (p: Record<string, unknown>) => this.onProgress?.(toProgress(spec.modelId, p))
					});
					if (device === 'webgpu') await extractor('test', { pooling: spec.pooling, normalize: true });
					return extractor;
				},
				`embedding model "${spec.modelId}"`,
				undefined,
				{
					timeMs: async (extractor) => {
						const started = performance.now();
						(await extractor(PROBE_TEXTS, { pooling: spec.pooling, normalize: true })).dispose?.();
						return performance.now() - started;
					},
					dispose: (extractor) => extractor.dispose()
				}
			);
			return { extractor: value, backend, ...(fallbackReason ? { fallbackReason } : {}), ...(probe ? { backendProbe: probe } : {}) };
		});
	}
}

/** Map a transformers.js progress event to ours. */
export function toProgress(modelId: string, p: Record<string, unknown>): ModelLoadProgress {
	return {
		modelId,
		file: typeof p.file === 'string' ? p.file : '',
		status: typeof p.status === 'string' ? p.status : 'progress',
		...(typeof p.loaded === 'number' ? { loadedBytes: p.loaded } : {}),
		...(typeof p.total === 'number' ? { totalBytes: p.total } : {})
	};
}
