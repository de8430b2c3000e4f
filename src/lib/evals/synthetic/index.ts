/** Synthetic golden cases: plan, prompt, generate over the `ChatModel` port, dedup, review. */
export * from './types.ts';
export * from './plan.ts';
export * from './prompt.ts';
export * from './dedup.ts';
export * from './generate.ts';
export * from './review.ts';
