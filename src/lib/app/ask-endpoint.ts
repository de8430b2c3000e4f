import { AssayError } from '$lib/shared/errors.ts';

/** Settings of the OpenAI-compatible engine as the user typed them. */
export interface EndpointSettings {
	baseUrl: string;
	model: string;
	/** Bearer key; kept in memory only unless `storeKey` is true. */
	apiKey: string;
	storeKey: boolean;
}

const KEY = 'assay.llmEndpoint';

/** Defaults: a local llama.cpp / vLLM style server on this machine. */
export const DEFAULT_ENDPOINT: EndpointSettings = { baseUrl: 'http://127.0.0.1:8000/v1', model: '', apiKey: '', storeKey: false };

/** Load saved settings (the key only if the user chose to store it). */
export function loadEndpoint(storage: Storage): EndpointSettings {
	try {
		const saved = JSON.parse(storage.getItem(KEY) ?? 'null') as Partial<EndpointSettings> | null;
		return { ...DEFAULT_ENDPOINT, ...(saved ?? {}), apiKey: saved?.storeKey ? (saved.apiKey ?? '') : '' };
	} catch {
		return { ...DEFAULT_ENDPOINT };
	}
}

/** Save settings; the key is written only when `storeKey` is set. */
export function saveEndpoint(storage: Storage, s: EndpointSettings): void {
	storage.setItem(KEY, JSON.stringify({ baseUrl: s.baseUrl, model: s.model, storeKey: s.storeKey, ...(s.storeKey ? { apiKey: s.apiKey } : {}) }));
}

/**
 * Check settings before a request.
 * @throws AssayError `CONFIG_INVALID` for a base URL that is not http(s) or an empty model name.
 */
export function validateEndpoint(s: EndpointSettings): void {
	let url: URL;
	try {
		url = new URL(s.baseUrl);
	} catch {
		throw new AssayError('CONFIG_INVALID', `Expected an http(s) base URL such as http://127.0.0.1:8000/v1; received "${s.baseUrl}".`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AssayError('CONFIG_INVALID', `Expected an http(s) base URL; received protocol "${url.protocol}".`);
	if (s.model.trim() === '') throw new AssayError('CONFIG_INVALID', 'Enter the model name the server serves (e.g. the name shown by GET /v1/models).');
}
