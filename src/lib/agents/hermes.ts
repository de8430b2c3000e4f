import type { ChatMessage, ChatRequest, ToolCallRequest, ToolSpec } from '../generation/types.ts';

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
/** End-of-turn special tokens a decoder may leave in the text (Qwen/Hermes ChatML, Llama 3). */
const SPECIAL = /<\|(?:im_end|endoftext|eot_id|im_start)\|>/g;

/**
 * Parse a Hermes-format completion.
 * - Reasoning inside `<think>…</think>` (Qwen3 thinking mode) is dropped, calls included: a call
 *   the model only thought about was not made (a known failure mode, lmstudio-bug-tracker#1870).
 *   A `</think>` with no `<think>` before it (templates whose generation prompt opens the block
 *   itself, as Qwen3.5's and Qwen3-thinking's do) drops everything before it too.
 * - End-of-turn special tokens left in the text (`<|im_end|>`, `<|endoftext|>`, `<|eot_id|>`)
 *   are removed.
 * - A block's JSON is read for `name` and `arguments` in either key order (Hermes-2-Pro writes
 *   `arguments` first); `arguments` given as a JSON string (some fine-tunes double-encode) is
 *   passed through as that string. A block that is not JSON, or is cut by `max_tokens` (no
 *   closing tag), becomes a call whose `argumentsJson` is the raw block text and whose `name` is
 *   `""` when unreadable — the loop reports it to the model as invalid.
 * @param idOffset calls already made in the run, so ids stay unique across turns
 */
export function parseHermesOutput(output: string, idOffset = 0): HermesParse {
	let rest = output.replace(SPECIAL, '');
	const firstClose = rest.indexOf('</think>');
	const firstOpen = rest.indexOf('<think>');
	if (firstClose !== -1 && (firstOpen === -1 || firstClose < firstOpen)) rest = rest.slice(firstClose + '</think>'.length);
	const visible = rest.replace(THINK, '');
	const { blocks, text } = callBlocks(visible);
	const calls: ToolCallRequest[] = blocks.map((raw, n) => ({ id: `call_${idOffset + n + 1}`, ...readCall(raw) }));
	return { text: text.trim(), calls };
}

const OPEN_TAG = '<tool_call>';
const CLOSE_TAG = '</tool_call>';

/**
 * Split `<tool_call>…</tool_call>` blocks from the text. A block ends at the first closing tag
 * after which its body is JSON — so an argument that itself contains `</tool_call>` (a search for
 * that string) stays whole — or, when no such tag makes it JSON, at the first closing tag; an
 * unclosed block runs to the end (cut by `max_tokens`).
 */
function callBlocks(visible: string): { blocks: string[]; text: string } {
	const blocks: string[] = [];
	let text = '';
	let at = 0;
	for (;;) {
		const open = visible.indexOf(OPEN_TAG, at);
		if (open === -1) {
			text += visible.slice(at);
			break;
		}
		text += visible.slice(at, open);
		const start = open + OPEN_TAG.length;
		const first = visible.indexOf(CLOSE_TAG, start);
		if (first === -1) {
			blocks.push(visible.slice(start).trim());
			break;
		}
		let end = first;
		for (let close = first; close !== -1; close = visible.indexOf(CLOSE_TAG, close + 1))
			if (isJson(visible.slice(start, close))) {
				end = close;
				break;
			}
		blocks.push(visible.slice(start, end).trim());
		at = end + CLOSE_TAG.length;
	}
	return { blocks, text };
}

function isJson(text: string): boolean {
	try {
		JSON.parse(text);
		return true;
	} catch {
		return false;
	}
}

