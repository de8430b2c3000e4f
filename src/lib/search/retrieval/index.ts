/** Retrieval: modes, the lexical/dense/hybrid/rerank pipeline, explain data. */
export * from './types.ts';
export * from './pipeline.ts';
export * from './expand.ts';
