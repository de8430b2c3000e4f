/** Contextual chunks (Anthropic, "Contextual Retrieval", Sept 2024): a model-written context prepended for indexing only; see types.ts. */
export * from './types.ts';
export { contextPrompt, documentExcerpt } from './prompts.ts';
export { contextualText, parseContext, type ParsedContext } from './parse.ts';
export { contextCacheKey, contextualizeChunks, type ContextualDeps } from './contextualize.ts';
export { ContextualConfigSchema, ContextualReportSchema, type ContextualConfigInput, type ContextualReport } from './schema.ts';
export { contextualReport } from './report.ts';
