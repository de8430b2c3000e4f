/** The reranker's effect: per query the metric on the fused list vs the reranked list, moved relevant documents, helped / hurt / unchanged. */
export * from './schema.ts';
export * from './compute.ts';
export * from './format.ts';
