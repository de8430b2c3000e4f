import { z } from '../../shared/zod.ts';
import { CONTEXTUAL_DEFAULTS } from './types.ts';

/**
 * Contextual chunks in a retrieval configuration (see `ContextualConfig`): `maxTokens` integer
 * 16–512, default 160; `excerptTokens` integer 200–32000, default 3000.
 */
export const ContextualConfigSchema = z.object({
	maxTokens: z.number().int().min(16).max(512).default(CONTEXTUAL_DEFAULTS.maxTokens),
	excerptTokens: z.number().int().min(200).max(32000).default(CONTEXTUAL_DEFAULTS.excerptTokens)
});

/** Input accepted by {@link ContextualConfigSchema}. */
export type ContextualConfigInput = z.input<typeof ContextualConfigSchema>;

/**
 * What a report records of the contextual-chunks stage of a run: the model and prompt version,
 * contexts generated in this run, read from the cache and failed (those chunks were indexed
 * without a context), the model calls and tokens, and the cost in USD (`null` when unpriced;
 * `costNote` says why, e.g. "in-browser model: time only"). `vectors` (dense modes of an
 * evaluation only): passages `context + chunk` embedded in this run and read from the cache.
 */
export const ContextualReportSchema = z.object({
	model: z.string(),
	provider: z.string(),
	promptVersion: z.number().int().min(1),
	generated: z.number().int().min(0),
	cached: z.number().int().min(0),
	failed: z.number().int().min(0),
	calls: z.number().int().min(0),
	inputTokens: z.number().int().min(0),
	outputTokens: z.number().int().min(0),
	costUsd: z.number().min(0).nullable(),
	costNote: z.string().nullable(),
	vectors: z.object({ embedded: z.number().int().min(0), cached: z.number().int().min(0) }).optional()
});

/** A validated {@link ContextualReportSchema} value. */
export type ContextualReport = z.infer<typeof ContextualReportSchema>;
