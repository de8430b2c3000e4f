import { AssayError } from '../shared/errors.ts';
import type { ChatMessage } from './types.ts';
import type { Tokenizer } from './tokenizer.ts';
import { renderSystemPrompt, type SystemPromptSpec } from './system-prompt.ts';

/** A retrieved chunk offered to the prompt, in retrieval rank order. */
export interface SourceChunk {
	readonly chunkId: string;
	readonly documentId: string;
	/** Shown as the source title (document name, plus heading path when given). */
	readonly title: string;
	readonly text: string;
}

/** A chunk packed into the prompt as source `[n]` (`n` 1-based, contiguous; the `id` of its `<source>` element). */
export interface PackedSource extends SourceChunk {
	readonly n: number;
	/** Tokens of this source's block (by the budget's tokenizer). */
	readonly tokens: number;
}

/** A worked example shown before the real question (user turn + assistant turn). */
export interface FewShotExample {
	readonly question: string;
	readonly sources: readonly { readonly title: string; readonly text: string }[];
	readonly answer: string;
}

/** Inputs of {@link assemblePrompt}. */
export interface PromptInput {
	readonly spec: SystemPromptSpec;
	readonly fewShot?: readonly FewShotExample[];
	readonly question: string;
	/** Candidates in rank order; packed greedily while they fit. */
	readonly chunks: readonly SourceChunk[];
	/** The model's context window, tokens (WebLLM prebuilt models: 4096). */
	readonly contextWindowTokens: number;
	/** Tokens kept free for the answer (the request's `maxTokens`). */
	readonly reserveOutputTokens: number;
	readonly tokenizer: Tokenizer;
	/**
	 * Chat-template tokens per message (role markers, separators); default 4 — the OpenAI cookbook's
	 * 3 per message rounded up for templates such as ChatML (`<|im_start|>role\n … <|im_end|>\n`).
	 */
	readonly messageOverheadTokens?: number;
}

/** The assembled prompt and its budget. */
export interface AssembledPrompt {
	readonly messages: ChatMessage[];
	readonly sources: PackedSource[];
	/** Candidates left out because they did not fit the budget. */
	readonly droppedChunkIds: string[];
	/** Estimated (or exact, per `tokenizer.exact`) prompt tokens of `messages`. */
	readonly promptTokens: number;
	/** `contextWindowTokens − reserveOutputTokens`. */
	readonly budgetTokens: number;
	readonly exactCount: boolean;
}

/** Name of the element that wraps each source in the user message (`<source id="n" title="…">…</source>`). */
export const SOURCE_TAG = 'source';

// Anything a tokenizer or a model could read as the start of a `<tag …>` or `</tag>` tag:
// `<`, optional spaces and `/`, then the tag name in any case (`< / SOURCE`, `</source\n>`).
const delimiter = (tag: string) => new RegExp(`<(\\s*/?\\s*)(${tag})(?![a-z0-9_-])`, 'gi');
const DELIMITERS = new Map<string, RegExp>();

/**
 * Make untrusted text safe to place inside a `<tag>` element (default `source`; the judges also
 * delimit `answer`): every occurrence of the delimiter — an opening or closing tag of that
 * name, in any case and spacing — has its `<` replaced by `‹` (U+2039), so the text can neither
 * close its element nor open a fake one with another id. All other text, markup included, is
 * left exactly as it was. `tag` must be a plain name (`[a-z][a-z0-9-]*`).
 */
export function neutraliseDelimiters(text: string, tag: string = SOURCE_TAG): string {
	let re = DELIMITERS.get(tag);
	if (re === undefined) DELIMITERS.set(tag, (re = delimiter(tag)));
	return text.replace(re, '‹$1$2');
}

/** An attribute value: XML-escaped (`&`, `<`, `>`, `"`), line breaks and tabs as spaces, delimiters neutralised first. */
export function escapeAttribute(value: string): string {
	return neutraliseDelimiters(value)
		.replace(/[\r\n\t]+/g, ' ')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.trim();
}

