import type { AssayErrorData } from '../shared/errors.ts';

/**
 * The ChatModel port: an OpenAI-shaped chat completion that streams. Implemented by the
 * OpenAI-compatible HTTP engine (`adapters/openai-chat.ts`), the WebLLM engine, and the
 * scripted fake (`scripted.ts`) used by tests. Callers never know which one they hold.
 */

/** One chat message (OpenAI roles). `content` is plain text. */
export interface ChatMessage {
	readonly role: 'system' | 'user' | 'assistant';
	readonly content: string;
}

/** Why generation ended: `stop` (model ended), `length` (hit `maxTokens`), `abort` (stopped by the user). */
export type FinishReason = 'stop' | 'length' | 'abort';

/** A chat request. */
export interface ChatRequest {
	readonly messages: readonly ChatMessage[];
	/** Most tokens to generate (OpenAI `max_tokens`), ≥ 1. */
	readonly maxTokens: number;
	/** Sampling temperature 0–2; absent = engine default. */
	readonly temperature?: number;
	/** Seed for reproducible sampling where the engine supports it. */
	readonly seed?: number;
	/** Constrained JSON output: `schema` is the JSON Schema as a string (WebLLM's shape). */
	readonly responseFormat?: { readonly type: 'json_object'; readonly schema?: string };
}

/**
 * Token usage reported by the engine at the end of a stream (OpenAI `usage`, WebLLM
 * `usage.extra`). Engine-side speeds are optional: only some engines report them.
 */
export interface ChatUsage {
	/** Prompt tokens (OpenAI `prompt_tokens`). */
	readonly inputTokens: number;
	/** Generated tokens (OpenAI `completion_tokens`). */
	readonly outputTokens: number;
	/** Engine-measured prefill speed, tokens per second (WebLLM `usage.extra.prefill_tokens_per_s`). */
	readonly prefillTokensPerSecond?: number;
	/** Engine-measured decode speed, tokens per second (WebLLM `usage.extra.decode_tokens_per_s`). */
	readonly decodeTokensPerSecond?: number;
}

/**
 * One event of a model stream — a single discriminated union:
 * - `token`: the next piece of text (one or more tokens; `text` may be empty for keep-alives);
 * - `usage`: token counts, at most once, just before `done`;
 * - `done`: the stream ended normally (also after an abort, with `finishReason: 'abort'`);
 * - `error`: the stream failed; no further events follow.
 */
export type ModelStreamEvent =
	| { readonly type: 'token'; readonly text: string }
	| { readonly type: 'usage'; readonly usage: ChatUsage }
	| { readonly type: 'done'; readonly finishReason: FinishReason }
	| { readonly type: 'error'; readonly error: AssayErrorData };

/** The chat model port. */
export interface ChatModel {
	/** Model id as sent to the engine (`gen_ai.request.model`). */
	readonly modelId: string;
	/** Engine name for traces (`gen_ai.provider.name`), e.g. `openai-compatible`, `webllm`, `scripted`. */
	readonly provider: string;
	/**
	 * Stream a completion. Aborting `signal` ends the stream with `done`/`abort` (never throws).
	 * Failures are yielded as an `error` event, not thrown.
	 */
	stream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ModelStreamEvent>;
}
