/** Embeddings: the Embedder port, model registry, batching. */
export * from './types.ts';
export * from './registry.ts';
export * from './batch.ts';
export * from './spec.ts';
export * from './dtype.ts';
export * from './prefixes.ts';
