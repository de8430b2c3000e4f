/** Rank fusion: reciprocal rank fusion of several ranked lists. */
export * from './rrf.ts';
