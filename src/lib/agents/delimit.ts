import { canonicalJson } from '../shared/hash.ts';

/**
 * How tool results reach the model: as data, never as instructions. A result is wrapped in
 * `<tool_result name="…" untrusted="true">…</tool_result>`; any text inside that could close or
 * open the wrapper (or forge a Hermes `<tool_call>` / `<tool_response>` tag, or a chat-template
 * control token such as `<|im_start|>`) is neutralised by
 * replacing its `<` with the look-alike `‹` (U+2039), so the model can still read it but no
 * engine parses it as structure. The system prompt tells the model that text inside these tags is
 * data from outside and may try to instruct it (OWASP LLM01 "indirect prompt injection").
 */

/** Tags a result must not be able to open or close: our wrapper and the Hermes call format. */
const STRUCTURE_TAG = /<(\/?)\s*(tool_result|tool_call|tool_response|tools)\b/gi;

/**
 * Chat-template control tokens written as text (ChatML `<|im_start|>`, `<|im_end|>`, Llama 3
 * `<|eot_id|>` / `<|start_header_id|>`, Gemma `<start_of_turn>` / `<end_of_turn>`). Tokenizers
 * match added special tokens inside message text, so a result holding them could open a forged
 * system or assistant turn; their `<` becomes `‹` too.
 */
const CONTROL_TOKEN = /<(\|[A-Za-z0-9_.:-]{1,40}\|>|\/?(?:start_of_turn|end_of_turn)>)/g;

/** Tool names are `^[a-zA-Z0-9_-]{1,64}$` by contract; anything else is dropped from the attribute. */
const safeName = (name: string) => name.replace(/[^a-zA-Z0-9_-]/g, '').slice(0, 64) || 'tool';

/**
 * Untrusted text with every wrapper / Hermes tag and chat-template control token defused (`<` →
 * `‹`); ordinary angle brackets stay. For tool results and for what MCP servers say about their
 * tools (descriptions reach the model's prompt too).
 */
export function neutraliseStructure(text: string): string {
	return text
		.replace(STRUCTURE_TAG, (_m, slash: string, tag: string) => `‹${slash}${tag}`)
		.replace(CONTROL_TOKEN, (_m, rest: string) => `‹${rest}`);
}

/**
 * Wrap one tool result for the prompt.
 * @param name the tool's name (sanitised for the attribute)
 * @param content the result text, untrusted
 * @param isError mark the wrapper `error="true"` (the tool failed or the call was refused); default false
 * @returns the delimited text
 */
export function delimitToolResult(name: string, content: string, isError = false): string {
	const body = neutraliseStructure(content);
	return `<tool_result name="${safeName(name)}" untrusted="true"${isError ? ' error="true"' : ''}>\n${body}\n</tool_result>`;
}

/**
 * The identity of a call for the repeated-call stop: the tool name and its arguments as
 * canonical JSON (keys sorted at every level), so `{a:1,b:2}` and `{b:2,a:1}` are the same call.
 */
export function callIdentity(name: string, args: Readonly<Record<string, unknown>>): string {
	return `${name}\u0000${canonicalJson(args)}`;
}
