import { AssayError } from '../shared/errors.ts';
import type { ChatMessage, ChatRequest } from './types.ts';

/*
 * The OpenAI chat-completions wire shape of a ChatRequest, shared by the HTTP engine
 * (`adapters/openai-chat.ts`, streaming) and the Batch API export (`evals/batch`, not streaming),
 * so a batch line holds exactly the body Assay would POST.
 */

/**
 * The JSON body Assay POSTs to `/chat/completions` for `request` to model `model`:
 * `{model, messages, stream, stream_options, max_tokens, temperature?, seed?, response_format?,
 * tools?, tool_choice?}`. With `stream: false` (the Batch API, which does not stream) `stream`
 * and `stream_options` are left out and the rest is the same, field for field. Structured output
 * is `response_format: {type: 'json_schema', json_schema: {name: 'output', schema, strict: true}}`
 * (plain JSON mode `{type: 'json_object'}`); messages as {@link toOpenAiMessage}.
 */
export function chatCompletionBody(model: string, request: ChatRequest, stream: boolean): Record<string, unknown> {
	const body: Record<string, unknown> = {
		model,
		messages: request.messages.map(toOpenAiMessage),
		...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
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
	if (request.tools && request.tools.length > 0) {
		body.tools = request.tools.map((t) => ({
			type: 'function',
			function: { name: t.name, description: t.description, parameters: t.parameters }
		}));
		body.tool_choice = request.toolChoice ?? 'auto';
	}
	return body;
}

/**
 * A port message in the OpenAI chat shape: an assistant turn with calls carries
 * `tool_calls: [{id, type: 'function', function: {name, arguments}}]` (its `content` `null` when
 * empty, as OpenAI writes it; arguments that are not JSON sent as a JSON string, see
 * {@link wireArguments}); a tool result is `{role: 'tool', tool_call_id, content}`.
 */
export function toOpenAiMessage(m: ChatMessage): Record<string, unknown> {
	if (m.role === 'assistant' && m.toolCalls && m.toolCalls.length > 0)
		return {
			role: 'assistant',
			content: m.content === '' ? null : m.content,
			tool_calls: m.toolCalls.map((c) => ({
				id: c.id,
				type: 'function',
				function: { name: c.name, arguments: wireArguments(c.argumentsJson) }
			}))
		};
	if (m.role === 'tool') {
		if (!m.toolCallId)
			throw new AssayError(
				'CONFIG_INVALID',
				`A tool result${m.name ? ` from ${m.name}` : ''} has no toolCallId: OpenAI-compatible servers need tool_call_id.`
			);
		return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
	}
	return { role: m.role, content: m.content };
}

/**
 * A call's arguments as sent back in the history. Valid JSON goes as written; text that is not
 * JSON (a malformed or cut call the loop already refused) goes as a JSON string of that text:
 * servers that parse history arguments (vLLM's chat_utils `json.loads`es them for the template)
 * would otherwise reject the whole request, and the model could not learn from its mistake.
 */
function wireArguments(argumentsJson: string): string {
	try {
		JSON.parse(argumentsJson);
		return argumentsJson;
	} catch {
		return JSON.stringify(argumentsJson);
	}
}
