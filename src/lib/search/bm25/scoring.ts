/**
 * The BM25 formula as in Lucene 8+ (`BM25Similarity`, without its lossy length encoding) and
 * the reference runs in `shared/datasets/README.md`:
 *
 *   idf(t)      = ln(1 + (N − df + 0.5) / (df + 0.5))
 *   score(q, d) = Σ over query terms t, repeats included, of idf(t) · tf / (tf + k1 · (1 − b + b · dl / avgdl))
 *
 * N = number of indexed items (empty ones included), df = items containing t, tf = count of t
 * in the item, dl = the item's term count, avgdl = mean dl over all N items.
 */

/**
 * Lucene's BM25 idf. `documentCount` (N) ≥ `documentFrequency` (df) ≥ 1. Always > 0, so a
 * matching term never lowers a score.
 */
export function bm25Idf(documentCount: number, documentFrequency: number): number {
	return Math.log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/**
 * The length-normalisation denominator term `k1 · (1 − b + b · dl / avgdl)`. With
 * `avgdl = 0` (every item empty) no term can match, so the ratio is taken as 1.
 */
export function bm25LengthNorm(k1: number, b: number, documentLength: number, averageLength: number): number {
	const ratio = averageLength > 0 ? documentLength / averageLength : 1;
	return k1 * (1 - b + b * ratio);
}

/** One term's contribution for one item: `idf · tf / (tf + norm)`, norm from {@link bm25LengthNorm}. */
export function bm25TermScore(idf: number, termFrequency: number, lengthNorm: number): number {
	return (idf * termFrequency) / (termFrequency + lengthNorm);
}