function readCall(raw: string): { name: string; argumentsJson: string } {
	try {
		const value = JSON.parse(raw) as unknown;
		if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
			// `parameters` is the Llama 3.1 spelling some fine-tunes fall back to.
			const { name, arguments: given, parameters } = value as { name?: unknown; arguments?: unknown; parameters?: unknown };
			const args = given ?? parameters;
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
 * `<tools></tools>`, then the `<tool_call>` output format. The JSON is spaced as the template's
 * `tojson` filter writes it (Python `json.dumps` defaults: `", "` and `": "`), the form the
 * models were trained on.
 */
export function hermesToolSystemPrompt(tools: readonly ToolSpec[]): string {
	const lines = tools.map((t) =>
		pythonJson({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })
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
 * - the tools block is appended to the system message (one is added when there is none; none
 *   at all when `tools` is empty — a history with calls sent without tools);
 * - an assistant turn's calls become `<tool_call>` text after its content (WebLLM keeps only
 *   `content`, so the calls must be in it for the model to see what it did);
 * - consecutive `tool` results become one `user` turn of `<tool_response>` blocks, in order.
 * Result content is passed as given: the loop has already delimited it as untrusted data.
 */
export function toHermesMessages(messages: readonly ChatMessage[], tools: readonly ToolSpec[]): ChatMessage[] {
	// No tools (a history with calls, sent without them): the turns are rewritten, no tools block.
	const block = tools.length > 0 ? hermesToolSystemPrompt(tools) : '';
	const out: ChatMessage[] = [];
	if (block && messages[0]?.role !== 'system') out.push({ role: 'system', content: block });
	let afterToolResult = false;
	for (const m of messages) {
		if (m.role === 'tool') {
			const response = `<tool_response>\n${m.content}\n</tool_response>`;
			const last = out.at(-1);
			if (afterToolResult && last) out[out.length - 1] = { role: 'user', content: `${last.content}\n${response}` };
			else out.push({ role: 'user', content: response });
			afterToolResult = true;
			continue;
		}
		afterToolResult = false;
		if (m.role === 'system') out.push({ role: 'system', content: out.length === 0 && block ? `${m.content}\n\n${block}` : m.content });
		else if (m.role === 'assistant') out.push({ role: 'assistant', content: withCalls(m) });
		else out.push({ role: m.role, content: m.content });
	}
	return out;
}

/**
 * JSON text as Python's `json.dumps(value, ensure_ascii=False)` writes it — the Hugging Face chat
 * templates' `tojson` — items separated by `", "`, keys by `": "`; keys in insertion order,
 * `undefined` object values left out (as `JSON.stringify` does).
 */
export function pythonJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map((v) => pythonJson(v === undefined ? null : v)).join(', ')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`).join(', ')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

function withCalls(m: ChatMessage): string {
	const calls = (m.toolCalls ?? []).map(
		(c) => `<tool_call>\n{"name": ${JSON.stringify(c.name)}, "arguments": ${c.argumentsJson}}\n</tool_call>`
	);
	return [m.content, ...calls].filter((part) => part !== '').join('\n');
}

/** The text that opens a call block; `<tool_call>` is the structural tag's trigger. */
export const HERMES_CALL_OPEN = '<tool_call>';

/**
 * A WebLLM `response_format` that constrains each call to the Hermes shape while leaving text
 * outside calls free: xgrammar's `triggered_tags` structural tag (WebLLM ≥ 0.2.81, PR #756):
 * free text until the trigger `<tool_call>`, then one of the tags — `<tool_call>\n{"name": "X",
 * "arguments": ` + JSON valid against X's `parameters` + `}\n</tool_call>` — then free text again.
 *
 * Shape checked against @mlc-ai/web-llm 0.2.86 in node_modules: `ResponseFormat.type:
 * 'structural_tag'` with `structural_tag` an object (lib/openai_api_protocols/chat_completion.d.ts:
 * "A `json_schema` format nested in the definition must contain the schema object … directly,
 * rather than a JSON-encoded schema string"); its bundled web-xgrammar (`structuralTagToObject`
 * in lib/index.js) accepts `{type: 'structural_tag', format}` or a bare format, and checks the
 * format `type` against its list (`triggered_tags`, `tag`, `json_schema`, …). Tags carry
 * `type: 'tag'` as web-llm's own legacy converter (`structuralTagFromLegacy`) writes them; the
 * begin/end strings are those of web-llm's example `examples/structural-tag-tool-use` and of
 * xgrammar's docs (https://xgrammar.mlc.ai/docs/tutorials/structural_tag.html).
 *
 * `at_least_one: true` (for `toolChoice: 'required'`) forces a call; otherwise the model may
 * answer in text. `stop_after_first: false` allows parallel calls.
 * @param tools the request's tools (at least one; `parameters` must be a JSON Schema object)
 */
export function hermesStructuralTag(tools: readonly ToolSpec[], toolChoice: ChatRequest['toolChoice'] = 'auto'): HermesStructuralTagFormat {
	return {
		type: 'structural_tag',
		structural_tag: {
			type: 'structural_tag',
			format: {
				type: 'triggered_tags',
				triggers: [HERMES_CALL_OPEN],
				tags: tools.map((t) => ({
					type: 'tag',
					begin: `${HERMES_CALL_OPEN}\n{"name": ${JSON.stringify(t.name)}, "arguments": `,
					content: { type: 'json_schema', json_schema: t.parameters },
					end: '}\n</tool_call>'
				})),
				at_least_one: toolChoice === 'required',
				stop_after_first: false
			}
		}
	};
}

/** The `response_format` object {@link hermesStructuralTag} returns (WebLLM's `ResponseFormat` subset). */
export interface HermesStructuralTagFormat {
	readonly type: 'structural_tag';
	readonly structural_tag: {
		readonly type: 'structural_tag';
		readonly format: {
			readonly type: 'triggered_tags';
			readonly triggers: readonly string[];
			readonly tags: readonly {
				readonly type: 'tag';
				readonly begin: string;
				readonly content: { readonly type: 'json_schema'; readonly json_schema: Readonly<Record<string, unknown>> };
				readonly end: string;
			}[];
			readonly at_least_one: boolean;
			readonly stop_after_first: boolean;
		};
	};
}

const HIDDEN_OPENERS = ['<tool_call>', '<think>', '</think>'] as const;

/**
 * Splits a streamed Hermes completion into text that may be shown at once and text that must be
 * held back: `<tool_call>…</tool_call>` blocks (they become `tool_call` events, never tokens) and
 * `<think>…</think>` reasoning (never part of the answer). A chunk that ends in what may be the
 * start of one of these tags (`<`, `<tool_`, `<thi`, …) is held until the next chunk decides it;
 * so is trailing whitespace (dropped when a tag or the end follows it).
 * A lone `</think>` is removed, but text streamed before it cannot be taken back (a template that
 * opens `<think>` itself; Assay asks Qwen3 for `enable_thinking: false`, whose empty block is
 * closed and so hidden).
 *
 * Usage: `push(chunk)` → the text to emit now (possibly `""`); `finish(idOffset)` → the held text
 * that turned out to be plain (a partial tag never completed) and the parse of the whole output.
 */
export class HermesStreamSplitter {
	private all = '';
	private at = 0;
	private state: 'text' | 'think' | 'call' = 'text';
	private started = false;

	/** Add the next piece of model text; returns the part of it (and of earlier held text) safe to show. */
	push(chunk: string): string {
		this.all += chunk;
		let shown = '';
		for (;;) {
			if (this.state === 'text') {
				const next = nextOpener(this.all, this.at);
				if (next) {
					// Whitespace right before a hidden block is layout, not answer text.
					shown += this.all.slice(this.at, next.index).trimEnd();
					this.at = next.index + next.tag.length;
					if (next.tag === '<tool_call>') this.state = 'call';
					else if (next.tag === '<think>') this.state = 'think';
					continue;
				}
				let safeEnd = this.all.length - partialOpenerLength(this.all, this.at);
				// Trailing whitespace waits: it is shown only if more text follows (not a tag, not the end).
				while (safeEnd > this.at && /\s/.test(this.all[safeEnd - 1]!)) safeEnd--;
				shown += this.all.slice(this.at, safeEnd);
				this.at = safeEnd;
				return this.lead(shown);
			}
			const close = this.state === 'call' ? '</tool_call>' : '</think>';
			const end = this.all.indexOf(close, this.at);
			if (end === -1) return this.lead(shown);
			this.at = end + close.length;
			this.state = 'text';
		}
	}

	/** End of stream: the text still held that is plain after all, and the whole output parsed. */
	finish(idOffset = 0): { readonly rest: string; readonly parse: HermesParse } {
		const held = this.state === 'text' ? this.all.slice(this.at) : '';
		const rest = this.lead(held.trim() === '' ? '' : held);
		this.at = this.all.length;
		return { rest, parse: parseHermesOutput(this.all, idOffset) };
	}

	/** Whitespace before the first shown text (after an empty think block, say) is dropped. */
	private lead(shown: string): string {
		if (this.started) return shown;
		const trimmed = shown.trimStart();
		if (trimmed !== '') this.started = true;
		return trimmed;
	}

	/** Everything the model wrote so far, tags included. */
	get output(): string {
		return this.all;
	}
}

function nextOpener(text: string, from: number): { index: number; tag: string } | undefined {
	let best: { index: number; tag: string } | undefined;
	for (const tag of HIDDEN_OPENERS) {
		const index = text.indexOf(tag, from);
		if (index !== -1 && (!best || index < best.index)) best = { index, tag };
	}
	return best;
}

/** Length of the longest suffix of `text[from:]` that is a proper prefix of a hidden tag. */
function partialOpenerLength(text: string, from: number): number {
	const longest = Math.max(...HIDDEN_OPENERS.map((t) => t.length)) - 1;
	for (let n = Math.min(longest, text.length - from); n > 0; n--) {
		const tail = text.slice(text.length - n);
		if (HIDDEN_OPENERS.some((t) => t.startsWith(tail))) return n;
	}
	return 0;
}
