import { CITATION_FORMS, findCitationMarkers, summarizeCitations, type UnrecognizedMarker } from '../../generation/citations.ts';

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

const named = (u: readonly UnrecognizedMarker[], reason: UnrecognizedMarker['reason']) =>
	u.filter((x) => x.reason === reason).map((x) => x.text);

/**
 * Passes when the answer has at least one citation marker (any form of `CITATION_FORMS`,
 * parsed by `summarizeCitations`, the parser the Ask page links with). A bracketed year is not a
 * citation; a source named in a form the parser does not read (`[Source 1]`) fails with that
 * form named. `sources` (optional) are the packed sources, so a number naming one is never a year.
 */
export function checkCitationsPresent(answer: string, sources?: readonly CheckSource[]): CheckOutcome {
	const s = summarizeCitations(answer, sources ? new Set(sources.map((x) => x.n)) : Number.MAX_SAFE_INTEGER);
	if (s.markers.length > 0) return { pass: true, reason: `${s.markers.length} citation marker(s)` };
	const forms = named(s.unrecognized, 'form');
	if (forms.length > 0)
		return {
			pass: false,
			reason: `No citation in a form Assay reads (${CITATION_FORMS.join(' ')}); unsupported marker(s): ${forms.join(', ')}.`
		};
	return { pass: false, reason: 'The answer cites no source.' };
}

/**
 * Passes when every cited number names a retrieved source (cited ids ⊆ retrieved ids). A
 * bracketed year (`[2019]`, naming no source) is not a citation and so never invalid.
 */
export function checkCitationsValid(answer: string, sources: readonly CheckSource[]): CheckOutcome {
	const retrieved = new Set(sources.map((s) => s.n));
	const s = summarizeCitations(answer, retrieved);
	const bad = s.invalid;
	const cited = s.cited.length + bad.length;
	if (bad.length > 0)
		return {
			pass: false,
			reason: `Cited source(s) ${bad.map((n) => `[${n}]`).join(', ')} were not retrieved (retrieved: ${
				[...retrieved]
					.sort((a, b) => a - b)
					.map((n) => `[${n}]`)
					.join(', ') || 'none'
			}).`
		};
	return { pass: true, reason: cited === 0 ? 'Nothing cited, so nothing invalid.' : `All ${cited} cited source(s) were retrieved.` };
}

// A quotation directly followed by its citation marker, in the quotation marks of English,
// German, French and CJK text: "…", “…”, „…“, ‘…’, «…», 「…」, 『…』. Straight single quotes are
// left out: they are apostrophes far more often than quotation marks.
const PAIRS: readonly (readonly [string, string])[] = [
	['"', '"'],
	['“', '”'],
	['„', '“'],
	['‘', '’'],
	['«', '»'],
	['「', '」'],
	['『', '』']
];
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// The lookahead only admits a quotation whose next non-space character may open a marker; the
// marker itself is then taken from `findCitationMarkers` (the one citation parser).
const QUOTE = new RegExp(
	'(?:' +
		PAIRS.map(([open, close]) => `${esc(open)}([^${esc(open)}${esc(close)}\n]+)${esc(close)}`).join('|') +
		')' +
		String.raw`(\s*)(?=[\[【［(])`,
	'g'
);
const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();
/** The text a reader sees in Markdown: emphasis and code markers and link targets removed (`**26 days**` reads "26 days"). */
const readable = (s: string) =>
	s
		.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/\*\*|__|`/g, '')
		.replace(/(^|[\s(])[*_](?=\S)|(?<=\S)[*_](?=[\s).,;:!?、。]|$)/g, '$1');

/**
 * Passes when every quotation followed by a citation (`"…" [n]`, `「…」【n】`, any marker form; see `PAIRS`) occurs
 * verbatim in at least one of the cited sources, as written or as a reader sees its Markdown
 * (emphasis/code markers and link targets removed). Runs of whitespace are compared as one space
 * (line wrapping is not a change of wording); everything else — case, punctuation, digits — must
 * match exactly.
 */
export function checkQuotesVerbatim(answer: string, sources: readonly CheckSource[]): CheckOutcome {
	const byN = new Map(sources.map((s) => [s.n, [collapse(s.text), collapse(readable(s.text))]] as const));
	const markers = new Map(findCitationMarkers(answer).map((m) => [m.start, m] as const));
	const quotes = [...answer.matchAll(QUOTE)].flatMap((q) => {
		const marker = markers.get(q.index + q[0].length);
		return marker ? [{ q, marker }] : [];
	});
	for (const { q, marker } of quotes) {
		const quoted = q.slice(1, -1).find((g) => g !== undefined) as string;
		const text = collapse(quoted);
		const numbers = [...new Set(marker.numbers)];
		const found = numbers.some((n) => byN.get(n)?.some((source) => source.includes(text)) === true);
		if (!found)
			return {
				pass: false,
				reason: `The quotation "${text}" is not found verbatim in cited source(s) ${numbers.map((n) => `[${n}]`).join(', ')}.`
			};
	}
	return {
		pass: true,
		reason: quotes.length === 0 ? 'No cited quotation to verify.' : `All ${quotes.length} cited quotation(s) found verbatim.`
	};
}
