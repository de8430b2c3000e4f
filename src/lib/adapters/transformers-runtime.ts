import { env } from '@huggingface/transformers';
import { AssayError } from '../shared/errors.ts';
import { onnxThreads } from '../shared/isolation.ts';
import {
	dtypesInFiles,
	requireDtype,
	type DevicePreference,
	type EmbeddingBackend,
	type ModelDtype,
	type ModelSource
} from '../embedding/index.ts';

/**
 * transformers.js runtime settings shared by the embedder and reranker adapters: where model
 * files come from, where the ONNX Runtime wasm is served from (never a CDN), and the
 * WebGPU → WASM device choice. `env` is global to the JS realm (one worker), so the source is
 * set right before each model load.
 */

/** Path prefix under which user-picked local model folders are served (browser). */
export const LOCAL_MODELS_PREFIX = '/__assay_models__/';

/** Answers requests for local model files (browser: from Cache Storage); `undefined` = not found. */
export type LocalModelFetch = (path: string) => Promise<Response | undefined>;

let localFetch: LocalModelFetch | null = null;
const defaultFetch = env.fetch;

/** Lists a picked local model's file paths relative to its folder (`onnx/model.onnx`, …); `undefined` = unknown. */
export type LocalModelLister = (modelId: string) => Promise<string[] | undefined>;

let localLister: LocalModelLister | null = null;

/** Install the lister of picked local model folders (browser worker: the local model cache). */
export function setLocalModelLister(lister: LocalModelLister): void {
	localLister = lister;
}

/**
 * The files of a local model, relative to its folder, when they can be listed: the installed
 * lister (browser), else in Node the `onnx/` folder under `source.path/modelId`. `undefined`
 * for hub/mirror sources or when nothing can list them.
 */
export async function localModelFiles(source: ModelSource, modelId: string): Promise<string[] | undefined> {
	if (source.kind !== 'local') return undefined;
	if (localLister) return localLister(modelId);
	if (!isNode() || !source.path) return undefined;
	// Kept out of browser bundles: only Node reaches this line.
	const fsName = 'node:fs/promises';
	const { readdir } = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
	const folder = `${source.path.replace(/\/+$/, '')}/${modelId}/onnx`;
	try {
		return (await readdir(folder)).map((f) => `onnx/${f}`);
	} catch {
		return [];
	}
}

/**
 * Before loading a local model: check that its folder has the weights of `dtype`, so a
 * missing file is a typed error naming the dtypes present rather than the library's fetch error.
 * @throws AssayError `MODEL_DTYPE_UNAVAILABLE`.
 */
export async function checkLocalDtype(source: ModelSource, modelId: string, dtype: ModelDtype): Promise<void> {
	const files = await localModelFiles(source, modelId);
	if (files) requireDtype(modelId, dtype, dtypesInFiles(files));
}

/**
 * One JSON file of a model (`config_sentence_transformers.json`, `1_Pooling/config.json`), from
 * its source: a picked local folder (browser: the local model cache; Node: the folder on disk),
 * the hub or a mirror (`{host}{modelId}/resolve/main/{file}`, through transformers.js's fetch).
 * `undefined` when the file is absent, unreadable or not JSON — it then says nothing.
 */
export async function readModelJson(source: ModelSource, modelId: string, file: string): Promise<unknown> {
	try {
		let response: Response | undefined;
		if (source.kind === 'local') {
			if (localFetch) response = await localFetch(`${LOCAL_MODELS_PREFIX}${modelId}/${file}`);
			else if (isNode() && source.path) {
				const fsName = 'node:fs/promises';
				const { readFile } = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
				return JSON.parse(await readFile(`${source.path.replace(/\/+$/, '')}/${modelId}/${file}`, 'utf8')) as unknown;
			}
		} else {
			const host = source.kind === 'hub' ? HUB_HOST : source.baseUrl.endsWith('/') ? source.baseUrl : `${source.baseUrl}/`;
			response = await (env.fetch as (url: string) => Promise<Response>)(`${host}${modelId}/resolve/main/${file}`);
		}
		if (!response || !response.ok) return undefined;
		return (await response.json()) as unknown;
	} catch {
		return undefined;
	}
}

/** Hub host used for the `hub` source. */
export const HUB_HOST = 'https://huggingface.co/';

/** Install the answerer for `LOCAL_MODELS_PREFIX` paths (browser worker only). */
export function setLocalModelFetch(fetcher: LocalModelFetch): void {
	localFetch = fetcher;
	env.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
		const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
		const path = url.startsWith('/') ? url : new URL(url, 'http://x').pathname;
		if (
			localFetch &&
			(url.startsWith(LOCAL_MODELS_PREFIX) || (url.startsWith(String(globalThis.location?.origin)) && path.startsWith(LOCAL_MODELS_PREFIX)))
		) {
			const response = await localFetch(path);
			return response ?? new Response('not found', { status: 404 });
		}
		return (defaultFetch as (i: typeof input, o?: RequestInit) => Promise<Response>)(input, init);
	}) as typeof env.fetch;
}

