import { AssayError } from '$lib/shared/errors.ts';
import type { ChatModel } from '$lib/generation/index.ts';
import type { ModelRef } from '$lib/evals/answers/types.ts';
import { OpenAiChatModel } from '$lib/adapters/openai-chat.ts';
import { openAiEndpointOf, validateEndpoint, type EndpointSettings } from './ask-endpoint.ts';

/** Which engine a role (answering or judging) uses. */
export type EngineKind = 'endpoint' | 'webllm';

/**
 * The chat model for `kind`: a new OpenAI-compatible client for `endpoint`, or the loaded
 * in-browser model.
 * @throws AssayError `CONFIG_INVALID` for bad endpoint settings; `MODEL_UNKNOWN` when no in-browser model is loaded.
 */
export function chatModelFor(kind: EngineKind, endpoint: EndpointSettings, loaded: ChatModel | null): ChatModel {
	if (kind === 'webllm') {
		if (!loaded) throw new AssayError('MODEL_UNKNOWN', 'Load an in-browser model first (Download and load).');
		return loaded;
	}
	validateEndpoint(endpoint);
	return new OpenAiChatModel(openAiEndpointOf(endpoint));
}

/** What is recorded about a model: provider, id and (for endpoints) the base URL — never the key. */
export function modelRefOf(model: ChatModel, kind: EngineKind, endpoint: EndpointSettings): ModelRef {
	return { provider: model.provider, modelId: model.modelId, ...(kind === 'endpoint' ? { baseUrl: endpoint.baseUrl } : {}) };
}
