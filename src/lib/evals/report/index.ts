/** Eval reports (v1): build, validate, export as TREC, compare. */
export * from './types.ts';
export * from './build.ts';
export * from './compare.ts';
