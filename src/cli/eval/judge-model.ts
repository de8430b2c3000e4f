import { isUnreachable } from '../../lib/evals/system/assay-system.ts';
import type { ChatModel, ChatRequest, ModelStreamEvent } from '../../lib/generation/types.ts';

/**
 * The judge as `assay eval` uses it: the OpenAI-compatible model whose failures to reach the
 * endpoint at all — `LLM_REQUEST_FAILED` without an HTTP status (refused connection, DNS, idle
 * timeout, every retry of a 429/503 spent: `isUnreachable` of assay-system.ts) — are re-coded
 * `SYSTEM_UNREACHABLE` (same message and details), the code on which system evaluation stops
 * grading and marks the report incomplete (exit 3). An HTTP error the endpoint answered (401,
 * 400 …) stays `LLM_REQUEST_FAILED`: a per-verdict error, counted, never scored.
 */
export class UnreachableAsSystemError implements ChatModel {
	readonly modelId: string;
	readonly provider: string;

	constructor(private readonly inner: ChatModel) {
		this.modelId = inner.modelId;
		this.provider = inner.provider;
	}

	async *stream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ModelStreamEvent> {
		for await (const event of this.inner.stream(request, signal)) {
			if (event.type === 'error' && isUnreachable(event.error)) yield { ...event, error: { ...event.error, code: 'SYSTEM_UNREACHABLE', message: `The judge could not be reached: ${event.error.message}` } };
			else yield event;
		}
	}
}
