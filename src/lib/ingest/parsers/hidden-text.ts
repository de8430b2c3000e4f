import type { ParseWarning } from './types.ts';

/**
 * Hidden and near-invisible text (a prompt-injection vector: instructions a reader never sees
 * but a retriever indexes). Parsers detect it per format — HTML (`hidden`, `display:none`,
 * `visibility:hidden`, `opacity:0`, font under 2 px, text colour equal to its background), DOCX
 * (`w:vanish`, white, under 2 pt), PDF (invisible render mode, white fill on an unpainted page,
 * under 1 pt) — and report it with one warning built here.
 */

/** `ingest.hiddenText`: `drop` keeps hidden text out of the document text; `flag` keeps it. Both warn. */
export type HiddenTextMode = 'drop' | 'flag';

/** One hidden span: why it is hidden and the start of its text. */
export interface HiddenSpan {
	/** `hidden attribute`, `display:none`, `white text`, `invisible render mode`, … */
	readonly reason: string;
	/** The first {@link EXCERPT_CHARS} characters, whitespace collapsed. */
	readonly excerpt: string;
}

/** Length of an excerpt, UTF-16 code units (an ellipsis marks a cut). */
export const EXCERPT_CHARS = 80;

/** A {@link HiddenSpan} for `text`. */
export function hiddenSpan(reason: string, text: string): HiddenSpan {
	const flat = text.replace(/\s+/g, ' ').trim();
	return { reason, excerpt: flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat };
}

/**
 * The warning for `spans` (none when empty): kind `hidden-text-dropped` or `hidden-text-flagged`,
 * the count, the reasons, and up to 5 excerpts (also in the message, quoted).
 */
export function hiddenTextWarnings(spans: readonly HiddenSpan[], mode: HiddenTextMode): ParseWarning[] {
	if (spans.length === 0) return [];
	const reasons = [...new Set(spans.map((s) => s.reason))];
	const excerpts = spans.slice(0, 5).map((s) => s.excerpt);
	const verb = mode === 'drop' ? 'dropped from the indexed text' : 'kept in the indexed text (flagged)';
	return [
		{
			kind: mode === 'drop' ? 'hidden-text-dropped' : 'hidden-text-flagged',
			count: spans.length,
			message: `${spans.length} hidden text span(s) ${verb} (${reasons.join(', ')}): ${excerpts.map((e) => `“${e}”`).join('; ')}.`,
			excerpts
		}
	];
}
