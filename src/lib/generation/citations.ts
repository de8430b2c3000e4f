/**
 * Citation markers in model output, 1-based source numbers. The one parser behind the Ask
 * page's citation links (`linkCitations` in `app/markdown.ts`), the streamed citation summary
 * and the answer checks `citations-present` / `citations-valid` (`evals/checks`).
 *
 * Read as citations ({@link CITATION_FORMS}):
 * - `[1]`, `[1, 2]`, `[1][2]`, ranges `[1-3]` / `[1–3]` (→ 1, 2, 3), mixed `[1, 3-4]`;
 * - footnote style `[^1]`;
 * - CJK lenticular `【1】` and fullwidth `［2］` brackets, with ASCII or fullwidth digits and
 *   `,` `，` `、` as separators;
 * - the spelled-out form `(Source 2)` / `(Sources 1, 2)`.
 * Not citations: Markdown link text `[1](url)`, definitions `[1]: url` / `[^1]: text`,
 * reference links `[text][1]`, and a bracketed year (`[2019]`: four digits 1000–2999 naming no
 * source), which is reported as {@link UnrecognizedMarker} instead of as an invented source.
 * Bracketed source names in other forms (`[Source 1]`, `[doc 2]`, `[#3]`) are named as
 * unrecognised too, never counted as citations.
 */

/** Names of the marker forms read as citations (for docs and the answer view). */
export const CITATION_FORMS = ['[n]', '[n, m]', '[n-m]', '[^n]', '【n】', '［n］', '(Source n)'] as const;

/** One marker occurrence. Offsets are UTF-16 code units into the parsed text, `[start, end)`. */
export interface CitationMarker {
	readonly start: number;
	readonly end: number;
	/** Source numbers named by the marker, in written order, ranges expanded. */
	readonly numbers: readonly number[];
}

/** Bracketed text that looks like a reference but is not read as a citation. */
export interface UnrecognizedMarker {
	readonly start: number;
	readonly end: number;
	/** The marker as written, e.g. `[2019]`, `[Source 1]`. */
	readonly text: string;
	/** `year`: a bracketed year, not a source number; `form`: a form the parser does not read. */
	readonly reason: 'year' | 'form';
}

/** The citation picture of an answer. */
export interface CitationSummary {
	/** Markers with at least one source number (years removed). */
	readonly markers: readonly CitationMarker[];
	/** Distinct cited numbers that name a packed source, ascending. */
	readonly cited: readonly number[];
	/** Distinct cited numbers that name no packed source (not retrieved), ascending. */
	readonly invalid: readonly number[];
	/** Bracketed years and unsupported forms, in text order; neither cited nor invalid. */
	readonly unrecognized: readonly UnrecognizedMarker[];
	/** True when the answer cites nothing at all (no marker, no unrecognised source form). */
	readonly uncited: boolean;
}

