import { AssayError, toErrorData } from '../../shared/errors.ts';
import { chatCompletionBody } from '../../generation/openai-wire.ts';
import type { ChatModel, ChatRequest, ModelStreamEvent } from '../../generation/types.ts';
import { batchCustomId, type BatchKind, type BatchReply } from './format.ts';

/** Identifies the requests of one case: what {@link batchCustomId} hashes besides the body. */
export interface BatchScope {
	readonly kind: BatchKind;
	readonly runId: string;
	readonly caseId: string;
	/** The served model name written into each body (`model`), e.g. `gpt-4o-mini`. */
	readonly modelName: string;
}

/** A request as it goes into the input file: its id and the non-streaming chat body. */
export interface CapturedRequest {
	readonly customId: string;
	readonly body: Record<string, unknown>;
}

/**
 * A ChatModel that sends nothing: it notes each request's non-streaming body
 * (`chatCompletionBody`, as the HTTP engine builds it) and custom id, then ends the stream with
 * an error, so the caller (answer or judge code) stops there — no retry, nothing kept.
 */
export class BatchCaptureModel implements ChatModel {
	readonly provider = 'openai-batch';
	readonly modelId: string;
	readonly captured: CapturedRequest[] = [];

	constructor(private readonly scope: BatchScope) {
		this.modelId = scope.modelName;
	}

	async *stream(request: ChatRequest): AsyncIterable<ModelStreamEvent> {
		const body = chatCompletionBody(this.scope.modelName, request, false);
		this.captured.push({ customId: await batchCustomId(this.scope.kind, this.scope.runId, this.scope.caseId, body), body });
		// `details.batch` tells the system eval's unreachable watch that nothing was sent (so grading goes on).
		yield {
			type: 'error',
			error: toErrorData(new AssayError('LLM_REQUEST_FAILED', 'Captured for a batch file; not sent.', { details: { batch: 'captured' } }))
		};
	}
}

/**
 * A ChatModel that answers from a Batch API output file: each request's custom id is computed
 * as at export and its reply played back (`token`, `usage`, `done`). A request with no reply in
 * the file, or a failed one, ends with an `LLM_REQUEST_FAILED` error (a judge's retry after a
 * bad reply is such a request: it was never in the batch). `used` and `failed` record what was met.
 */
export class BatchReplayModel implements ChatModel {
	readonly provider = 'openai-compatible';
	readonly modelId: string;
	readonly used: { customId: string; reply: BatchReply | null }[] = [];

	constructor(
		private readonly scope: BatchScope,
		private readonly replies: ReadonlyMap<string, BatchReply>
	) {
		this.modelId = scope.modelName;
	}

	async *stream(request: ChatRequest): AsyncIterable<ModelStreamEvent> {
		const body = chatCompletionBody(this.scope.modelName, request, false);
		const customId = await batchCustomId(this.scope.kind, this.scope.runId, this.scope.caseId, body);
		const reply = this.replies.get(customId) ?? null;
		this.used.push({ customId, reply });
		if (!reply || !reply.ok) {
			const message = reply
				? reply.message
				: 'This request has no reply in the batch output file (a retry of a bad reply cannot go through a batch).';
			yield {
				type: 'error',
				error: toErrorData(new AssayError('LLM_REQUEST_FAILED', message, { details: { batch: reply ? 'failed' : 'no-reply' } }))
			};
			return;
		}
		const { completion } = reply;
		if (completion.text) yield { type: 'token', text: completion.text };
		if (completion.usage) yield { type: 'usage', usage: completion.usage };
		yield { type: 'done', finishReason: completion.finishReason };
	}
}
