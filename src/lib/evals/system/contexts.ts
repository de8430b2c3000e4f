import { CONTEXT_RUBRIC_IDS, RUBRIC_IDS, type RubricId } from '../answers/types.ts';
import type { SystemContext } from './types.ts';

/**
 * Text-only contexts matched to golden-set documents. A system under test that returns the
 * passages it used but no document ids (`SystemContext.text` without `documentRef`) can still be
 * scored with the retrieval metrics when the corpus is known (a BEIR corpus or an Assay
 * workspace): each such context is matched to a corpus document by text, and the match's
 * reference is used as the context's `documentRef`. Contexts that match nothing stay text only
 * and are only judged (context precision / context recall rubrics).
 *
 * The rule, on normalised text ({@link normaliseForMatch}: NFKC, case-folded, every whitespace
 * run → one space, trimmed):
 * 1. **contained** — the context's normalised text is a substring of the document's normalised
 *    text (a system that returns a chunk, a sentence or a whole document of the corpus);
 * 2. **near-duplicate** — else, the context's token set has Jaccard similarity
 *    ≥ {@link NEAR_DUPLICATE_JACCARD} (0.9) with the token set of one of the document's chunks
 *    (or of the whole document when no chunks are given): a passage re-chunked, re-flowed or
 *    lightly edited (punctuation, one word). Tokens are maximal runs of letters, marks and
 *    digits (`[\p{L}\p{M}\p{N}]+`) of the normalised text, as a set.
 * An empty context (nothing left after normalisation) never matches. When several documents
 * qualify under the same step, the one whose whole token set is most similar (Jaccard) to the
 * context wins — the most specific document — then the smallest reference (code-unit order), so
 * the result is deterministic; such contexts are also counted as `ambiguous`.
 *
 * Candidate documents are found through an inverted index, so matching is not a scan of the
 * corpus per context: for step 1 a document must contain the context's rarest inner token (an
 * inner token — not the first or last, which may be cut mid-word — is a whole token of any text
 * that contains the context); for step 2 the prefix filter of set-similarity joins (Chaudhuri,
 * Ganti & Kaushik 2006; Bayardo, Ma & Srikant 2007): a chunk with Jaccard ≥ t shares at least one
 * of the context's ⌊(1 − t)·|A|⌋ + 1 rarest tokens, and has between t·|A| and |A|/t tokens.
 */

/** Jaccard threshold of the near-duplicate step (token sets of the context and of a chunk), inclusive. */
export const NEAR_DUPLICATE_JACCARD = 0.9;

/** A document of the known corpus: its portable reference (as golden sets name documents), its text, and optionally its chunks' texts. */
export interface CorpusDocument {
	/** BEIR `_id`, or the workspace document's external id / relative path (as `AnswerSource.documentRef`). */
	readonly ref: string;
	readonly text: string;
	/** The document's chunks (an Assay workspace); absent = the whole text is one chunk (a BEIR passage). */
	readonly chunks?: readonly string[];
}

/** How a context got its `documentRef`: the system gave it, one of the two matching steps, or none (`null`: text only). */
export type ContextMatchKind = 'given' | 'contained' | 'near-duplicate' | null;

/** What {@link ContextMatcher.match} returns for one answer's contexts. */
export interface ContextMatchResult {
	/** The contexts in their order, `documentRef` filled where a text-only context matched (given references are kept as they are). */
	readonly contexts: readonly SystemContext[];
	/** Per context, how its reference was found. */
	readonly kinds: readonly ContextMatchKind[];
	/**
	 * For the report: text-only contexts `matched` to a document and `unmatched` (left text only),
	 * `ambiguous` = matched ones where several documents qualified; `given` = contexts that came
	 * with a reference.
	 */
	readonly counts: ContextMatchCounts;
}

/** Counts of {@link ContextMatchResult}; add them over cases with {@link addMatchCounts}. */
export interface ContextMatchCounts {
	readonly given: number;
	readonly matched: number;
	readonly unmatched: number;
	readonly ambiguous: number;
}

