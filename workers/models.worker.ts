/// <reference lib="webworker" />
/**
 * The model worker: transformers.js embedder and cross-encoder reranker, and the model-file
 * cache. Runs ONNX Runtime from wasm served by this site (never a CDN): the CPU-only build, or the
 * asyncify one when a model may run on WebGPU (see `chooseWasmBuild`). Serves one API to the
 * page and, over a transferred port, to the library worker (which embeds chunks and queries).
 */
import ortCpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import ortCpuMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import ortGpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortGpuMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import { exposeApi } from '../src/lib/rpc/index.ts';
import { TransformersEmbedder } from '../src/lib/adapters/transformers-embedder.ts';
import { TransformersReranker } from '../src/lib/adapters/transformers-reranker.ts';
import { readModelJson, setLocalModelFetch, setLocalModelLister, setSelfHostedWasm } from '../src/lib/adapters/transformers-runtime.ts';
import {
	deleteCachedModel,
	fetchLocalModelFile,
	listCachedModels,
	listLocalModelFiles,
	storeLocalModelFiles
} from '../src/lib/adapters/model-cache.ts';
import type { ModelsApi } from '../src/lib/services/models-api.ts';
import { recipeFromSentenceTransformers, type ModelLoadProgress } from '../src/lib/embedding/index.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const abs = (url: string) => new URL(url, scope.location.href).href;
// The CPU-only build unless WebGPU may run: the asyncify one's CPU kernels are ≈2.4× slower.
setSelfHostedWasm({
	cpu: { wasm: abs(ortCpuWasmUrl), mjs: abs(ortCpuMjsUrl) },
	webgpu: { wasm: abs(ortGpuWasmUrl), mjs: abs(ortGpuMjsUrl) }
});
setLocalModelFetch(fetchLocalModelFile);
setLocalModelLister(listLocalModelFiles);

const listeners: ((p: ModelLoadProgress) => void)[] = [];
const report = (p: ModelLoadProgress) => {
	for (const l of listeners) l(p);
};
const embedder = new TransformersEmbedder(report);
const reranker = new TransformersReranker(report);

const api: ModelsApi = {
	embed: (spec, texts, kind) => embedder.embed(spec, texts, kind),
	score: (spec, query, passages) => reranker.score(spec, query, passages),
	addLocalModels: (files) => storeLocalModelFiles(files),
	listCachedModels: () => listCachedModels(),
	readRecipe: async (modelId, source) =>
		recipeFromSentenceTransformers(
			await readModelJson(source, modelId, 'config_sentence_transformers.json'),
			await readModelJson(source, modelId, '1_Pooling/config.json')
		),
	deleteCachedModel: (modelId) => deleteCachedModel(modelId),
	connect: async (port) => exposeApi(api, port),
	onProgress: async (listener) => {
		listeners.push(listener);
	}
};

exposeApi(api, scope);
