import { AssayError } from '$lib/shared/errors.ts';
import type { ChatModel } from '$lib/generation/index.ts';
import type { ModelRef } from '$lib/evals/answers/types.ts';
import { OpenAiChatModel } from '$lib/adapters/openai-chat.ts';
import { loadEndpointFrom, openAiEndpointOf, saveEndpointTo, validateEndpoint, type EndpointSettings } from './ask-endpoint.ts';

/** Which engine a role (answering or judging) uses. */
export type EngineKind = 'endpoint' | 'webllm';

const JUDGE_KEY = 'assay.judgeEndpoint';

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

/** The judge's endpoint settings (apart from the answering model's; the key only if the user chose to store it). */
export function loadJudgeEndpoint(storage: Storage): EndpointSettings {
	return loadEndpointFrom(storage, JUDGE_KEY);
}

/** Save the judge's endpoint settings; the key is written only when `storeKey` is set. */
export function saveJudgeEndpoint(storage: Storage, s: EndpointSettings): void {
	saveEndpointTo(storage, JUDGE_KEY, s);
}
