/** Cross-encoder reranking: the Reranker port and the sigmoid. */
export * from './types.ts';
export * from './presets.ts';
export * from './pool.ts';
