import type { MLCEngineInterface, ChatCompletionChunk, ChatCompletionRequestStreaming } from '@mlc-ai/web-llm';
import { toErrorData } from '../shared/errors.ts';
import type { ChatMessage, ChatModel, ChatRequest, ChatUsage, FinishReason, ModelStreamEvent } from '../generation/types.ts';
import { HermesStreamSplitter, hermesStructuralTag, toHermesMessages } from '../agents/hermes.ts';
import { mapWebLlmError } from './webllm-errors.ts';

/**
 * The {@link ChatModel} port over a loaded WebLLM engine (in practice a `WebWorkerMLCEngine`
 * whose `MLCEngine` runs in `workers/llm.worker.ts`). Type-only import: this file adds nothing
 * of web-llm to the bundle that imports it. Usage comes from the last chunk
 * (`stream_options.include_usage`), speeds from `usage.extra`. Abort calls `interruptGenerate()`,
 * which ends the stream with finish reason `abort`.
 *
 * Tools: WebLLM's own `tools` works only for a few 7–8B Hermes builds (others throw
 * `UnsupportedModelIdError`), so a request with `tools` is prompted and parsed Hermes-style
 * (`agents/hermes.ts`): the messages go through {@link toHermesMessages} (the tools block in the
 * system prompt, calls as `<tool_call>` text, results as `<tool_response>` user turns — role
 * `tool` is never sent: Qwen templates throw "Role is not supported: tool"); unless `toolChoice`
 * is `none` or the request also asks for `responseFormat`, `response_format` is
 * {@link hermesStructuralTag} so each call is valid JSON for its tool; Qwen3 models get
 * `extra_body.enable_thinking: false` (WebLLM 0.2.86 then writes an empty think block, no
 * reasoning). Text is streamed as `token`s except `<tool_call>` blocks and `<think>` reasoning,
 * held back by {@link HermesStreamSplitter}; at the end each call is one `tool_call` event
 * (ids `call_<n>`, numbered after the calls already in the history) and the finish reason is
 * `tool_calls` (`length` stays `length`; an aborted turn yields no calls). A history with calls
 * or tool results but no tools is rewritten the same way, without the tools block.
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
		const splitter = usesHermes(request) ? new HermesStreamSplitter() : undefined;
		try {
			const body = this.body(request);
			const chunks: AsyncIterable<ChatCompletionChunk> = await this.engine.chat.completions.create(body);
			for await (const chunk of chunks) {
				const choice = chunk.choices[0];
				const content = choice?.delta.content;
				if (content) {
					const text = splitter ? splitter.push(content) : content;
					if (text) yield { type: 'token', text };
				}
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
		if (splitter) {
			const { rest, parse } = splitter.finish(callsSoFar(request.messages));
			if (rest) yield { type: 'token', text: rest };
			if (finish !== 'abort') {
				for (const call of parse.calls) yield { type: 'tool_call', call };
				if (parse.calls.length > 0 && finish === 'stop') finish = 'tool_calls';
			}
		}
		if (usage) yield { type: 'usage', usage };
		yield { type: 'done', finishReason: finish };
	}

	/** The WebLLM request: Hermes messages, structural tag and no-thinking flag when tools are in play. */
	private body(request: ChatRequest): ChatCompletionRequestStreaming {
		const tools = request.tools ?? [];
		const messages: readonly ChatMessage[] = usesHermes(request) ? toHermesMessages(request.messages, tools) : request.messages;
		const constrain = tools.length > 0 && request.toolChoice !== 'none' && !request.responseFormat;
		const body: ChatCompletionRequestStreaming = {
			messages: messages.map((m) => ({ role: m.role, content: m.content })) as ChatCompletionRequestStreaming['messages'],
			stream: true,
			stream_options: { include_usage: true },
			max_tokens: request.maxTokens,
			...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
			...(request.seed !== undefined ? { seed: request.seed } : {}),
			...(request.responseFormat
				? {
						response_format: { type: 'json_object', ...(request.responseFormat.schema ? { schema: request.responseFormat.schema } : {}) }
					}
				: constrain
					? { response_format: hermesStructuralTag(tools, request.toolChoice) as ChatCompletionRequestStreaming['response_format'] }
					: {}),
			// WebLLM documents enable_thinking for Qwen3 only (chat_completion.d.ts: "Currently only allowed to be used for Qwen3 models").
			...(tools.length > 0 && /qwen3/i.test(this.modelId) ? { extra_body: { enable_thinking: false } } : {})
		};
		return body;
	}
}

/** Whether the request goes through Hermes prompting: it has tools, or its history has calls or results. */
function usesHermes(request: ChatRequest): boolean {
	return (request.tools?.length ?? 0) > 0 || request.messages.some((m) => m.role === 'tool' || (m.toolCalls?.length ?? 0) > 0);
}

/** Calls already made in the conversation, so new `call_<n>` ids do not repeat earlier ones. */
function callsSoFar(messages: readonly ChatMessage[]): number {
	return messages.reduce((n, m) => n + (m.role === 'assistant' ? (m.toolCalls?.length ?? 0) : 0), 0);
}
