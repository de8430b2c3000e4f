/**
 * Query-term highlighting inside already-sanitised HTML (search result cards render the chunk's
 * Markdown, so the hit's `[start, end)` ranges into the raw text no longer map onto the output).
 * The marked surface strings are collected from the ranges and marked again in the HTML's text
 * only: tags and attributes are copied unchanged, character references (`&amp;`) are never
 * split, so the result holds exactly the input's markup plus `<mark>` elements. Pure; no DOM.
 */

/** A marked surface string and whether the original mark stood at a word boundary on each side. */
export interface MarkTerm {
	/** Lower-cased text of the marked range. */
	readonly text: string;
	/** The range started at a word boundary (so a match must too: `run` does not mark `rerun`). */
	readonly boundedStart: boolean;
	/** The range ended at a word boundary (CJK bigram ranges inside a longer word do not). */
	readonly boundedEnd: boolean;
}

const WORD = /[\p{L}\p{N}\p{M}_]/u;
const isWord = (c: string | undefined) => c !== undefined && WORD.test(c);

/**
 * The distinct terms of `ranges` (sorted, non-overlapping `[start, end)` UTF-16 offsets into
 * `text`, as `SearchHit.highlights`), longest first. Blank ranges are skipped.
 */
export function markTerms(text: string, ranges: readonly (readonly [number, number])[]): MarkTerm[] {
	const seen = new Map<string, MarkTerm>();
	for (const [start, end] of ranges) {
		const s = Math.max(0, start);
		const e = Math.min(text.length, end);
		const t = text.slice(s, e).trim().toLowerCase();
		if (!t) continue;
		const term: MarkTerm = { text: t, boundedStart: !isWord(text[s - 1]), boundedEnd: !isWord(text[e]) };
		const key = `${term.boundedStart ? 1 : 0}${term.boundedEnd ? 1 : 0}${t}`;
		if (!seen.has(key)) seen.set(key, term);
	}
	return [...seen.values()].sort((a, b) => b.text.length - a.text.length);
}

/** Wrap each occurrence of a term in a piece of text that holds no markup and no character reference. */
function markPlain(piece: string, terms: readonly MarkTerm[]): string {
	const lower = piece.toLowerCase();
	// Lower-casing may change the length (rare letters like İ); then matching would misplace marks.
	if (lower.length !== piece.length) return piece;
	let out = '';
	let at = 0;
	let p = 0;
	while (p < piece.length) {
		const hit = terms.find(
			(t) =>
				lower.startsWith(t.text, p) && (!t.boundedStart || !isWord(piece[p - 1])) && (!t.boundedEnd || !isWord(piece[p + t.text.length]))
		);
		if (!hit) {
			p++;
			continue;
		}
		out += piece.slice(at, p) + '<mark>' + piece.slice(p, p + hit.text.length) + '</mark>';
		p += hit.text.length;
		at = p;
	}
	return out + piece.slice(at);
}

const REFERENCE = /&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/giu;

/** Mark terms in one text run of serialised HTML (between tags), keeping character references whole. */
function markText(run: string, terms: readonly MarkTerm[]): string {
	let out = '';
	let at = 0;
	for (const m of run.matchAll(REFERENCE)) {
		out += markPlain(run.slice(at, m.index), terms) + m[0];
		at = m.index + m[0].length;
	}
	return out + markPlain(run.slice(at), terms);
}

/**
 * `html` (serialised, sanitised HTML such as `renderSafeMarkdown`'s output) with every
 * occurrence of a term of `terms` in its text wrapped in `<mark>…</mark>`, case-insensitively
 * and respecting each term's word boundaries. Tags (quoted attribute values included, even with
 * `>` inside) are copied unchanged. The output is meant to be sanitised again (allowing `mark`)
 * before it is inserted; this function adds only `<mark>` and `</mark>`.
 */
export function markHtmlText(html: string, terms: readonly MarkTerm[]): string {
	if (terms.length === 0) return html;
	let out = '';
	let i = 0;
	while (i < html.length) {
		if (html[i] === '<') {
			let j = i + 1;
			let quote: string | null = null;
			for (; j < html.length; j++) {
				const c = html[j];
				if (quote) {
					if (c === quote) quote = null;
				} else if (c === '"' || c === "'") quote = c;
				else if (c === '>') break;
			}
			out += html.slice(i, j + 1);
			i = j + 1;
		} else {
			const next = html.indexOf('<', i);
			const j = next === -1 ? html.length : next;
			out += markText(html.slice(i, j), terms);
			i = j;
		}
	}
	return out;
}
