import { LOCAL_MODELS_PREFIX } from './transformers-runtime.ts';

/**
 * Model files kept by the browser: hub/mirror downloads in transformers.js's Cache Storage
 * (`transformers-cache`), and user-picked local folders copied into our own cache
 * (`assay-local-models`, served under {@link LOCAL_MODELS_PREFIX}) so they survive a reload.
 * Browser/worker only (Cache Storage).
 */

/** Cache Storage name for picked local model folders. */
export const LOCAL_MODELS_CACHE = 'assay-local-models';
/** transformers.js's download cache (its `env.cacheKey`). */
export const DOWNLOAD_CACHE = 'transformers-cache';

/** One cached model with its stored size. */
export interface CachedModel {
	/** Hub id (`Xenova/multilingual-e5-small`) or local folder name. */
	readonly modelId: string;
	readonly origin: 'download' | 'local';
	readonly files: number;
	readonly sizeBytes: number;
}

/** A picked file: its path inside the picked folder (`static-embed/onnx/model.onnx`) and bytes. */
export interface PickedModelFile {
	readonly relativePath: string;
	readonly file: Blob;
}

/**
 * Copy picked model folders into the local cache; returns the folder names (model ids) found.
 * A folder counts as a model when it holds `config.json`.
 */
export async function storeLocalModelFiles(files: readonly PickedModelFile[]): Promise<string[]> {
	const cache = await caches.open(LOCAL_MODELS_CACHE);
	const models = new Set<string>();
	for (const { relativePath, file } of files) {
		const path = relativePath.replace(/^\/+/, '');
		const parts = path.split('/');
		if (parts.length >= 2 && parts[parts.length - 1] === 'config.json') models.add(parts.slice(0, -1).join('/'));
		await cache.put(
			new Request(localUrl(path)),
			new Response(file, { headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.size) } })
		);
	}
	return [...models].sort();
}

/** Answer a `LOCAL_MODELS_PREFIX` path from the local cache (`undefined` when absent). */
export async function fetchLocalModelFile(path: string): Promise<Response | undefined> {
	const cache = await caches.open(LOCAL_MODELS_CACHE);
	return cache.match(localUrl(path.startsWith(LOCAL_MODELS_PREFIX) ? path.slice(LOCAL_MODELS_PREFIX.length) : path));
}

/** The files of picked local model `modelId`, relative to its folder (`onnx/model.onnx`, `config.json`, …); `[]` when none is stored. */
export async function listLocalModelFiles(modelId: string): Promise<string[]> {
	if (!(await caches.has(LOCAL_MODELS_CACHE))) return [];
	const cache = await caches.open(LOCAL_MODELS_CACHE);
	const prefix = `${LOCAL_MODELS_PREFIX}${modelId}/`;
	const out: string[] = [];
	for (const request of await cache.keys()) {
		const path = decodeURIComponent(new URL(request.url).pathname);
		if (path.startsWith(prefix)) out.push(path.slice(prefix.length));
	}
	return out.sort();
}

/** Every cached model (downloads and local folders) with file counts and sizes, by id. */
export async function listCachedModels(): Promise<CachedModel[]> {
	const out: CachedModel[] = [];
	for (const [name, origin] of [
		[DOWNLOAD_CACHE, 'download'],
		[LOCAL_MODELS_CACHE, 'local']
	] as const) {
		if (!(await caches.has(name))) continue;
		const cache = await caches.open(name);
		const sizes = new Map<string, { files: number; sizeBytes: number }>();
		for (const request of await cache.keys()) {
			const modelId = modelIdOf(request.url, origin);
			if (!modelId) continue;
			const response = await cache.match(request);
			const size = Number(response?.headers.get('content-length') ?? NaN);
			const bytes = Number.isFinite(size) ? size : ((await response?.blob())?.size ?? 0);
			const entry = sizes.get(modelId) ?? { files: 0, sizeBytes: 0 };
			sizes.set(modelId, { files: entry.files + 1, sizeBytes: entry.sizeBytes + bytes });
		}
		for (const [modelId, s] of sizes) out.push({ modelId, origin, ...s });
	}
	return out.sort((a, b) => (a.modelId < b.modelId ? -1 : a.modelId > b.modelId ? 1 : 0));
}

/** Delete every cached file of `modelId` (downloads and local copies); resolves the files deleted. */
export async function deleteCachedModel(modelId: string): Promise<number> {
	let deleted = 0;
	for (const [name, origin] of [
		[DOWNLOAD_CACHE, 'download'],
		[LOCAL_MODELS_CACHE, 'local']
	] as const) {
		if (!(await caches.has(name))) continue;
		const cache = await caches.open(name);
		for (const request of await cache.keys()) if (modelIdOf(request.url, origin) === modelId && (await cache.delete(request))) deleted++;
	}
	return deleted;
}

function localUrl(path: string): string {
	return new URL(`${LOCAL_MODELS_PREFIX}${path}`, self.location.origin).href;
}

/** `…/__assay_models__/<id>/<file>` or hub-style `…/<org>/<name>/resolve/<rev>/<file>` → id. */
function modelIdOf(url: string, origin: 'download' | 'local'): string | null {
	const path = new URL(url).pathname;
	if (origin === 'local') {
		if (!path.startsWith(LOCAL_MODELS_PREFIX)) return null;
		// Files are stored as `<model folder>/<file>` or `<model folder>/onnx/<file>`; the folder
		// path (which may be nested when a parent folder was picked) is the model id.
		const rest = decodeURIComponent(path.slice(LOCAL_MODELS_PREFIX.length)).split('/');
		const onnx = rest.lastIndexOf('onnx');
		const folder = onnx > 0 ? rest.slice(0, onnx) : rest.slice(0, -1);
		return folder.length > 0 ? folder.join('/') : null;
	}
	const at = path.indexOf('/resolve/');
	return at > 0 ? decodeURIComponent(path.slice(1, at)) : null;
}
