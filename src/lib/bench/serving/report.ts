/**
 * The serving benchmark report (`assay.serving-bench/v1`, `schemas/serving-bench.v1.schema.json`
 * generated from {@link ServingBenchReportSchema}; a unit test keeps them equal): the target,
 * the settings, one entry per point (its load settings, counts, throughputs, goodput and the
 * TTFT / TPOT / ITL / e2e summaries) and the optional prefix-cache probe. Times in ms, rates
 * per second; a rate or burstiness of ∞ is written `"inf"` (JSON has no infinity).
 */
import { AssayError } from '../../shared/errors.ts';
import { z } from '../../shared/zod.ts';
import type { ServingEndpoint } from './client.ts';
import type { GoodputSlos } from './metrics.ts';
import type { PointResult, PrefixProbeResult } from './runner.ts';
import { SERVING_PERCENTILES } from './stats.ts';

export const SERVING_BENCH_SCHEMA = 'assay.serving-bench/v1';

/** How output tokens are counted (written into every report). */
export const TOKEN_COUNTING =
	"Output tokens per request: the server's usage.completion_tokens (stream_options.include_usage) when it sends a positive count, else the number of streamed chunks with non-empty content (an undercount when a chunk holds several tokens). Prompt tokens: usage.prompt_tokens when sent, else the prompt's whitespace word count.";

const num = z.number().finite();
const count = z.number().int().nonnegative();
const d = (description: string) => ({ description });
const rate = z.union([z.number().positive().finite(), z.literal('inf')]);

const summarySchema = z
	.object({ count, mean: num, median: num, std: num, p50: num, p90: num, p95: num, p99: num })
	.meta(d('numpy mean, median, population std and linear percentiles of the values (ms); all 0 when count is 0, as vLLM'));

const pointSchema = z.object({
	requestRate: rate.meta(d('Requests per second of the arrival schedule; "inf" = all at once.')),
	burstiness: rate.meta(d('Gamma shape of the inter-arrival gaps; 1 = Poisson.')),
	concurrency: z.number().int().positive().nullable().meta(d('Most requests in flight (vLLM --max-concurrency); null = no limit.')),
	promptTokens: num.meta(d("Requested prompt length of the point's requests (mean, words).")),
	outputTokens: num.meta(d("Requested output limit of the point's requests (mean, tokens); the measured counts are in totalOutputTokens.")),
	warmup: z.object({ sent: count, failed: count }),
	completed: count,
	failed: count,
	durationMs: num,
	totalInputTokens: count,
	totalOutputTokens: count,
	requestsPerS: num,
	outputTokensPerS: num,
	totalTokensPerS: num,
	goodputRequestsPerS: num.nullable().meta(d('Requests per second meeting every --goodput SLO; null without SLOs.')),
	goodRequests: count.nullable(),
	maxConcurrentRequests: count,
	ttftMs: summarySchema,
	tpotMs: summarySchema,
	itlMs: summarySchema,
	e2eMs: summarySchema,
	outputTokensFrom: z.object({ usage: count, deltas: count }),
	errors: z.array(z.string()).meta(d('Up to 10 distinct error messages of failed requests.'))
});

const probeSchema = z.object({
	prefixTokens: count,
	suffixTokens: count,
	repeats: count,
	firstTtftMs: num.nullable(),
	repeatedTtftMs: summarySchema,
	uniqueTtftMs: summarySchema,
	repeatedToFirst: num.nullable(),
	repeatedToUnique: num.nullable(),
	failed: count
});

/** zod schema of the report. */
export const ServingBenchReportSchema = z.object({
	schema: z.literal(SERVING_BENCH_SCHEMA),
	createdAt: z.string(),
	app: z.object({ name: z.literal('assay'), version: z.string() }),
	target: z.object({
		baseUrl: z.string(),
		endpoint: z.enum(['/v1/chat/completions', '/v1/completions']),
		model: z.string()
	}),
	settings: z.object({
		numPrompts: z.number().int().positive(),
		promptTokens: z.array(z.number().int().positive()).min(1).meta(d('Prompt lengths swept (words).')),
		outputTokens: z.array(z.number().int().positive()).min(1).meta(d('Output limits swept (tokens).')),
		ignoreEos: z.boolean(),
		warmup: count,
		seed: z.number().int(),
		goodput: z.object({ ttftMs: num.optional(), tpotMs: num.optional(), e2eMs: num.optional() }),
		percentiles: z.array(num)
	}),
	tokenCounting: z.string(),
	points: z.array(pointSchema).min(1),
	prefixCache: probeSchema.nullable()
});

/** A parsed serving benchmark report. */
export type ServingBenchReport = z.infer<typeof ServingBenchReportSchema>;