/** URLs of one ONNX Runtime wasm build (the `.mjs` glue and its `.wasm`), from Vite `?url` imports. */
export interface WasmBuildPaths {
	readonly mjs: string;
	readonly wasm: string;
}

/**
 * The ONNX Runtime wasm builds a worker can load: `cpu` (`ort-wasm-simd-threaded`, the WASM
 * execution provider only) and `webgpu` (`ort-wasm-simd-threaded.asyncify`, which adds the
 * WebGPU execution provider). The asyncify build is instrumented so WebGPU calls can suspend
 * the wasm stack; that makes its CPU kernels ≈2.4× slower (bench/embed: onnxruntime-web in Node,
 * tiny BERT, 1 thread: 364 vs 152 chunks/s), so it is loaded only when WebGPU may run.
 */
export interface SelfHostedWasm {
	readonly cpu: WasmBuildPaths;
	readonly webgpu: WasmBuildPaths;
}

/** Which wasm build a worker runs: chosen at its first model load, fixed for its lifetime. */
export type WasmBuild = keyof SelfHostedWasm;

let selfHosted: SelfHostedWasm | null = null;
let lockedBuild: WasmBuild | null = null;

/**
 * Serve the ONNX Runtime wasm from our own site (never a CDN), and set the thread count. The
 * build itself is picked at the first model load ({@link chooseWasmBuild}): ONNX Runtime loads
 * one wasm module per JS realm, so a worker keeps the build it started with.
 */
export function setSelfHostedWasm(builds: SelfHostedWasm): void {
	selfHosted = builds;
	lockedBuild = null;
	const onnx = env.backends.onnx as { wasm?: { numThreads?: number } };
	if (onnx.wasm) {
		// Threads need SharedArrayBuffer, i.e. a cross-origin isolated context (COOP/COEP from the
		// host or from our service worker); without it ONNX Runtime would try and fall back noisily.
		onnx.wasm.numThreads = onnxThreads(globalThis.crossOriginIsolated === true, globalThis.navigator?.hardwareConcurrency);
	}
}

/**
 * Before a model load in the browser: the wasm build this worker runs. The first call picks
 * `wanted` (`webgpu` when WebGPU may run, else `cpu`) and points ONNX Runtime at it; later calls
 * return that first choice, whatever they want. `null` when no self-hosted builds were set
 * (Node, tests): nothing is chosen then.
 */
export function chooseWasmBuild(wanted: WasmBuild): WasmBuild | null {
	if (!selfHosted) return null;
	if (lockedBuild) return lockedBuild;
	lockedBuild = wanted;
	const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown } };
	if (onnx.wasm) onnx.wasm.wasmPaths = { ...selfHosted[wanted] };
	return lockedBuild;
}

/**
 * Point transformers.js at a model source.
 * - `hub`: `https://huggingface.co/` (browser cache on);
 * - `mirror`: `baseUrl` laid out like the hub;
 * - `local`: Node — `path` is the folder that holds model folders; browser — the picked folders
 *   served under {@link LOCAL_MODELS_PREFIX}. Remote loading is off.
 * @throws AssayError `CONFIG_INVALID` for a mirror URL that is not http(s).
 */
