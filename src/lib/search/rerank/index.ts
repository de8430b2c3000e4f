/** Cross-encoder reranking: the Reranker port and the sigmoid. */
export * from './types.ts';
