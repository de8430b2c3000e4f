import { AssayError, toErrorData } from '../shared/errors.ts';
import type { ChatModel, ChatRequest, ChatUsage, FinishReason, ModelStreamEvent } from '../generation/types.ts';
import { fetchWithRetry, isRetryExhausted, type RetryOptions } from '../shared/http/retry.ts';
import { readSseData } from './sse.ts';

/**
 * How the POST is retried before the stream starts (429, 502, 503, 504, 529, network errors;
 * `Retry-After` honoured): see `shared/http/retry.ts`. Defaults there (4 retries, 500 ms base,
 * 30 s ceiling, Retry-After capped at 120 s). The idle timeout covers each attempt; backoff
 * waits do not count as idle.
 */
export type OpenAiRetryPolicy = Pick<RetryOptions, 'maxRetries' | 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs'>;

/** Injected for tests: the backoff wait, the jitter source and the clock that reads `Retry-After` dates. */
export type OpenAiRetryDeps = Pick<RetryOptions, 'sleep' | 'random' | 'clock'>;

/** An OpenAI-compatible chat endpoint (vLLM, llama.cpp server, Ollama, LM Studio, …). */
export interface OpenAiEndpoint {
	/** Base URL up to and including `/v1`, e.g. `http://127.0.0.1:8000/v1` (no trailing slash needed). */
	readonly baseUrl: string;
	/** The served model name (`model` in the request). */
	readonly model: string;
	/** Bearer key, if the server wants one. Kept in memory unless the user chooses to store it. */
	readonly apiKey?: string;
	/**
	 * Longest wait for the server with nothing arriving (before the response, or between any bytes
	 * of the stream — keep-alive comments count as signs of life), ms; default 300 000 (5 min — generous for a server loading a model on the first
	 * request). Past it the request is aborted and the stream ends with `LLM_REQUEST_FAILED`, so an
	 * unattended answer run does not hang on one dead request.
	 */
	readonly idleTimeoutMs?: number;
	/** Retries of the request before the stream starts; default {@link OpenAiRetryPolicy}'s defaults. */
	readonly retry?: OpenAiRetryPolicy;
}

/** Default {@link OpenAiEndpoint.idleTimeoutMs}. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

const formatIdle = (ms: number) => (ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/**
 * An abort signal that fires when `signal` does, or when {@link IdleWatch.touch} has not been
 * called for `idleMs` (restart the clock on every sign of life).
 */
class IdleWatch {
	readonly controller = new AbortController();
	timedOut = false;
	private timer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		private readonly idleMs: number,
		signal: AbortSignal | undefined
	) {
		if (signal?.aborted) this.controller.abort();
		signal?.addEventListener('abort', () => this.controller.abort(), { once: true });
		this.touch();
	}

	touch(): void {
		clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.timedOut = true;
			this.controller.abort();
		}, this.idleMs);
	}

	stop(): void {
		clearTimeout(this.timer);
	}
}

interface StreamChunk {
	choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
	usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
	error?: { message?: string };
}

/**
 * The {@link ChatModel} port over an OpenAI-compatible `POST {baseUrl}/chat/completions` with
 * `stream: true` and `stream_options.include_usage` (usage arrives in the last chunk).
 * Structured output is sent as `response_format: {type: 'json_schema', json_schema: {name, schema, strict}}`.
 * Network and HTTP failures become `error` events with code `LLM_REQUEST_FAILED` (or
 * `CONTEXT_WINDOW_EXCEEDED` when the server says the prompt is too long); a stream that closes
 * without a finish reason or `[DONE]` is `LLM_GENERATION_FAILED` (cut, not finished). A server
 * that ignores `stream: true` and answers `application/json` is read as one completion.
 */
export class OpenAiChatModel implements ChatModel {
	readonly provider = 'openai-compatible';
	readonly modelId: string;

	constructor(
		private readonly endpoint: OpenAiEndpoint,
		private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
		private readonly retryDeps: OpenAiRetryDeps = {}
	) {
		this.modelId = endpoint.model;
	}

	/** The completions URL for a base URL (trailing slashes removed). */
	static completionsUrl(baseUrl: string): string {
		return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
	}

