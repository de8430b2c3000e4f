export * from './types.ts';
export * from './tokenizer.ts';
export * from './system-prompt.ts';
export * from './prompt.ts';
export * from './citations.ts';
export * from './metrics.ts';
export * from './scripted.ts';
export * from './structured.ts';
