export { Bm25Index, type Bm25Hit, type Bm25Params, type Bm25SearchOptions } from './bm25-index.ts';
export type { Bm25Snapshot } from './snapshot.ts';
export { bm25Idf, bm25LengthNorm, bm25TermScore } from './scoring.ts';
export { compareHits, type ScoredId } from './top-k.ts';
export { rankDocumentsByBestChunk, type DocumentHit } from './rank-documents.ts';
export { explainBm25, type Bm25Explanation, type TermExplanation } from './explain.ts';