/** What {@link buildServingReport} needs besides the results. */
export interface ServingReportInput {
	readonly createdAt: string;
	readonly appVersion: string;
	readonly target: { readonly baseUrl: string; readonly endpoint: ServingEndpoint; readonly model: string };
	readonly settings: {
		readonly numPrompts: number;
		readonly promptTokens: readonly number[];
		readonly outputTokens: readonly number[];
		readonly ignoreEos: boolean;
		readonly warmup: number;
		readonly seed: number;
		readonly goodput: GoodputSlos;
	};
	readonly points: readonly PointResult[];
	readonly prefixCache: PrefixProbeResult | null;
}

const jsonRate = (r: number): number | 'inf' => (r === Infinity ? 'inf' : r);

/** One point as the report holds it. */
export function reportPoint(p: PointResult): ServingBenchReport['points'][number] {
	const { outputTokensFrom, ...m } = p.metrics;
	const errors = [...new Set(p.outcomes.filter((o) => !o.success).map((o) => o.error ?? 'unknown error'))].slice(0, 10);
	return {
		requestRate: jsonRate(p.requestRate),
		burstiness: jsonRate(p.burstiness),
		concurrency: p.maxConcurrency,
		promptTokens: p.requested.promptTokens,
		outputTokens: p.requested.outputTokens,
		warmup: p.warmup,
		...m,
		outputTokensFrom,
		errors
	};
}

/**
 * Assemble and validate a report.
 * @throws AssayError `INTERNAL` when the result does not fit the schema (a bug).
 */
export function buildServingReport(input: ServingReportInput): ServingBenchReport {
	const report = {
		schema: SERVING_BENCH_SCHEMA,
		createdAt: input.createdAt,
		app: { name: 'assay', version: input.appVersion },
		target: input.target,
		settings: {
			...input.settings,
			promptTokens: [...input.settings.promptTokens],
			outputTokens: [...input.settings.outputTokens],
			goodput: { ...input.settings.goodput },
			percentiles: [...SERVING_PERCENTILES]
		},
		tokenCounting: TOKEN_COUNTING,
		points: input.points.map(reportPoint),
		prefixCache: input.prefixCache
	};
	const parsed = ServingBenchReportSchema.safeParse(report);
	if (!parsed.success) throw new AssayError('INTERNAL', `The serving report does not fit its schema: ${parsed.error.message}`);
	return parsed.data;
}

/**
 * Validate a report read from disk.
 * @throws AssayError `DATASET_INVALID` naming the first problems.
 */
export function parseServingReport(value: unknown): ServingBenchReport {
	const parsed = ServingBenchReportSchema.safeParse(value);
	if (parsed.success) return parsed.data;
	throw new AssayError(
		'DATASET_INVALID',
		`Not a serving benchmark report (${SERVING_BENCH_SCHEMA}) — ${parsed.error.issues
			.slice(0, 5)
			.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
			.join('; ')}`
	);
}

const f2 = (x: number) => x.toFixed(2);

/** A vLLM-style text summary of one point (the lines of `vllm bench serve`'s result block). */
export function formatPoint(p: ServingBenchReport['points'][number]): string {
	const line = (label: string, value: string | number) => `${label.padEnd(40)} ${value}\n`;
	const block = (title: string, key: 'ttftMs' | 'tpotMs' | 'itlMs' | 'e2eMs', short: string) =>
		`${title}\n` +
		line(`Mean ${short} (ms):`, f2(p[key].mean)) +
		line(`Median ${short} (ms):`, f2(p[key].median)) +
		line(`P95 ${short} (ms):`, f2(p[key].p95)) +
		line(`P99 ${short} (ms):`, f2(p[key].p99));
	return (
		`== rate ${p.requestRate} req/s, concurrency ${p.concurrency ?? 'unlimited'}, prompt ${p.promptTokens}, output ${p.outputTokens} ==\n` +
		line('Successful requests:', p.completed) +
		line('Failed requests:', p.failed) +
		line('Benchmark duration (s):', f2(p.durationMs / 1000)) +
		line('Total input tokens:', p.totalInputTokens) +
		line('Total generated tokens:', p.totalOutputTokens) +
		line('Request throughput (req/s):', f2(p.requestsPerS)) +
		(p.goodputRequestsPerS === null ? '' : line('Request goodput (req/s):', f2(p.goodputRequestsPerS))) +
		line('Output token throughput (tok/s):', f2(p.outputTokensPerS)) +
		line('Total token throughput (tok/s):', f2(p.totalTokensPerS)) +
		line('Output tokens from usage / deltas:', `${p.outputTokensFrom.usage} / ${p.outputTokensFrom.deltas}`) +
		block('-- Time to First Token --', 'ttftMs', 'TTFT') +
		block('-- Time per Output Token (excl. 1st token) --', 'tpotMs', 'TPOT') +
		block('-- Inter-token Latency --', 'itlMs', 'ITL') +
		block('-- End-to-end Latency --', 'e2eMs', 'E2EL') +
		(p.errors.length ? `Errors: ${p.errors.join(' | ')}\n` : '')
	);
}
