import { z } from '../../shared/zod.ts';
import type { RewriteTechnique } from './types.ts';

/** Longest text kept from one generated query or keyword, UTF-16 code units. */
export const MAX_REWRITE_CHARS = 500;
/** Longest HyDE passage kept, UTF-16 code units. */
export const MAX_PASSAGE_CHARS = 4000;

/** A parsed reply: the generated texts, or why the reply is unusable. */
export type ParsedRewrite = { readonly ok: true; readonly generated: string[] } | { readonly ok: false; readonly reason: string };

const Queries = z.object({ queries: z.array(z.string()) });
const Keywords = z.object({ keywords: z.array(z.string()) });

/** The JSON object in `reply`: the whole reply, or the first `{…}` span (models wrap JSON in fences or prose). */
function jsonIn(reply: string): unknown {
	const text = reply.trim();
	for (const candidate of [text, text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)]) {
		try {
			return JSON.parse(candidate);
		} catch {
			// try the next candidate
		}
	}
	return undefined;
}

/** Trimmed, whitespace-collapsed, non-empty, distinct (case-insensitive), each cut to `max`. */
function clean(items: readonly string[], max: number, exclude: string): string[] {
	const seen = new Set([exclude.trim().toLowerCase()]);
	const out: string[] = [];
	for (const item of items) {
		const t = item.replace(/\s+/g, ' ').trim().slice(0, max);
		if (t && !seen.has(t.toLowerCase())) {
			seen.add(t.toLowerCase());
			out.push(t);
		}
	}
	return out;
}

/**
 * Read a rewrite model's reply (untrusted text; never thrown on):
 * - `multi-query`: JSON `{"queries": [...]}`; at most `count` distinct strings other than the
 *   original are kept; none = unusable;
 * - `expand`: JSON `{"keywords": [...]}`; at most `count` distinct keywords; none = unusable;
 * - `hyde`: the trimmed text (cut to {@link MAX_PASSAGE_CHARS}); empty = unusable.
 */
export function parseRewriteReply(technique: RewriteTechnique, reply: string, count: number, original: string): ParsedRewrite {
	if (technique === 'hyde') {
		const passage = reply.trim().slice(0, MAX_PASSAGE_CHARS);
		return passage ? { ok: true, generated: [passage] } : { ok: false, reason: 'the model returned an empty passage' };
	}
	const json = jsonIn(reply);
	const field = technique === 'multi-query' ? 'queries' : 'keywords';
	const parsed = (technique === 'multi-query' ? Queries : Keywords).safeParse(json);
	if (!parsed.success) return { ok: false, reason: `the reply is not JSON {"${field}": [strings]}` };
	const items = 'queries' in parsed.data ? parsed.data.queries : parsed.data.keywords;
	const generated = clean(items, MAX_REWRITE_CHARS, original).slice(0, count);
	return generated.length > 0 ? { ok: true, generated } : { ok: false, reason: `the reply lists no usable ${field}` };
}
