import { z } from '../../shared/zod.ts';
import { REWRITE_DEFAULTS, REWRITE_TECHNIQUES } from './types.ts';

/**
 * A rewrite configuration as stored in retrieval and eval configurations (see `RewriteConfig`):
 * technique `multi-query` | `hyde` | `expand`; `count` integer 1–10, default 3; `maxTokens`
 * integer 16–2048, default 256.
 */
export const RewriteConfigSchema = z.object({
	technique: z.enum(REWRITE_TECHNIQUES as ['multi-query', 'hyde', 'expand']),
	count: z.number().int().min(1).max(10).default(REWRITE_DEFAULTS.count),
	maxTokens: z.number().int().min(16).max(2048).default(REWRITE_DEFAULTS.maxTokens)
});

/**
 * What a report records of the rewriting stage of a run: the configuration and model, the calls
 * and tokens the rewrites cost (cached rewrites cost none), how many queries fell back to the
 * original query, and the cost in USD (`null` when unpriced; `costNote` says why, e.g.
 * "in-browser model: time only").
 */
export const RewriteReportSchema = z.object({
	technique: z.enum(REWRITE_TECHNIQUES as ['multi-query', 'hyde', 'expand']),
	count: z.number().int().min(1),
	model: z.string(),
	provider: z.string(),
	calls: z.number().int().min(0),
	inputTokens: z.number().int().min(0),
	outputTokens: z.number().int().min(0),
	cached: z.number().int().min(0),
	fallbacks: z.number().int().min(0),
	costUsd: z.number().min(0).nullable(),
	costNote: z.string().nullable()
});

/** The rewriting section of a report. */
export type RewriteReport = z.infer<typeof RewriteReportSchema>;

/** A rewrite configuration as typed (count and maxTokens may be left out: defaults). */
export type RewriteConfigInput = z.input<typeof RewriteConfigSchema>;
