export * from './errors.ts';
export * from './hash.ts';
export * from './ids.ts';
export * from './format.ts';