	async *stream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ModelStreamEvent> {
		const url = OpenAiChatModel.completionsUrl(this.endpoint.baseUrl);
		let usage: ChatUsage | undefined;
		let finish: FinishReason = 'stop';
		const idleMs = this.endpoint.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
		const watch = new IdleWatch(idleMs, signal);
		try {
			const response = await this.post(url, request, watch);
			watch.touch();
			if (!response.body) throw new AssayError('LLM_REQUEST_FAILED', `${url} answered without a body.`);
			const type = response.headers.get('content-type') ?? '';
			if (/application\/json/i.test(type)) {
				// A server that ignores `stream: true` answers with one completion object.
				const whole = parseCompletion(await response.text(), url);
				if (whole.text) yield { type: 'token', text: whole.text };
				if (whole.usage) yield { type: 'usage', usage: whole.usage };
				yield { type: 'done', finishReason: whole.finish };
				return;
			}
			let ended = false;
			// Any bytes, keep-alive comments included, restart the idle clock.
			for await (const data of readSseData(response.body, watch.controller.signal, () => watch.touch())) {
				if (data.trim() === '[DONE]') {
					ended = true;
					break;
				}
				const chunk = parseChunk(data, url);
				const choice = chunk.choices?.[0];
				const text = choice?.delta?.content;
				if (text) yield { type: 'token', text };
				if (choice?.finish_reason) {
					finish = choice.finish_reason === 'length' ? 'length' : 'stop';
					ended = true;
				}
				if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens ?? 0, outputTokens: chunk.usage.completion_tokens ?? 0 };
			}
			if (watch.timedOut)
				throw new AssayError(
					'LLM_REQUEST_FAILED',
					`${url} sent nothing for ${formatIdle(idleMs)}: the request was given up (idle timeout).`
				);
			if (signal?.aborted) finish = 'abort';
			// A connection closed before a finish reason or [DONE] is a cut answer, not a finished one.
			else if (!ended)
				throw new AssayError(
					'LLM_GENERATION_FAILED',
					`The stream from ${url} ended before the server finished the answer (no finish_reason and no [DONE]): the text so far is incomplete.`
				);
		} catch (caught) {
			const error =
				watch.timedOut && !(caught instanceof AssayError)
					? new AssayError('LLM_REQUEST_FAILED', `${url} sent nothing for ${formatIdle(idleMs)}: the request was given up (idle timeout).`)
					: caught;
			if (!signal?.aborted) {
				yield {
					type: 'error',
					error: toErrorData(
						error instanceof AssayError
							? error
							: new AssayError(
									'LLM_REQUEST_FAILED',
									`Could not reach ${url}: ${String(error)}. Is the server running, does it allow this page's origin (CORS), and is its host allowed by the site's CSP?`,
									{ cause: error }
								)
					)
				};
				return;
			}
			finish = 'abort';
		} finally {
			watch.stop();
		}
		if (usage) yield { type: 'usage', usage };
		yield { type: 'done', finishReason: finish };
	}

	private async post(url: string, request: ChatRequest, watch: IdleWatch): Promise<Response> {
		const body: Record<string, unknown> = {
			model: this.endpoint.model,
			messages: request.messages,
			stream: true,
			stream_options: { include_usage: true },
			max_tokens: request.maxTokens,
			...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
			...(request.seed !== undefined ? { seed: request.seed } : {})
		};
		if (request.responseFormat?.schema)
			body.response_format = {
				type: 'json_schema',
				json_schema: { name: 'output', schema: JSON.parse(request.responseFormat.schema) as unknown, strict: true }
			};
		else if (request.responseFormat) body.response_format = { type: 'json_object' };
		const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
		if (this.endpoint.apiKey) headers.authorization = `Bearer ${this.endpoint.apiKey}`;
		let response: Response;
		try {
			response = await fetchWithRetry(
				url,
				{ method: 'POST', headers, body: JSON.stringify(body), signal: watch.controller.signal },
				{
					...this.endpoint.retry,
					...this.retryDeps,
					fetch: this.fetchImpl,
					// The idle watch is the per-attempt timeout; a backoff wait is not the server being idle.
					timeoutMs: Infinity,
					exhaustedCode: 'LLM_REQUEST_FAILED',
					onRetry: () => watch.stop(),
					onAttempt: () => watch.touch()
				}
			);
		} catch (error) {
			if (!isRetryExhausted(error)) throw error;
			throw new AssayError(
				'LLM_REQUEST_FAILED',
				`${error.message} Is the server running, does it allow this page's origin (CORS), and is its host allowed by the site's CSP?`,
				{ cause: error.cause, details: { ...error.details, retryExhausted: true } }
			);
		}
		if (response.ok) return response;
		const text = (await response.text().catch(() => '')).slice(0, 300);
		const code = /context length|maximum context|context window|too long/i.test(text) ? 'CONTEXT_WINDOW_EXCEEDED' : 'LLM_REQUEST_FAILED';
		throw new AssayError(code, `${url} answered HTTP ${response.status}: ${text || response.statusText}`, {
			details: { status: response.status }
		});
	}
}

/** A non-streamed completion (`choices[0].message.content`), for servers that ignore `stream: true`. */
function parseCompletion(body: string, url: string): { text: string; finish: FinishReason; usage?: ChatUsage } {
	let value: {
		choices?: { message?: { content?: string | null }; finish_reason?: string | null }[];
		usage?: { prompt_tokens?: number; completion_tokens?: number };
		error?: { message?: string };
	};
	try {
		value = JSON.parse(body) as typeof value;
	} catch (cause) {
		throw new AssayError('LLM_REQUEST_FAILED', `${url} answered with JSON that does not parse: ${body.slice(0, 100)}`, { cause });
	}
	if (value.error) throw new AssayError('LLM_GENERATION_FAILED', `The endpoint reported an error: ${value.error.message ?? 'unknown'}`);
	const choice = value.choices?.[0];
	if (!choice?.message || typeof choice.message.content !== 'string')
		throw new AssayError('LLM_REQUEST_FAILED', `${url} answered JSON without choices[0].message.content: ${body.slice(0, 100)}`);
	return {
		text: choice.message.content,
		finish: choice.finish_reason === 'length' ? 'length' : 'stop',
		...(value.usage ? { usage: { inputTokens: value.usage.prompt_tokens ?? 0, outputTokens: value.usage.completion_tokens ?? 0 } } : {})
	};
}

function parseChunk(data: string, url: string): StreamChunk {
	let chunk: StreamChunk;
	try {
		chunk = JSON.parse(data) as StreamChunk;
	} catch (cause) {
		throw new AssayError('LLM_REQUEST_FAILED', `${url} sent a stream event that is not JSON: ${data.slice(0, 100)}`, { cause });
	}
	if (chunk.error)
		throw new AssayError('LLM_GENERATION_FAILED', `The endpoint reported an error mid-stream: ${chunk.error.message ?? 'unknown'}`);
	return chunk;
}
