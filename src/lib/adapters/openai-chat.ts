import { AssayError, toErrorData } from '../shared/errors.ts';
import type { ChatModel, ChatRequest, ChatUsage, FinishReason, ModelStreamEvent, ToolCallRequest } from '../generation/types.ts';
import { fetchWithRetry, isRetryExhausted, type RetryOptions } from '../shared/http/retry.ts';
import { readSseData } from './sse.ts';
import { chatCompletionBody } from '../generation/openai-wire.ts';

export { chatCompletionBody, toOpenAiMessage } from '../generation/openai-wire.ts';

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

/** One `delta.tool_calls[]` piece (OpenAI streaming shape; vLLM, llama.cpp and Ollama send the same). */
interface ToolCallDelta {
	index?: number;
	id?: string | null;
	type?: string;
	function?: { name?: string | null; arguments?: unknown };
}

interface StreamChunk {
	choices?: { delta?: { content?: string | null; tool_calls?: ToolCallDelta[] | null }; finish_reason?: string | null }[];
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
 *
 * Tools: a request with `tools` sends them as `tools: [{type: 'function', function: {name,
 * description, parameters}}]` with `tool_choice` (default `auto`); assistant turns carry their
 * `tool_calls`, results go back as `{role: 'tool', tool_call_id, content}`. Streamed
 * `delta.tool_calls[]` pieces are assembled by `index` ({@link ToolCallAssembler}) and each call
 * is yielded as one `tool_call` event after the last text, before `usage`/`done`, with finish
 * reason `tool_calls` (also when the server said `stop` with calls present, as some do; a
 * `length` finish stays `length`, the cut calls still yielded for the loop to report as invalid).
 * The non-streamed fallback reads `choices[0].message.tool_calls` the same way.
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
		let finish: FinishReason;
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
				for (const call of whole.calls) yield { type: 'tool_call', call };
				if (whole.usage) yield { type: 'usage', usage: whole.usage };
				yield { type: 'done', finishReason: whole.finish };
				return;
			}
			let ended = false;
			let serverFinish: string | undefined;
			const calls = new ToolCallAssembler();
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
				if (Array.isArray(choice?.delta?.tool_calls)) calls.add(choice.delta.tool_calls);
				if (choice?.finish_reason) {
					serverFinish = choice.finish_reason;
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
			else {
				const made = calls.calls();
				// Calls only once the turn is over (never half-assembled arguments mid-stream).
				for (const call of made) yield { type: 'tool_call', call };
				finish = finishReasonOf(serverFinish, made.length > 0);
			}
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
		const body = chatCompletionBody(this.endpoint.model, request, true);
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
		// A server not started for tool calling refuses `tools` (vLLM: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set').
		const toolHint =
			body.tools && response.status >= 400 && response.status < 500 && /tool/i.test(text)
				? ' The server refused the tools: it must be started with tool calling on (vLLM: --enable-auto-tool-choice --tool-call-parser hermes for Qwen; llama.cpp: --jinja).'
				: '';
		throw new AssayError(code, `${url} answered HTTP ${response.status}: ${text || response.statusText}${toolHint}`, {
			details: { status: response.status }
		});
	}
}

/**
 * A non-streamed completion (`choices[0].message.content`, and `choices[0].message.tool_calls`
 * when the model called tools — `content` may then be `null`), for servers that ignore `stream: true`.
 */
