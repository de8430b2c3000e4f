export * from './types.ts';
export * from './tracer.ts';
