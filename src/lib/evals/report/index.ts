/** Eval reports (v1, v2 with answers): build, validate, export as TREC, compare. */
export * from './types.ts';
export * from './build.ts';
export * from './compare.ts';
