import { findCitationMarkers, summarizeCitations } from '../../generation/citations.ts';

/** A retrieved chunk packed into the prompt as source `[n]` (1-based, as the generator numbered it). */
export interface CheckSource {
	readonly n: number;
	readonly chunkId: string;
	readonly text: string;
}

/** Pass/fail of one check on one answer, with a reason a person can act on. */
export interface CheckOutcome {
	readonly pass: boolean;
	readonly reason: string;
}

/** Passes when the answer has at least one citation marker (`[n]`). */
export function checkCitationsPresent(answer: string): CheckOutcome {
	const n = findCitationMarkers(answer).length;
	return n > 0 ? { pass: true, reason: `${n} citation marker(s)` } : { pass: false, reason: 'The answer cites no source.' };
}

/** Passes when every cited number names a retrieved source (cited ids ⊆ retrieved ids). */
export function checkCitationsValid(answer: string, sources: readonly CheckSource[]): CheckOutcome {
	const retrieved = new Set(sources.map((s) => s.n));
	const cited = [...new Set(findCitationMarkers(answer).flatMap((m) => m.numbers))];
	const bad = cited.filter((n) => !retrieved.has(n)).sort((a, b) => a - b);
	if (bad.length > 0) return { pass: false, reason: `Cited source(s) ${bad.map((n) => `[${n}]`).join(', ')} were not retrieved (retrieved: ${[...retrieved].sort((a, b) => a - b).map((n) => `[${n}]`).join(', ') || 'none'}).` };
	return { pass: true, reason: cited.length === 0 ? 'Nothing cited, so nothing invalid.' : `All ${cited.length} cited source(s) were retrieved.` };
}

// A quotation directly followed by its citation marker, in the quotation marks of English,
// German, French and CJK text: "…", “…”, „…“, ‘…’, «…», 「…」, 『…』. Straight single quotes are
// left out: they are apostrophes far more often than quotation marks.
const PAIRS: readonly (readonly [string, string])[] = [['"', '"'], ['“', '”'], ['„', '“'], ['‘', '’'], ['«', '»'], ['「', '」'], ['『', '』']];
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const QUOTE = new RegExp('(?:' + PAIRS.map(([open, close]) => `${esc(open)}([^${esc(open)}${esc(close)}\n]+)${esc(close)}`).join('|') + ')' + String.raw`\s*(\[\d{1,4}(?:\s*,\s*\d{1,4})*\])`, 'g');
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
/** The text a reader sees in Markdown: emphasis and code markers and link targets removed (`**26 days**` reads "26 days"). */
const readable = (s: string) => s.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\*\*|__|`/g, '').replace(/(^|[\s(])[*_](?=\S)|(?<=\S)[*_](?=[\s).,;:!?、。]|$)/g, '$1');

/**
 * Passes when every quotation followed by a citation (`"…" [n]`, `「…」[n]`, see `PAIRS`) occurs
 * verbatim in at least one of the cited sources, as written or as a reader sees its Markdown
 * (emphasis/code markers and link targets removed). Runs of whitespace are compared as one space
 * (line wrapping is not a change of wording); everything else — case, punctuation, digits — must
 * match exactly.
 */
export function checkQuotesVerbatim(answer: string, sources: readonly CheckSource[]): CheckOutcome {
	const byN = new Map(sources.map((s) => [s.n, [collapse(s.text), collapse(readable(s.text))]] as const));
	const quotes = [...answer.matchAll(QUOTE)];
	for (const q of quotes) {
		const quoted = q.slice(1, -1).find((g) => g !== undefined) as string;
		const text = collapse(quoted);
		const numbers = summarizeCitations(q.at(-1) as string, Number.MAX_SAFE_INTEGER).cited;
		const found = numbers.some((n) => byN.get(n)?.some((source) => source.includes(text)) === true);
		if (!found) return { pass: false, reason: `The quotation "${text}" is not found verbatim in cited source(s) ${numbers.map((n) => `[${n}]`).join(', ')}.` };
	}
	return { pass: true, reason: quotes.length === 0 ? 'No cited quotation to verify.' : `All ${quotes.length} cited quotation(s) found verbatim.` };
}
