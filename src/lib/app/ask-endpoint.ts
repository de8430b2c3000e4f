import { AssayError } from '$lib/shared/errors.ts';
import { LlmEndpointConfigSchema, parseLlmEndpointConfig } from '$lib/config/schema.ts';
import type { OpenAiEndpoint } from '$lib/adapters/openai-chat.ts';

/** Settings of the OpenAI-compatible engine as the user typed them. */
export interface EndpointSettings {
	baseUrl: string;
	model: string;
	/** Bearer key; kept in memory only unless `storeKey` is true. */
	apiKey: string;
	storeKey: boolean;
	/** Idle timeout, ms (`LlmEndpointConfigSchema`: 1 000 – 3 600 000, default 300 000); keep-alive comments count as signs of life. */
	idleTimeoutMs: number;
}

/** Defaults: a local llama.cpp / vLLM style server on this machine. */
export const DEFAULT_ENDPOINT: EndpointSettings = {
	baseUrl: 'http://127.0.0.1:8000/v1',
	model: '',
	apiKey: '',
	storeKey: false,
	idleTimeoutMs: LlmEndpointConfigSchema.parse({}).idleTimeoutMs
};

/** Load settings saved under `key` (the API key only if the user chose to store it); anything unreadable gives the defaults. */
export function loadEndpointFrom(storage: Storage, key: string): EndpointSettings {
	try {
		const saved = JSON.parse(storage.getItem(key) ?? 'null') as Partial<EndpointSettings> | null;
		return { ...DEFAULT_ENDPOINT, ...(saved ?? {}), apiKey: saved?.storeKey ? (saved.apiKey ?? '') : '' };
	} catch {
		return { ...DEFAULT_ENDPOINT };
	}
}

/** Save settings under `key`; the API key is written only when `storeKey` is set. */
export function saveEndpointTo(storage: Storage, key: string, s: EndpointSettings): void {
	storage.setItem(
		key,
		JSON.stringify({
			baseUrl: s.baseUrl,
			model: s.model,
			storeKey: s.storeKey,
			idleTimeoutMs: s.idleTimeoutMs,
			...(s.storeKey ? { apiKey: s.apiKey } : {})
		})
	);
}

/** The adapter's endpoint for validated settings (model name trimmed, no empty key). */
export function openAiEndpointOf(s: EndpointSettings): OpenAiEndpoint {
	return { baseUrl: s.baseUrl, model: s.model.trim(), idleTimeoutMs: s.idleTimeoutMs, ...(s.apiKey ? { apiKey: s.apiKey } : {}) };
}

/**
 * Check settings before a request.
 * @throws AssayError `CONFIG_INVALID` for a base URL that is not http(s), an empty model name, or an
 * idle timeout outside 1 000 – 3 600 000 ms.
 */
export function validateEndpoint(s: EndpointSettings): void {
	let url: URL;
	try {
		url = new URL(s.baseUrl);
	} catch {
		throw new AssayError('CONFIG_INVALID', `Expected an http(s) base URL such as http://127.0.0.1:8000/v1; received "${s.baseUrl}".`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		throw new AssayError('CONFIG_INVALID', `Expected an http(s) base URL; received protocol "${url.protocol}".`);
	if (s.model.trim() === '')
		throw new AssayError('CONFIG_INVALID', 'Enter the model name the server serves (e.g. the name shown by GET /v1/models).');
	parseLlmEndpointConfig({ idleTimeoutMs: s.idleTimeoutMs });
}
