import type { Bm25Index } from './bm25-index.ts';
import { bm25Idf, bm25LengthNorm, bm25TermScore } from './scoring.ts';

/** One query term's part of a BM25 score. */
export interface TermExplanation {
	readonly term: string;
	/** Times the term occurs in the analyzed query (each occurrence adds its score). */
	readonly queryCount: number;
	/** Term frequency in the item. */
	readonly tf: number;
	/** Items containing the term (df). */
	readonly df: number;
	readonly idf: number;
	/** `queryCount · idf · tf / (tf + k1 · (1 − b + b · dl / avgdl))`; 0 when tf = 0. */
	readonly contribution: number;
}

/** Why an item scored what it did for a query. */
export interface Bm25Explanation {
	/** Sum of the contributions: the item's BM25 score. */
	readonly score: number;
	readonly terms: readonly TermExplanation[];
	/** dl: the item's analyzed length (terms, repeats included). */
	readonly itemLength: number;
	readonly averageLength: number;
	/** N: items in the index. */
	readonly itemCount: number;
	readonly k1: number;
	readonly b: number;
}

/**
 * Explain the BM25 score of `itemText` (an item indexed in `index`, analyzed again here with
 * the index's analyzer) for `query`, term by term, with the formula of `scoring.ts` (Lucene 8+).
 * The score equals what `index.search` gives the item, up to floating-point summation order.
 */
export function explainBm25(index: Bm25Index, query: string, itemText: string): Bm25Explanation {
	const itemTerms = index.analyzer.analyze(itemText);
	const tf = new Map<string, number>();
	for (const t of itemTerms) tf.set(t, (tf.get(t) ?? 0) + 1);
	const queryCounts = new Map<string, number>();
	for (const t of index.analyzer.analyze(query)) queryCounts.set(t, (queryCounts.get(t) ?? 0) + 1);
	const { itemCount, averageLength } = index.stats();
	const norm = bm25LengthNorm(index.k1, index.b, itemTerms.length, averageLength);
	const terms: TermExplanation[] = [...queryCounts].map(([term, queryCount]) => {
		const df = index.documentFrequency(term);
		const f = tf.get(term) ?? 0;
		const idf = df > 0 ? bm25Idf(itemCount, df) : 0;
		return { term, queryCount, tf: f, df, idf, contribution: f > 0 && df > 0 ? queryCount * bm25TermScore(idf, f, norm) : 0 };
	});
	return {
		score: terms.reduce((s, t) => s + t.contribution, 0),
		terms,
		itemLength: itemTerms.length,
		averageLength,
		itemCount,
		k1: index.k1,
		b: index.b
	};
}
