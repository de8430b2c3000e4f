/**
 * A {@link StreamingClient} over the {@link ChatModel} port, so a model behind that port (the
 * app's in-browser WebLLM engine, or any adapter) is a serving-benchmark target. Each request
 * is one user turn of `prompt` with `maxTokens = outputTokens`; `token` events become `choices`
 * events (timed by the runner), `usage` becomes usage (`inputTokens` → prompt tokens,
 * `outputTokens` → completion tokens). WebLLM runs one engine, so callers use concurrency 1.
 */
import { AssayError } from '../../shared/errors.ts';
import type { ChatModel } from '../../generation/types.ts';
import type { ServingRequest, StreamEvent, StreamingClient } from './client.ts';

/** Options of {@link chatModelStreamingClient}. */
export interface ChatModelClientOptions {
	/** Aborts every stream; a stream that ends with `abort` throws. */
	readonly signal?: AbortSignal;
	/** Sampling temperature sent with each request; absent = the engine's default. */
	readonly temperature?: number;
}

/**
 * Wrap `model` as a streaming client.
 * @throws (from `stream`) AssayError with the model's error code for an `error` event;
 *   `LLM_GENERATION_FAILED` when the stream was aborted (the request did not complete).
 */
export function chatModelStreamingClient(model: ChatModel, options: ChatModelClientOptions = {}): StreamingClient {
	return {
		async *stream(request: ServingRequest): AsyncGenerator<StreamEvent> {
			if (options.signal?.aborted) throw new AssayError('LLM_GENERATION_FAILED', 'The benchmark was stopped before this request.');
			const events = model.stream(
				{
					messages: [{ role: 'user', content: request.prompt }],
					maxTokens: request.outputTokens,
					...(options.temperature === undefined ? {} : { temperature: options.temperature })
				},
				options.signal
			);
			for await (const event of events) {
				if (event.type === 'token') yield { kind: 'choices', content: event.text };
				else if (event.type === 'usage')
					yield { kind: 'usage', promptTokens: event.usage.inputTokens, completionTokens: event.usage.outputTokens };
				else if (event.type === 'error') throw new AssayError(event.error.code, event.error.message);
				else if (event.type === 'done') {
					if (event.finishReason === 'abort')
						throw new AssayError('LLM_GENERATION_FAILED', 'The benchmark was stopped during this request.');
					return;
				}
			}
		}
	};
}
