import type { AppConfig, WebWorkerMLCEngine } from '@mlc-ai/web-llm';
import { AssayError } from '$lib/shared/errors.ts';
import type { GpuCapabilities, LoadReport } from '$lib/generation/index.ts';
import { WebLlmChatModel } from '$lib/adapters/webllm-chat.ts';
import { mapWebLlmError } from '$lib/adapters/webllm-errors.ts';
import { customRecord, mirrorRecord, type CustomModel, type WebLlmModelRecord } from '$lib/adapters/webllm-config.ts';

/** Which model to load: a catalog id (optionally through a mirror) or the user's own. */
export type LlmSource =
	| { readonly kind: 'catalog'; readonly modelId: string; readonly mirrorBaseUrl: string | null }
	| { readonly kind: 'custom'; readonly model: CustomModel };

/** A model in WebLLM's cache. */
export interface CachedModel {
	/** Bytes of its cached weight files. */
	readonly bytes: number;
}

/** WebLLM's own normalisation of a weights URL (`…/MODEL` → `…/MODEL/resolve/main/`). */
function weightsBaseUrl(model: string): string {
	let url = model.endsWith('/') ? model : `${model}/`;
	if (!/.+\/resolve\/.+\//.test(url)) url += 'resolve/main/';
	return new URL(url).href;
}

/** Sum of the body sizes of cached responses under `prefix` in WebLLM's `webllm/model` cache. */
async function cachedBytes(prefix: string): Promise<number> {
	const cache = await caches.open('webllm/model');
	let total = 0;
	for (const request of await cache.keys()) {
		if (!request.url.startsWith(prefix)) continue;
		const response = await cache.match(request);
		total += response ? (await response.blob()).size : 0;
	}
	return total;
}

/** WebGPU and `shader-f16`, probed on the page (WebLLM's metadata is incomplete). */
export async function detectGpu(): Promise<GpuCapabilities & { readonly description: string }> {
	const gpu = (
		navigator as Navigator & {
			gpu?: {
				requestAdapter(): Promise<{
					features: ReadonlySet<string>;
					info?: { vendor?: string; architecture?: string; description?: string };
				} | null>;
			};
		}
	).gpu;
	if (!gpu) return { webgpu: false, shaderF16: false, description: 'no navigator.gpu' };
	const adapter = await gpu.requestAdapter().catch(() => null);
	if (!adapter) return { webgpu: false, shaderF16: false, description: 'no WebGPU adapter' };
	const info = adapter.info;
	return {
		webgpu: true,
		shaderF16: adapter.features.has('shader-f16'),
		description: [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'WebGPU adapter'
	};
}

/**
 * The one main-thread owner of the LLM worker (`workers/llm.worker.ts`, WebLLM's handler).
 * web-llm itself is imported lazily (`import()`), so pages that never load a model do not
 * fetch it. Cancel = terminate the worker (WebLLM has no download abort); a new load starts a
 * new worker.
 */
export class LlmClient {
	private worker: Worker | null = null;
	private engine: WebWorkerMLCEngine | null = null;

	/**
	 * Download (once; WebLLM caches in Cache Storage) and load a model.
	 * @throws AssayError mapped from WebLLM (`MODEL_DOWNLOAD_FAILED`, `GPU_NO_SHADER_F16`, `GPU_DEVICE_LOST`, …).
	 */
	async load(source: LlmSource, onProgress: (r: LoadReport) => void): Promise<WebLlmChatModel> {
		this.cancel();
		const webllm = await import('@mlc-ai/web-llm');
		const appConfig = await this.appConfig(source);
		const modelId = appConfig.model_list[0]!.model_id;
		this.worker = new Worker(new URL('../../../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'assay-llm' });
		try {
			this.engine = await webllm.CreateWebWorkerMLCEngine(this.worker, modelId, { appConfig, initProgressCallback: (r) => onProgress(r) });
		} catch (error) {
			this.cancel();
			throw mapWebLlmError(error);
		}
		return new WebLlmChatModel(this.engine, modelId);
	}

	/** Stop a download or unload: the worker (and its GPU memory) goes away. */
	cancel(): void {
		this.worker?.terminate();
		this.worker = null;
		this.engine = null;
	}

	/**
	 * Which of `modelIds` are fully in WebLLM's cache (`hasModelInCache`), with the bytes their
	 * weight files take in the `webllm/model` Cache Storage bucket.
	 */
	async cached(modelIds: readonly string[], mirrorBaseUrl: string | null): Promise<Record<string, CachedModel>> {
		const webllm = await import('@mlc-ai/web-llm');
		const out: Record<string, CachedModel> = {};
		for (const id of modelIds) {
			const config = await this.appConfig({ kind: 'catalog', modelId: id, mirrorBaseUrl });
			if (!(await webllm.hasModelInCache(id, config).catch(() => false))) continue;
			out[id] = { bytes: await cachedBytes(weightsBaseUrl(config.model_list[0]!.model)) };
		}
		return out;
	}

	/** Delete a cached model (weights, config, library). */
	async deleteCached(modelId: string, mirrorBaseUrl: string | null): Promise<void> {
		const webllm = await import('@mlc-ai/web-llm');
		const config = await this.appConfig({ kind: 'catalog', modelId, mirrorBaseUrl });
		await webllm.deleteModelAllInfoInCache(modelId, config);
		// WebLLM 0.2.86 deletes the shards but leaves `tensor-cache.json` (and tokenizer files) behind.
		const prefix = weightsBaseUrl(config.model_list[0]!.model);
		const cache = await caches.open('webllm/model');
		for (const request of await cache.keys()) if (request.url.startsWith(prefix)) await cache.delete(request);
	}

	private async appConfig(source: LlmSource): Promise<AppConfig> {
		const webllm = await import('@mlc-ai/web-llm');
		let record: WebLlmModelRecord;
		try {
			if (source.kind === 'custom') record = customRecord(source.model);
			else {
				const prebuilt = webllm.prebuiltAppConfig.model_list.find((m) => m.model_id === source.modelId);
				if (!prebuilt) throw new AssayError('MODEL_UNKNOWN', `WebLLM has no prebuilt model "${source.modelId}".`);
				record = mirrorRecord(prebuilt, source.mirrorBaseUrl);
			}
		} catch (error) {
			if (error instanceof AssayError) throw error;
			throw new AssayError('CONFIG_INVALID', `Expected absolute URLs for the model source: ${String(error)}`, { cause: error });
		}
		return { ...webllm.prebuiltAppConfig, model_list: [record as AppConfig['model_list'][number]] };
	}
}