const DIGITS = '[0-9０-９]{1,4}';
const ITEM = `${DIGITS}(?:\\s*[-–—－]\\s*${DIGITS})?`;
const LIST = `${ITEM}(?:\\s*[,，、]\\s*${ITEM})*`;
// Groups: 1 `[` or `[^` content, 2 `【…】`, 3 `［…］`, 4 `(Source …)`.
const MARKER = new RegExp(`\\[\\^?(${LIST})\\]|【(${LIST})】|［(${LIST})］|\\((?:[Ss]ources?|SOURCES?)\\s+(${LIST})\\)`, 'g');
// A bracket naming a source in a form not read above: `[Source 1]`, `[doc 2]`, `[#3]`, `【source 1】`.
const OTHER_FORM =
	/\[(?:(?:sources?|src|docs?|documents?|refs?|references?|chunks?|passages?|contexts?|cite|citations?)\s*[#:.]?\s*|#)[0-9０-９]{1,4}[^\]\n]{0,12}\]|【[^】\n0-9０-９]{0,12}[0-9０-９][^】\n]{0,12}】|［[^］\n0-9０-９]{0,12}[0-9０-９][^］\n]{0,12}］/giu;
/** A range wider than this is not a citation (`[1-500]`). */
const MAX_RANGE = 50;

const toAscii = (s: string) => s.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));

/** Source numbers of a marker's content (`1, 3-4` → 1, 3, 4), or null for an over-wide or reversed range. */
function expand(content: string): number[] | null {
	const out: number[] = [];
	for (const item of toAscii(content).split(/\s*[,，、]\s*/)) {
		const [a, b] = item.split(/\s*[-–—－]\s*/).map(Number) as [number, number | undefined];
		if (b === undefined) out.push(a);
		else if (b < a || b - a >= MAX_RANGE) return null;
		else for (let n = a; n <= b; n++) out.push(n);
	}
	return out;
}

interface RawMarker extends CitationMarker {
	readonly text: string;
	/** The numbers as written (range ends, not expanded) with their digit counts, to tell a year from a source number. */
	readonly written: readonly (readonly [value: number, digits: number])[];
}

function scan(text: string): RawMarker[] {
	const out: RawMarker[] = [];
	for (const m of text.matchAll(MARKER)) {
		const start = m.index;
		const end = start + m[0].length;
		const content = (m[1] ?? m[2] ?? m[3] ?? m[4])!;
		if (m[1] !== undefined) {
			const next = text[end];
			if (next === '(' || next === ':') continue;
			const last = out[out.length - 1];
			if (text[start - 1] === ']' && !(last !== undefined && last.end === start)) continue;
		}
		const numbers = expand(content);
		if (numbers === null) continue;
		const written = toAscii(content)
			.match(/\d+/g)!
			.map((d) => [Number(d), d.length] as const);
		out.push({ start, end, numbers, text: m[0], written });
	}
	return out;
}

/** A number that reads as a year (four digits, 1000–2999) rather than a source number. */
function isYearLike(n: number, written: number): boolean {
	return written === 4 && n >= 1000 && n <= 2999;
}

/**
 * Find citation markers in `text` (every form of {@link CITATION_FORMS}, numbers not checked
 * against any source list; a bracketed year is still a marker here, see
 * {@link summarizeCitations}).
 */
export function findCitationMarkers(text: string): CitationMarker[] {
	return scan(text).map(({ start, end, numbers }) => ({ start, end, numbers }));
}

/**
 * Summarise the citations of `text` against the packed sources: `sources` is their count
 * (valid numbers `1…sources`) or the set of valid numbers. A marker whose numbers are all
 * year-like (four digits, 1000–2999) and name no source is an {@link UnrecognizedMarker}
 * `year`, not an invalid citation. Streaming callers re-run this on the text so far; an
 * unfinished `[1` at the end is simply not a marker yet.
 */
export function summarizeCitations(text: string, sources: number | ReadonlySet<number>): CitationSummary {
	const isSource =
		typeof sources === 'number' ? (n: number) => Number.isInteger(n) && n >= 1 && n <= sources : (n: number) => sources.has(n);
	const markers: CitationMarker[] = [];
	const unrecognized: UnrecognizedMarker[] = [];
	const valid = new Set<number>();
	const invalid = new Set<number>();
	const raw = scan(text);
	for (const m of raw) {
		// `[2019]`, `[2019, 2020]`, `[1999-2003]`: years, unless a number names a source.
		const years = m.written.every(([n, digits]) => isYearLike(n, digits)) && !m.numbers.some(isSource);
		if (years) {
			unrecognized.push({ start: m.start, end: m.end, text: m.text, reason: 'year' });
			continue;
		}
		markers.push({ start: m.start, end: m.end, numbers: m.numbers });
		for (const n of m.numbers) (isSource(n) ? valid : invalid).add(n);
	}
	for (const m of text.matchAll(OTHER_FORM)) {
		const start = m.index;
		const end = start + m[0].length;
		if (text[end] === '(' || text[end] === ':') continue;
		if (raw.some((r) => r.start < end && start < r.end)) continue;
		unrecognized.push({ start, end, text: m[0], reason: 'form' });
	}
	unrecognized.sort((a, b) => a.start - b.start);
	const asc = (s: Set<number>) => [...s].sort((a, b) => a - b);
	const uncited = markers.length === 0 && !unrecognized.some((u) => u.reason === 'form');
	return { markers, cited: asc(valid), invalid: asc(invalid), unrecognized, uncited };
}
