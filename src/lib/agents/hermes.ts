import type { ChatMessage, ToolCallRequest, ToolSpec } from '../generation/types.ts';

/**
 * Hermes-style tool calls as small in-browser models write them (Qwen2.5/Qwen3/Qwen3.5,
 * Hermes-2-Pro/Hermes-3): each call is `<tool_call>\n{"name": …, "arguments": {…}}\n</tool_call>`
 * in the assistant's text (Qwen function-calling guide,
 * https://qwen.readthedocs.io/en/latest/framework/function_call.html; NousResearch
 * Hermes-Function-Calling). WebLLM's built-in `tools` support only a few 7–8B models
 * (WAVE2-NOTES §1), so Assay prompts and parses this format itself.
 */

/** The model's text with the calls taken out, and the calls in order. */
export interface HermesParse {
	/** Text outside `<tool_call>` blocks and outside `<think>…</think>`, trimmed. */
	readonly text: string;
	/** Calls in order; `argumentsJson` is raw (the loop validates it), ids `call_<offset+n>`. */
	readonly calls: readonly ToolCallRequest[];
}

const THINK = /<think>[\s\S]*?(<\/think>|$)/g;
const CALL = /<tool_call>([\s\S]*?)(<\/tool_call>|$)/g;

/**
 * Parse a Hermes-format completion.
 * - Reasoning inside `<think>…</think>` (Qwen3 thinking mode) is dropped, calls included: a call
 *   the model only thought about was not made (a known failure mode, lmstudio-bug-tracker#1870).
 * - A block's JSON is read for `name` and `arguments`; `arguments` given as a JSON string (some
 *   fine-tunes double-encode) is passed through as that string. A block that is not JSON, or is
 *   cut by `max_tokens` (no closing tag), becomes a call whose `argumentsJson` is the raw block
 *   text and whose `name` is `""` when unreadable — the loop reports it to the model as invalid.
 * @param idOffset calls already made in the run, so ids stay unique across turns
 */
export function parseHermesOutput(output: string, idOffset = 0): HermesParse {
	const visible = output.replace(THINK, '');
	const calls: ToolCallRequest[] = [];
	for (const match of visible.matchAll(CALL)) {
		const raw = (match[1] ?? '').trim();
		calls.push({ id: `call_${idOffset + calls.length + 1}`, ...readCall(raw) });
	}
	return { text: visible.replace(CALL, '').trim(), calls };
}

function readCall(raw: string): { name: string; argumentsJson: string } {
	try {
		const value = JSON.parse(raw) as unknown;
		if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
			const { name, arguments: args } = value as { name?: unknown; arguments?: unknown };
			if (typeof name === 'string') return { name, argumentsJson: typeof args === 'string' ? args : JSON.stringify(args ?? {}) };
		}
	} catch {
		// Not JSON (cut by max_tokens, or malformed): fall through to the raw text.
	}
	const name = /"name"\s*:\s*"([^"]*)"/.exec(raw)?.[1] ?? '';
	return { name, argumentsJson: raw };
}

/**
 * The tools block Qwen2.5/Qwen3's chat template appends to the system message when `tools` are
 * given (the template's `# Tools` section, as in Qwen's function-calling guide): one
 * `{"type": "function", "function": {name, description, parameters}}` JSON per line inside
 * `<tools></tools>`, then the `<tool_call>` output format.
 */
export function hermesToolSystemPrompt(tools: readonly ToolSpec[]): string {
	const lines = tools.map((t) =>
		JSON.stringify({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })
	);
	return [
		'# Tools',
		'',
		'You may call one or more functions to assist with the user query.',
		'',
		'You are provided with function signatures within <tools></tools> XML tags:',
		'<tools>',
		...lines,
		'</tools>',
		'',
		'For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:',
		'<tool_call>',
		'{"name": <function-name>, "arguments": <args-json-object>}',
		'</tool_call>'
	].join('\n');
}

/**
 * Messages for an engine whose chat template has no `tool` role (WebLLM's Qwen templates throw
 * "Role is not supported: tool"), in the form Qwen's template renders them:
 * - the tools block is appended to the system message (one is added when there is none);
 * - an assistant turn's calls become `<tool_call>` text after its content (WebLLM keeps only
 *   `content`, so the calls must be in it for the model to see what it did);
 * - consecutive `tool` results become one `user` turn of `<tool_response>` blocks, in order.
 * Result content is passed as given: the loop has already delimited it as untrusted data.
 */
export function toHermesMessages(messages: readonly ChatMessage[], tools: readonly ToolSpec[]): ChatMessage[] {
	const block = hermesToolSystemPrompt(tools);
	const out: ChatMessage[] = [];
	if (messages[0]?.role !== 'system') out.push({ role: 'system', content: block });
	for (const m of messages) {
		if (m.role === 'system') out.push({ role: 'system', content: out.length === 0 ? `${m.content}\n\n${block}` : m.content });
		else if (m.role === 'assistant') out.push({ role: 'assistant', content: withCalls(m) });
		else if (m.role === 'tool') {
			const response = `<tool_response>\n${m.content}\n</tool_response>`;
			const last = out.at(-1);
			if (last?.role === 'user' && last.content.startsWith('<tool_response>'))
				out[out.length - 1] = { role: 'user', content: `${last.content}\n${response}` };
			else out.push({ role: 'user', content: response });
		} else out.push({ role: m.role, content: m.content });
	}
	return out;
}

function withCalls(m: ChatMessage): string {
	const calls = (m.toolCalls ?? []).map(
		(c) => `<tool_call>\n{"name": ${JSON.stringify(c.name)}, "arguments": ${c.argumentsJson}}\n</tool_call>`
	);
	return [m.content, ...calls].filter((part) => part !== '').join('\n');
}
