import type { ToolCallRequest } from '../generation/types.ts';

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
