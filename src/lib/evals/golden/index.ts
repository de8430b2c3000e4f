/**
 * Golden sets: types, importers (JSONL, CSV, TREC qrels + queries, BEIR), and resolution of
 * document references to workspace documents.
 */
export * from './types.ts';
export * from './parse.ts';
export * from './resolve.ts';
export * from './synthetic.ts';
