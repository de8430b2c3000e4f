/**
 * The streaming client port of the serving benchmark and its OpenAI-compatible implementation
 * (`POST {base}/v1/chat/completions` or `/v1/completions` with `stream: true` and
 * `stream_options: {include_usage: true}`, the request vLLM's `vllm bench serve` sends; see
 * `vllm/benchmarks/lib/endpoint_request_func.py`). The runner timestamps each event as it
 * arrives, so the client only parses.
 */
import { AssayError } from '../../shared/errors.ts';
import { readSseData } from '../../shared/http/sse.ts';

/** One benchmark request. */
export interface ServingRequest {
	readonly prompt: string;
	/** The prompt's length by Assay's own estimate (whitespace words); the server's `usage.prompt_tokens` replaces it when sent. */
	readonly promptTokens: number;
	/** Output token limit (`max_completion_tokens` / `max_tokens`). */
	readonly outputTokens: number;
}

/**
 * A parsed stream event: a chunk with a non-empty `choices` array (`content` is its delta text,
 * '' when it has none, e.g. a role-only or special-token chunk), or the usage of the reply.
 */
export type StreamEvent =
	| { readonly kind: 'choices'; readonly content: string }
	| { readonly kind: 'usage'; readonly promptTokens?: number; readonly completionTokens?: number };

/** Streams one request's events; throws (any error) when the request fails. */
export interface StreamingClient {
	stream(request: ServingRequest): AsyncIterable<StreamEvent>;
}

/** Which OpenAI-compatible API the client calls. */
export type ServingEndpoint = '/v1/chat/completions' | '/v1/completions';

/** Options of {@link createOpenAiStreamingClient}. */
export interface OpenAiStreamingOptions {
	/** Server root (`http://127.0.0.1:8000`) or its `/v1` URL; the endpoint path is appended without doubling `/v1`. */
	readonly baseUrl: string;
	readonly model: string;
	/** Default `/v1/chat/completions`. */
	readonly endpoint?: ServingEndpoint;
	/** Sent as `Authorization: Bearer …` when given. */
	readonly apiKey?: string;
	/** Send `ignore_eos: true` (vLLM, SGLang) so every reply runs to `outputTokens`. Default false. */
	readonly ignoreEos?: boolean;
	/** Extra JSON fields merged into every request body (e.g. `{"min_tokens": 128}`). */
	readonly extraBody?: Readonly<Record<string, unknown>>;
	/** Per-request time limit in ms (aborts the fetch). Default none. */
	readonly timeoutMs?: number;
	/** Injected fetch; default `globalThis.fetch`. */
	readonly fetch?: typeof fetch;
}

/** `baseUrl` + `endpoint`, dropping a duplicated `/v1`. */
export function endpointUrl(baseUrl: string, endpoint: ServingEndpoint): string {
	const base = baseUrl.replace(/\/+$/, '');
	return base.endsWith('/v1') ? `${base}${endpoint.slice(3)}` : `${base}${endpoint}`;
}

interface Chunk {
	choices?: { delta?: { content?: string | null; reasoning_content?: string | null }; text?: string | null }[];
	usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
	error?: { message?: string } | string;
}

/**
 * An OpenAI-compatible streaming client.
 * @throws (from `stream`) AssayError `LLM_REQUEST_FAILED` for a network error, a non-2xx
 *   status (with the start of its body), an `error` object in the stream or a chunk that is not JSON.
 */
export function createOpenAiStreamingClient(options: OpenAiStreamingOptions): StreamingClient {
	const endpoint = options.endpoint ?? '/v1/chat/completions';
	const url = endpointUrl(options.baseUrl, endpoint);
	const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
	const chat = endpoint === '/v1/chat/completions';
	return {
		async *stream(request: ServingRequest): AsyncGenerator<StreamEvent> {
			const body = {
				model: options.model,
				...(chat
					? { messages: [{ role: 'user', content: request.prompt }], max_completion_tokens: request.outputTokens }
					: { prompt: request.prompt, max_tokens: request.outputTokens }),
				stream: true,
				stream_options: { include_usage: true },
				...(options.ignoreEos ? { ignore_eos: true } : {}),
				...options.extraBody
			};
			let response: Response;
			try {
				response = await doFetch(url, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						accept: 'text/event-stream',
						...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {})
					},
					body: JSON.stringify(body),
					...(options.timeoutMs ? { signal: AbortSignal.timeout(options.timeoutMs) } : {})
				});
			} catch (error) {
				throw new AssayError('LLM_REQUEST_FAILED', `${url} could not be reached: ${(error as Error).message}`, { cause: error });
			}
			if (!response.ok || !response.body) {
				const text = await response.text().catch(() => '');
				throw new AssayError('LLM_REQUEST_FAILED', `${url} answered HTTP ${response.status}: ${text.slice(0, 300)}`);
			}
			for await (const data of readSseData(response.body)) {
				if (data.trim() === '[DONE]') break;
				let chunk: Chunk;
				try {
					chunk = JSON.parse(data) as Chunk;
				} catch {
					throw new AssayError('LLM_REQUEST_FAILED', `${url} streamed a chunk that is not JSON: ${data.slice(0, 200)}`);
				}
				if (chunk.error) {
					const message = typeof chunk.error === 'string' ? chunk.error : (chunk.error.message ?? JSON.stringify(chunk.error));
					throw new AssayError('LLM_REQUEST_FAILED', `${url} streamed an error: ${message}`);
				}
				const choice = chunk.choices?.[0];
				if (choice) {
					const content = chat ? (choice.delta?.content ?? choice.delta?.reasoning_content ?? '') : (choice.text ?? '');
					yield { kind: 'choices', content };
				}
				if (chunk.usage) {
					yield {
						kind: 'usage',
						...(typeof chunk.usage.prompt_tokens === 'number' ? { promptTokens: chunk.usage.prompt_tokens } : {}),
						...(typeof chunk.usage.completion_tokens === 'number' ? { completionTokens: chunk.usage.completion_tokens } : {})
					};
				}
			}
		}
	};
}