/**
 * The block for one source: `<source id="n" title="…">`, its text on the lines between, then
 * `</source>`. The text is data, not instructions: delimiters inside it are neutralised
 * ({@link neutraliseDelimiters}) so it cannot break out of its element, and the title is an
 * escaped attribute. `n` is the number the answer cites as `[n]`.
 */
export function formatSource(n: number, title: string, text: string): string {
	return `<${SOURCE_TAG} id="${n}" title="${escapeAttribute(title)}">\n${neutraliseDelimiters(text.trim())}\n</${SOURCE_TAG}>`;
}

/** The user message: sources (blank-line separated) then the question. */
export function formatUserMessage(sourceBlocks: readonly string[], question: string): string {
	const sources = sourceBlocks.length > 0 ? sourceBlocks.join('\n\n') : '(no sources)';
	return `Sources:\n${sources}\n\nQuestion: ${question.trim()}`;
}

/**
 * Assemble the chat messages for a grounded answer: system prompt (from the spec), few-shot
 * pairs, then ONE last user message holding the sources — each a delimited
 * `<source id="n" title="…">` element ({@link formatSource}) — and the question — the
 * earlier messages stay identical between questions so an engine can reuse its KV cache.
 * Chunks are packed in rank order while `promptTokens ≤ contextWindowTokens − reserveOutputTokens`;
 * one that does not fit is skipped and later (shorter) ones are still tried. Numbers are
 * assigned in packing order, so `[1]…[k]` are contiguous.
 * @throws AssayError `CONTEXT_WINDOW_EXCEEDED` when the prompt without any source does not fit;
 *   `CONFIG_INVALID` when the reserve is not below the window.
 */
export function assemblePrompt(input: PromptInput): AssembledPrompt {
	const { tokenizer, contextWindowTokens: window, reserveOutputTokens: reserve } = input;
	if (!(Number.isInteger(window) && Number.isInteger(reserve) && reserve >= 1 && reserve < window)) {
		throw new AssayError(
			'CONFIG_INVALID',
			`Expected integer reserveOutputTokens in [1, contextWindowTokens); received ${reserve} with a window of ${window}.`
		);
	}
	const overhead = input.messageOverheadTokens ?? 4;
	const head: ChatMessage[] = [{ role: 'system', content: renderSystemPrompt(input.spec) }];
	for (const ex of input.fewShot ?? []) {
		head.push({
			role: 'user',
			content: formatUserMessage(
				ex.sources.map((s, i) => formatSource(i + 1, s.title, s.text)),
				ex.question
			)
		});
		head.push({ role: 'assistant', content: ex.answer });
	}
	const budget = window - reserve;
	const headTokens = head.reduce((sum, m) => sum + overhead + tokenizer.countTokens(m.content), 0);
	const baseTokens = headTokens + overhead + tokenizer.countTokens(formatUserMessage([], input.question));
	if (baseTokens > budget) {
		throw new AssayError(
			'CONTEXT_WINDOW_EXCEEDED',
			`The prompt needs ${baseTokens} tokens before any source, but only ${budget} of the ${window}-token window are left after reserving ${reserve} for the answer. Shorten the system prompt, few-shot examples or question.`,
			{ details: { baseTokens, budget, window, reserve } }
		);
	}
	const sources: PackedSource[] = [];
	const dropped: string[] = [];
	let used = baseTokens;
	for (const chunk of input.chunks) {
		const n = sources.length + 1;
		// The separator "\n\n" between blocks costs at most one token; counted with the block.
		const tokens = tokenizer.countTokens(formatSource(n, chunk.title, chunk.text)) + 1;
		if (used + tokens > budget) {
			dropped.push(chunk.chunkId);
			continue;
		}
		sources.push({ ...chunk, n, tokens });
		used += tokens;
	}
	const user = formatUserMessage(
		sources.map((s) => formatSource(s.n, s.title, s.text)),
		input.question
	);
	return {
		messages: [...head, { role: 'user', content: user }],
		sources,
		droppedChunkIds: dropped,
		promptTokens: used,
		budgetTokens: budget,
		exactCount: tokenizer.exact
	};
}
