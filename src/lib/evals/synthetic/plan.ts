import { seededRandom } from '../stats/paired.ts';
import { LUCENE_ENGLISH_STOP_WORDS } from '../../search/analyzers/index.ts';
import type { SyntheticDocument, SyntheticExcerpt, SyntheticItem, SyntheticOptions } from './types.ts';

/** Defaults of {@link SyntheticOptions}. */
export const SYNTHETIC_DEFAULTS = { multiShare: 0.3, seed: 1, maxExcerptChars: 1500, minSharedTerms: 2, maxTokens: 400 } as const;

/**
 * The distinctive terms of a text: lower-cased letter/digit runs of at least 4 code points that
 * are not Lucene English stop words. Used only to find related documents, not for search.
 */
export function distinctiveTerms(text: string): Set<string> {
	const out = new Set<string>();
	for (const t of text
		.normalize('NFKC')
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u))
		if ([...t].length >= 4 && !LUCENE_ENGLISH_STOP_WORDS.has(t)) out.add(t);
	return out;
}

/** A pair of related documents: indexes into the document list and the number of terms they share. */
export interface RelatedPair {
	readonly a: number;
	readonly b: number;
	readonly shared: number;
}

/**
 * Pairs of documents sharing at least `minShared` distinctive terms, most shared first (ties in
 * document order). Each document appears in at most one pair per round of a plan, not here.
 */
export function relatedPairs(docs: readonly SyntheticDocument[], minShared: number): RelatedPair[] {
	const terms = docs.map((d) => distinctiveTerms(d.chunks.join('\n')));
	const pairs: RelatedPair[] = [];
	for (let a = 0; a < docs.length; a++)
		for (let b = a + 1; b < docs.length; b++) {
			let shared = 0;
			for (const t of terms[a]!) if (terms[b]!.has(t)) shared++;
			if (shared >= minShared) pairs.push({ a, b, shared });
		}
	return pairs.sort((x, y) => y.shared - x.shared || x.a - y.a || x.b - y.b);
}

function shuffled<T>(items: readonly T[], rng: () => number): T[] {
	const out = [...items];
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(rng() * (i + 1));
		[out[i], out[j]] = [out[j]!, out[i]!];
	}
	return out;
}

const excerpt = (d: SyntheticDocument, chunk: string, max: number): SyntheticExcerpt => ({
	ref: d.ref,
	title: d.title,
	text: chunk.trim().slice(0, max)
});

/** The chunk of `d` sharing most terms with `other` (first on ties). */
function bestChunkFor(d: SyntheticDocument, other: ReadonlySet<string>): string {
	let best = d.chunks[0] ?? '';
	let bestScore = -1;
	for (const c of d.chunks) {
		let score = 0;
		for (const t of distinctiveTerms(c)) if (other.has(t)) score++;
		if (score > bestScore) [best, bestScore] = [c, score];
	}
	return best;
}

/**
 * Plan a generation: `round(count × multiShare)` multi-document items over {@link relatedPairs}
 * (best pairs first, repeated round-robin; each side's excerpt is its chunk sharing most terms
 * with the other document), then single-document items over the documents in a seeded shuffle
 * (round-robin, a seeded random chunk each; they also fill multi items no pair could). Deterministic for equal inputs and seed. Documents
 * without chunks are left out.
 * @returns the items, multi-document first, and how many multi items no pair could fill
 */
export function planSynthetic(
	docs: readonly SyntheticDocument[],
	options: SyntheticOptions
): { items: SyntheticItem[]; multiUnavailable: number } {
	const usable = docs.filter((d) => d.chunks.some((c) => c.trim() !== ''));
	const rng = seededRandom(options.seed ?? SYNTHETIC_DEFAULTS.seed);
	const max = options.maxExcerptChars ?? SYNTHETIC_DEFAULTS.maxExcerptChars;
	const count = Math.max(0, Math.floor(options.count));
	const multiWanted = Math.min(count, Math.round(count * Math.min(1, Math.max(0, options.multiShare ?? SYNTHETIC_DEFAULTS.multiShare))));
	const pairs = relatedPairs(usable, options.minSharedTerms ?? SYNTHETIC_DEFAULTS.minSharedTerms);
	const multi = pairs.length === 0 ? 0 : multiWanted;
	const items: SyntheticItem[] = [];
	for (let i = 0; i < multi; i++) {
		const p = pairs[i % pairs.length]!;
		const [a, b] = [usable[p.a]!, usable[p.b]!];
		const [ta, tb] = [distinctiveTerms(a.chunks.join('\n')), distinctiveTerms(b.chunks.join('\n'))];
		items.push({
			index: items.length,
			kind: 'multi',
			excerpts: [excerpt(a, bestChunkFor(a, tb), max), excerpt(b, bestChunkFor(b, ta), max)]
		});
	}
	const order = shuffled(usable, rng);
	const singles = order.length === 0 ? 0 : count - multi;
	for (let i = 0; i < singles; i++) {
		const d = order[i % order.length]!;
		const chunks = d.chunks.filter((c) => c.trim() !== '');
		items.push({ index: items.length, kind: 'single', excerpts: [excerpt(d, chunks[Math.floor(rng() * chunks.length)]!, max)] });
	}
	return { items, multiUnavailable: multiWanted - multi };
}
