/** Query rewriting before retrieval (multi-query, HyDE, keyword expansion); see types.ts. */
export * from './types.ts';
export { MemoryRewriteCache } from './memory-cache.ts';
export { delimitQuery, rewriteMessages } from './prompts.ts';
export { parseRewriteReply, MAX_PASSAGE_CHARS, MAX_REWRITE_CHARS, type ParsedRewrite } from './parse.ts';
export { planQueries, rewriteCacheKey, rewriteQuery, variantsFor, type RewriteDeps } from './rewrite.ts';
export { sumRewriteUsage } from './usage.ts';
export { RewriteConfigSchema, RewriteReportSchema, type RewriteConfigInput, type RewriteReport } from './schema.ts';
export { rewriteReport } from './report.ts';