export function applyModelSource(source: ModelSource): void {
	if (source.kind === 'local') {
		env.allowRemoteModels = false;
		env.allowLocalModels = true;
		env.localModelPath = source.path ?? LOCAL_MODELS_PREFIX;
		return;
	}
	env.allowLocalModels = false;
	env.allowRemoteModels = true;
	if (source.kind === 'hub') {
		env.remoteHost = HUB_HOST;
		return;
	}
	let url: URL;
	try {
		url = new URL(source.baseUrl);
	} catch (cause) {
		throw new AssayError('CONFIG_INVALID', `The model mirror must be an absolute http(s) URL, got "${source.baseUrl}".`, { cause });
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		throw new AssayError('CONFIG_INVALID', `The model mirror must use http or https, got "${url.protocol}".`);
	env.remoteHost = url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/** True in Node (onnxruntime-node runs on the CPU there). */
export function isNode(): boolean {
	return (
		typeof process !== 'undefined' &&
		typeof process.versions?.node === 'string' &&
		typeof (globalThis as { window?: unknown }).window === 'undefined' &&
		typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined'
	);
}

/** True when `navigator.gpu.requestAdapter()` yields an adapter. */
export async function hasWebGpuAdapter(): Promise<boolean> {
	const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
	if (!gpu) return false;
	try {
		return (await gpu.requestAdapter()) !== null;
	} catch {
		return false;
	}
}

/** The on-device backend race of an `auto` load: milliseconds of one probe run on each backend (median of 3, after a warm-up). */
export interface BackendProbe {
	readonly wasmMs: number;
	readonly webgpuMs: number;
	readonly chosen: 'wasm' | 'webgpu';
}

/** What {@link loadOnDevice} needs to race WebGPU against WASM for an `auto` preference. */
export interface BackendRace<T> {
	/** Milliseconds one probe run takes on a loaded value (the caller times a fixed small batch). */
	readonly timeMs: (value: T) => Promise<number>;
	/** Release the backend that lost. */
	readonly dispose: (value: T) => Promise<void> | void;
}

/**
 * Load (and smoke-run) something on the preferred device, falling back from WebGPU to WASM
 * when WebGPU is missing or throws. Node always uses `cpu`. With preference `auto`, a WebGPU
 * adapter and a `race`, both backends are loaded and timed on a probe run (WebGPU is slower
 * than WASM for small models on many devices, so it is measured, not assumed); the faster one
 * is kept and the timings are returned as `probe`. In the browser the first load also picks the
 * worker's wasm build ({@link chooseWasmBuild}): the CPU-only one unless WebGPU may run. Returns
 * what ran.
 * @throws AssayError `MODEL_LOAD_FAILED` when even the last device fails (cause kept).
 */
export async function loadOnDevice<T>(
	preference: DevicePreference,
	load: (device: 'webgpu' | 'wasm' | 'cpu') => Promise<T>,
	what: string,
	probe: { readonly node: boolean; readonly webgpu: () => Promise<boolean> } = { node: isNode(), webgpu: hasWebGpuAdapter },
	race?: BackendRace<T>
): Promise<{ value: T; backend: EmbeddingBackend; fallbackReason?: string; probe?: BackendProbe }> {
	if (probe.node) return { value: await wrapLoad(() => load('cpu'), what), backend: 'cpu' };
	let fallbackReason: string | undefined;
	if (preference !== 'wasm') {
		const adapter = await probe.webgpu();
		// The CPU-only wasm build when WebGPU cannot run here; a worker that already loaded it
		// (for an earlier WASM model) cannot run WebGPU any more.
		if (adapter && chooseWasmBuild('webgpu') === 'cpu') {
			fallbackReason = 'this worker runs the CPU-only ONNX Runtime build (loaded for an earlier WASM model)';
		} else if (adapter) {
			try {
				const gpu = await load('webgpu');
				if (preference === 'auto' && race) return await raced(gpu, load, what, race);
				return { value: gpu, backend: 'webgpu' };
			} catch (error) {
				fallbackReason = `WebGPU failed: ${error instanceof Error ? error.message : String(error)}`;
			}
		} else {
			fallbackReason = 'no WebGPU adapter';
		}
	}
	chooseWasmBuild('cpu');
	const value = await wrapLoad(() => load('wasm'), what);
	return fallbackReason ? { value, backend: 'wasm', fallbackReason } : { value, backend: 'wasm' };
}

/** Median of 3 timed probe runs after one warm-up run. */
async function probeMs<T>(value: T, race: BackendRace<T>): Promise<number> {
	await race.timeMs(value);
	const runs = [await race.timeMs(value), await race.timeMs(value), await race.timeMs(value)].sort((a, b) => a - b);
	return runs[1]!;
}

async function raced<T>(
	gpu: T,
	load: (device: 'webgpu' | 'wasm' | 'cpu') => Promise<T>,
	what: string,
	race: BackendRace<T>
): Promise<{ value: T; backend: EmbeddingBackend; probe?: BackendProbe; fallbackReason?: string }> {
	const webgpuMs = await probeMs(gpu, race);
	let cpu: T;
	try {
		cpu = await wrapLoad(() => load('wasm'), what);
	} catch (error) {
		// WebGPU works and WASM does not: keep WebGPU, unraced.
		return { value: gpu, backend: 'webgpu', fallbackReason: `WASM failed for the backend probe: ${(error as Error).message}` };
	}
	const wasmMs = await probeMs(cpu, race);
	// Ties go to WASM: it needs no GPU memory and has no shader-compilation stalls.
	const chosen = webgpuMs < wasmMs ? 'webgpu' : 'wasm';
	await race.dispose(chosen === 'webgpu' ? cpu : gpu);
	return { value: chosen === 'webgpu' ? gpu : cpu, backend: chosen, probe: { wasmMs, webgpuMs, chosen } };
}

async function wrapLoad<T>(fn: () => Promise<T>, what: string): Promise<T> {
	try {
		return await fn();
	} catch (cause) {
		throw new AssayError('MODEL_LOAD_FAILED', `Could not load ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, {
			cause
		});
	}
}

/**
 * Loaded models by key (model id, dtype, device, source): one load per key is shared by every
 * caller; a failed load is forgotten so the next call retries it.
 */
export class ModelLoadCache<T> {
	private readonly entries = new Map<string, Promise<T>>();

	/** The value for `key`, loading it with `load` the first time (or after a failure). */
	get(key: string, load: () => Promise<T>): Promise<T> {
		let entry = this.entries.get(key);
		if (!entry) {
			entry = load();
			entry.catch(() => this.entries.delete(key));
			this.entries.set(key, entry);
		}
		return entry;
	}

	/** Forget every entry and `release` each value that loaded (failed loads are skipped). */
	async clear(release: (value: T) => Promise<unknown>): Promise<void> {
		const all = [...this.entries.values()];
		this.entries.clear();
		for (const entry of all) {
			const value = await entry.catch(() => null);
			if (value !== null) await release(value);
		}
	}
}
