/**
 * Lexical search: analyzers (text → terms) and the BM25 index. Other folders import from here.
 */
export * from './analyzers/index.ts';
export * from './bm25/index.ts';
