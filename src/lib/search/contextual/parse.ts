import { EstimateTokenizer } from '../../generation/tokenizer.ts';
import { MAX_CONTEXT_TOKENS } from './types.ts';

/** A parsed context reply: the context, or why it is unusable. */
export type ParsedContext = { readonly ok: true; readonly context: string } | { readonly ok: false; readonly reason: string };

const tokenizer = new EstimateTokenizer();
const PREAMBLE = /^(?:here is|here's)?\s*(?:the\s+)?context\s*:\s*/i;
/** Markers of a reply that tries to speak as the system or the template, not describe the chunk. */
const STRUCTURE = /<\|[^|]*\|>|<\/?\s*(?:document|chunk|system|tool_call|tool_result)\b/i;

/**
 * Read a context model's reply (untrusted text; never throws): whitespace collapsed, trimmed, a
 * leading "Context:" dropped and one pair of wrapping quotes removed. Unusable (the chunk keeps
 * no context) when it is empty, longer than {@link MAX_CONTEXT_TOKENS} estimated tokens, or
 * carries a wrapper tag or chat-template token (a document trying to steer the model).
 */
export function parseContext(reply: string): ParsedContext {
	let text = reply.replace(/\s+/g, ' ').trim().replace(PREAMBLE, '');
	if (/^(["'“]).*(["'”])$/.test(text) && text.length >= 2) text = text.slice(1, -1).trim();
	if (!text) return { ok: false, reason: 'the model returned an empty context' };
	const tokens = tokenizer.countTokens(text);
	if (tokens > MAX_CONTEXT_TOKENS)
		return { ok: false, reason: `the context is ${tokens} tokens, more than ${MAX_CONTEXT_TOKENS} (estimated)` };
	if (STRUCTURE.test(text)) return { ok: false, reason: 'the context contains a wrapper tag or chat-template token' };
	return { ok: true, context: text };
}

/**
 * The text a chunk is indexed under (BM25 and the embedded passage): the context, a blank line,
 * then the chunk, as in Anthropic's Contextual Retrieval; the chunk alone when it has no context.
 */
export function contextualText(context: string | null | undefined, chunkText: string): string {
	return context ? `${context}\n\n${chunkText}` : chunkText;
}
