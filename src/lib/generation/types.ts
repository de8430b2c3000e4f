import type { AssayErrorData } from '../shared/errors.ts';

/**
 * The ChatModel port: an OpenAI-shaped chat completion that streams. Implemented by the
 * OpenAI-compatible HTTP engine (`adapters/openai-chat.ts`), the WebLLM engine, and the
 * scripted fake (`scripted.ts`) used by tests. Callers never know which one they hold.
 */

/**
 * One chat message (OpenAI roles). `content` is plain text.
 * - an `assistant` message may carry the tool calls it made (`toolCalls`; OpenAI `tool_calls`);
 * - a `tool` message is one tool's result: `toolCallId` names the call it answers (OpenAI
 *   `tool_call_id`), `name` the tool. Engines whose chat template has no tool role (WebLLM's
 *   Qwen templates) send it as a `user` turn wrapped in `<tool_response>` (see `agents/hermes.ts`).
 */
export interface ChatMessage {
	readonly role: 'system' | 'user' | 'assistant' | 'tool';
	readonly content: string;
	/** `assistant` only: the calls this turn made, in order. */
	readonly toolCalls?: readonly ToolCallRequest[];
	/** `tool` only: the id of the call this result answers. */
	readonly toolCallId?: string;
	/** `tool` only: the tool's name. */
	readonly name?: string;
}

/**
 * A tool the model may call, as sent to the engine (OpenAI `tools[].function`).
 * `parameters` is a JSON Schema object (draft 2020-12 subset that OpenAI accepts).
 */
export interface ToolSpec {
	/** `^[a-zA-Z0-9_-]{1,64}$` (OpenAI's rule). */
	readonly name: string;
	readonly description: string;
	readonly parameters: Readonly<Record<string, unknown>>;
}

/**
 * One tool call the model made. `argumentsJson` is the raw JSON text the model produced
 * (OpenAI `function.arguments`), not yet parsed or validated: it may be malformed.
 */
export interface ToolCallRequest {
	/** The engine's call id (OpenAI `id`, e.g. `call_abc`); engines without ids get `call_<n>`. */
	readonly id: string;
	readonly name: string;
	readonly argumentsJson: string;
}

/**
 * Why generation ended: `stop` (model ended), `length` (hit `maxTokens`), `abort` (stopped by
 * the user), `tool_calls` (the model asked for tools; OpenAI's finish reason of that name).
 */
export type FinishReason = 'stop' | 'length' | 'abort' | 'tool_calls';

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
	/** Tools the model may call (absent or empty = plain chat). */
	readonly tools?: readonly ToolSpec[];
	/** OpenAI `tool_choice`: `auto` (default when `tools` is set), `none`, or `required`. */
	readonly toolChoice?: 'auto' | 'none' | 'required';
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
 *   for engines that write calls as text (Hermes `<tool_call>`), the call text is not a token;
 * - `tool_call`: one complete tool call, once its arguments are whole (streamed deltas are
 *   assembled by the adapter); several may come in one turn (parallel calls), before `done`;
 * - `usage`: token counts, at most once, just before `done`;
 * - `done`: the stream ended normally (also after an abort, with `finishReason: 'abort'`);
 * - `error`: the stream failed; no further events follow.
 */
export type ModelStreamEvent =
	| { readonly type: 'token'; readonly text: string }
	| { readonly type: 'tool_call'; readonly call: ToolCallRequest }
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
