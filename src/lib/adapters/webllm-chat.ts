import type { MLCEngineInterface, ChatCompletionChunk, ChatCompletionRequestStreaming } from '@mlc-ai/web-llm';
import { toErrorData } from '../shared/errors.ts';
import type { ChatModel, ChatRequest, ChatUsage, FinishReason, ModelStreamEvent } from '../generation/types.ts';
import { mapWebLlmError } from './webllm-errors.ts';

/**
 * The {@link ChatModel} port over a loaded WebLLM engine (in practice a `WebWorkerMLCEngine`
 * whose `MLCEngine` runs in `workers/llm.worker.ts`). Type-only import: this file adds nothing
 * of web-llm to the bundle that imports it. Usage comes from the last chunk
 * (`stream_options.include_usage`), speeds from `usage.extra`. Abort calls `interruptGenerate()`,
 * which ends the stream with finish reason `abort`.
 */
export class WebLlmChatModel implements ChatModel {
	readonly provider = 'webllm';

	constructor(
		private readonly engine: MLCEngineInterface,
		readonly modelId: string
	) {}

	async *stream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ModelStreamEvent> {
		const onAbort = () => this.engine.interruptGenerate();
		signal?.addEventListener('abort', onAbort, { once: true });
		let usage: ChatUsage | undefined;
		let finish: FinishReason = 'stop';
		try {
			const body: ChatCompletionRequestStreaming = {
				messages: request.messages.map((m) => ({ role: m.role, content: m.content })) as ChatCompletionRequestStreaming['messages'],
				stream: true,
				stream_options: { include_usage: true },
				max_tokens: request.maxTokens,
				...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
				...(request.seed !== undefined ? { seed: request.seed } : {}),
				...(request.responseFormat
					? {
							response_format: { type: 'json_object', ...(request.responseFormat.schema ? { schema: request.responseFormat.schema } : {}) }
						}
					: {})
			};
			const chunks: AsyncIterable<ChatCompletionChunk> = await this.engine.chat.completions.create(body);
			for await (const chunk of chunks) {
				const choice = chunk.choices[0];
				if (choice?.delta.content) yield { type: 'token', text: choice.delta.content };
				if (choice?.finish_reason)
					finish = choice.finish_reason === 'length' ? 'length' : choice.finish_reason === 'abort' ? 'abort' : 'stop';
				if (chunk.usage) {
					const extra = chunk.usage.extra;
					usage = {
						inputTokens: chunk.usage.prompt_tokens,
						outputTokens: chunk.usage.completion_tokens,
						prefillTokensPerSecond: extra.prefill_tokens_per_s,
						decodeTokensPerSecond: extra.decode_tokens_per_s
					};
				}
			}
		} catch (error) {
			yield { type: 'error', error: toErrorData(mapWebLlmError(error)) };
			return;
		} finally {
			signal?.removeEventListener('abort', onAbort);
		}
		if (signal?.aborted) finish = 'abort';
		if (usage) yield { type: 'usage', usage };
		yield { type: 'done', finishReason: finish };
	}
}