function parseCompletion(body: string, url: string): { text: string; calls: ToolCallRequest[]; finish: FinishReason; usage?: ChatUsage } {
	let value: {
		choices?: { message?: { content?: string | null; tool_calls?: unknown }; finish_reason?: string | null }[];
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
	const rawCalls = choice?.message?.tool_calls;
	const hasCalls = Array.isArray(rawCalls) && rawCalls.length > 0;
	if (!choice?.message || (typeof choice.message.content !== 'string' && !hasCalls))
		throw new AssayError(
			'LLM_REQUEST_FAILED',
			`${url} answered JSON without choices[0].message.content (or tool_calls): ${body.slice(0, 100)}`
		);
	const assembler = new ToolCallAssembler();
	if (hasCalls) assembler.add(rawCalls as ToolCallDelta[]);
	const calls = assembler.calls();
	return {
		text: typeof choice.message.content === 'string' ? choice.message.content : '',
		calls,
		finish: finishReasonOf(choice.finish_reason ?? undefined, calls.length > 0),
		...(value.usage ? { usage: { inputTokens: value.usage.prompt_tokens ?? 0, outputTokens: value.usage.completion_tokens ?? 0 } } : {})
	};
}

/**
 * The port's finish reason from the server's: `length` stays `length` (even with calls: they may
 * be cut), calls present otherwise → `tool_calls` (servers that say `stop`, or legacy
 * `function_call`), anything else → `stop`.
 */
function finishReasonOf(server: string | undefined, hasCalls: boolean): FinishReason {
	if (server === 'length') return 'length';
	return hasCalls ? 'tool_calls' : 'stop';
}

/**
 * Assembles streamed `delta.tool_calls[]` pieces into whole calls (OpenAI streaming shape):
 * the first piece of a call has `index`, `id` and `function.name`, later pieces of the same
 * `index` carry `function.arguments` fragments to concatenate; several indexes are parallel
 * calls, possibly interleaved. Tolerant of servers that bend the shape:
 * - no `index` → the piece continues the call with its `id`, else the last call (a piece with a
 *   new `id` starts a new call);
 * - a new `id` on an index whose call already has another id and a name → a new call (servers
 *   that reuse index 0 for every call);
 * - a name repeated in every piece is kept once; a name split over pieces is joined;
 * - `arguments` sent as an object instead of a string → its JSON text;
 * - an index that never got an id → `call_<index>`; a call that never got a name → `""`.
 * Arguments are raw text, not parsed: the agent loop validates them.
 */
export class ToolCallAssembler {
	private readonly slots: ToolCallSlot[] = [];

	/** Add one chunk's `tool_calls` array (or a non-streamed message's whole calls). */
	add(deltas: readonly ToolCallDelta[]): void {
		for (const d of deltas) {
			if (d === null || typeof d !== 'object') continue;
			const id = typeof d.id === 'string' && d.id !== '' ? d.id : undefined;
			const slot = this.slotFor(d, id);
			if (id && !slot.id) slot.id = id;
			const name = d.function?.name;
			if (typeof name === 'string' && name !== '' && name !== slot.name) slot.name += name;
			const args = d.function?.arguments;
			if (typeof args === 'string') slot.args += args;
			else if (args !== undefined && args !== null) slot.args += JSON.stringify(args);
		}
	}

	/** The calls so far, in order of first appearance. */
	calls(): ToolCallRequest[] {
		return this.slots.map((s, n) => ({ id: s.id ?? `call_${s.index ?? n}`, name: s.name, argumentsJson: s.args }));
	}

	private slotFor(d: ToolCallDelta, id: string | undefined): ToolCallSlot {
		if (typeof d.index === 'number' && Number.isInteger(d.index) && d.index >= 0) {
			// The newest call at this index; a different id on a named call there starts a new call.
			const existing = this.slots.findLast((s) => s.index === d.index);
			if (existing && !(id && existing.id && existing.id !== id && existing.name !== '')) return existing;
			return this.open(d.index);
		}
		if (id) return this.slots.find((s) => s.id === id) ?? this.open(undefined);
		return this.slots.at(-1) ?? this.open(undefined);
	}

	private open(index: number | undefined): ToolCallSlot {
		const slot: ToolCallSlot = { ...(index !== undefined ? { index } : {}), name: '', args: '' };
		this.slots.push(slot);
		return slot;
	}
}

interface ToolCallSlot {
	/** The server's `index`, when it gave one. */
	index?: number;
	id?: string;
	name: string;
	args: string;
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
