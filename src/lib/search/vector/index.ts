/** Vector search: the index port, the exact reference index and vector helpers. */
export * from './types.ts';
export * from './normalize.ts';
export * from './exact-index.ts';
export * from './hnsw.ts';
export * from './matrix.ts';
export * from './choice.ts';