/**
 * The normalised text both sides are compared on: Unicode NFKC (compatibility forms such as
 * ligatures, full-width letters and non-breaking spaces folded), case-folded (upper- then
 * lower-cased, so `ß` ≡ `SS` ≡ `ss` and final `ς` ≡ `σ`; then NFKC again), every run of white
 * space (`\s`, Unicode) replaced by one space, and trimmed.
 */
export function normaliseForMatch(text: string): string {
	return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/** Token sequence of normalised text: maximal runs of letters, marks and digits. */
function tokenise(normalised: string): string[] {
	return normalised.match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
}

/** Jaccard similarity |A ∩ B| / |A ∪ B| of two token sets; 0 when both are empty. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
	if (a.size === 0 && b.size === 0) return 0;
	const [small, large] = a.size <= b.size ? [a, b] : [b, a];
	let common = 0;
	for (const t of small) if (large.has(t)) common++;
	return common / (a.size + b.size - common);
}

/** Slack for the prefix and size filters' float products (token counts are integers, far below 1/ε). */
const EPSILON = 1e-9;

interface IndexedDoc {
	readonly ref: string;
	readonly text: string;
	readonly tokens: ReadonlySet<string>;
}

interface IndexedChunk {
	readonly doc: number;
	readonly tokens: ReadonlySet<string>;
}

/** Counts with every field 0. */
export const NO_MATCH_COUNTS: ContextMatchCounts = { given: 0, matched: 0, unmatched: 0, ambiguous: 0 };

/** Field-wise sum of two counts. */
export function addMatchCounts(a: ContextMatchCounts, b: ContextMatchCounts): ContextMatchCounts {
	return {
		given: a.given + b.given,
		matched: a.matched + b.matched,
		unmatched: a.unmatched + b.unmatched,
		ambiguous: a.ambiguous + b.ambiguous
	};
}

/**
 * Matches text-only contexts to the documents of one corpus (index built once, reused for every
 * case). See the module comment for the rule. Pure: no I/O.
 */
export class ContextMatcher {
	readonly #docs: IndexedDoc[] = [];
	readonly #chunks: IndexedChunk[] = [];
	/** token → indexes into #docs (documents whose text has the token). */
	readonly #docsByToken = new Map<string, number[]>();
	/** token → indexes into #chunks. */
	readonly #chunksByToken = new Map<string, number[]>();

	/** @param documents the corpus; a reference that repeats keeps its first document. */
	constructor(documents: readonly CorpusDocument[]) {
		const seen = new Set<string>();
		for (const d of documents) {
			if (seen.has(d.ref)) continue;
			seen.add(d.ref);
			const text = normaliseForMatch(d.text);
			const tokens = new Set(tokenise(text));
			const di = this.#docs.push({ ref: d.ref, text, tokens }) - 1;
			for (const t of tokens) push(this.#docsByToken, t, di);
			for (const chunk of d.chunks ?? [d.text]) {
				const ct = new Set(tokenise(normaliseForMatch(chunk)));
				if (ct.size === 0) continue;
				const ci = this.#chunks.push({ doc: di, tokens: ct }) - 1;
				for (const t of ct) push(this.#chunksByToken, t, ci);
			}
		}
	}

	/** Number of distinct documents indexed. */
	get size(): number {
		return this.#docs.length;
	}

	/** Match one answer's contexts (in order); contexts with a `documentRef` are kept as given. */
	match(contexts: readonly SystemContext[]): ContextMatchResult {
		const out: SystemContext[] = [];
		const kinds: ContextMatchKind[] = [];
		let given = 0;
		let matched = 0;
		let unmatched = 0;
		let ambiguous = 0;
		for (const c of contexts) {
			if (c.documentRef !== undefined) {
				out.push(c);
				kinds.push('given');
				given++;
				continue;
			}
			const found = c.text === undefined ? null : this.#matchText(c.text);
			if (found === null) {
				out.push(c);
				kinds.push(null);
				unmatched++;
				continue;
			}
			out.push({ ...c, documentRef: found.ref });
			kinds.push(found.kind);
			matched++;
			if (found.ambiguous) ambiguous++;
		}
		return { contexts: out, kinds, counts: { given, matched, unmatched, ambiguous } };
	}

	#rarestFirst(tokens: Iterable<string>, index: ReadonlyMap<string, number[]>): string[] {
		return [...new Set(tokens)].sort((a, b) => (index.get(a)?.length ?? 0) - (index.get(b)?.length ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
	}

	#matchText(text: string): { ref: string; kind: 'contained' | 'near-duplicate'; ambiguous: boolean } | null {
		const norm = normaliseForMatch(text);
		if (norm === '') return null;
		const seq = tokenise(norm);
		const set = new Set(seq);

		// Step 1: containment. Candidates: documents holding the rarest inner token; without inner tokens, every document.
		const inner = seq.slice(1, -1);
		const candidates =
			inner.length > 0 ? (this.#docsByToken.get(this.#rarestFirst(inner, this.#docsByToken)[0]!) ?? []) : this.#docs.map((_, i) => i);
		const containing = candidates.filter((i) => this.#docs[i]!.text.includes(norm));
		if (containing.length > 0) return { ...this.#best(containing, set), kind: 'contained', ambiguous: containing.length > 1 };

		// Step 2: near-duplicate of a chunk (prefix filter + size filter, then exact Jaccard).
		if (set.size === 0) return null;
		const t = NEAR_DUPLICATE_JACCARD;
		// ε guards the float products (1 − 0.9) · 10 = 0.999…98 must count as 1 miss allowed, not 0.
		const prefix = this.#rarestFirst(set, this.#chunksByToken).slice(0, Math.floor((1 - t) * set.size + EPSILON) + 1);
		const docs = new Set<number>();
		const tried = new Set<number>();
		for (const token of prefix) {
			for (const ci of this.#chunksByToken.get(token) ?? []) {
				if (tried.has(ci)) continue;
				tried.add(ci);
				const chunk = this.#chunks[ci]!;
				if (chunk.tokens.size < t * set.size - EPSILON || chunk.tokens.size > set.size / t + EPSILON) continue;
				if (jaccard(set, chunk.tokens) >= t) docs.add(chunk.doc);
			}
		}
		if (docs.size === 0) return null;
		return { ...this.#best([...docs], set), kind: 'near-duplicate', ambiguous: docs.size > 1 };
	}

	/** The most specific of several qualifying documents: highest whole-document Jaccard, then smallest reference. */
	#best(indexes: readonly number[], tokens: ReadonlySet<string>): { ref: string } {
		let best = this.#docs[indexes[0]!]!;
		let bestScore = jaccard(tokens, best.tokens);
		for (const i of indexes.slice(1)) {
			const d = this.#docs[i]!;
			const score = jaccard(tokens, d.tokens);
			if (score > bestScore || (score === bestScore && d.ref < best.ref)) [best, bestScore] = [d, score];
		}
		return { ref: best.ref };
	}
}

function push(map: Map<string, number[]>, key: string, value: number): void {
	const list = map.get(key);
	if (list === undefined) map.set(key, [value]);
	else list.push(value);
}

/** One-shot form of {@link ContextMatcher}: build the index over `documents` and match `contexts`. */
export function matchContexts(contexts: readonly SystemContext[], documents: readonly CorpusDocument[]): ContextMatchResult {
	return new ContextMatcher(documents).match(contexts);
}

/** True when some context has text but no `documentRef` (after matching): retrieval metrics cannot score it, only a judge can. */
export function hasTextOnlyContexts(contexts: readonly SystemContext[]): boolean {
	return contexts.some((c) => c.documentRef === undefined && c.text !== undefined && c.text.trim() !== '');
}

/**
 * The rubrics to grade a system's answers with: `rubrics` as configured, plus the context rubrics
 * ({@link CONTEXT_RUBRIC_IDS}: context precision, context recall) when some answer has text-only
 * contexts ({@link hasTextOnlyContexts}) — the runner's rule for systems whose contexts carry no
 * document ids. Order: {@link RUBRIC_IDS}; nothing is added twice; `rubrics` itself is not changed.
 */
export function rubricsForContexts(rubrics: readonly RubricId[], contextsPerAnswer: readonly (readonly SystemContext[])[]): RubricId[] {
	const chosen = new Set(rubrics);
	if (contextsPerAnswer.some(hasTextOnlyContexts)) for (const r of CONTEXT_RUBRIC_IDS) chosen.add(r);
	return RUBRIC_IDS.filter((r) => chosen.has(r));
}
