import { z } from '../../shared/zod.ts';
import { AssayError } from '../../shared/errors.ts';
import { CheckSpecSchema } from '../checks/index.ts';
import { HttpRetrySchema } from './http-system.ts';

/**
 * The `assay eval --config FILE` configuration (version 1): what to evaluate (`system`), on
 * which golden set, how to grade (`judge`, `checks`, `repeats`) and how to decide (`gate`).
 * JSON, validated twice with the same rules: by this zod schema (the CLI and the app) and by
 * `schemas/assay-config.v1.schema.json` (editors, other tools); a unit test keeps the two in
 * agreement. Every object may carry a `"$comment"` (string or array of strings, ignored), which
 * is how `assay init` writes a commented starter while staying plain JSON. Paths are as written
 * here; the CLI resolves relative ones against the config file's folder. Header (and exec `env`)
 * values may hold `{{env.NAME}}` references, resolved by the CLI from the environment with the
 * adapter's `resolveEnvRefs` (never stored in reports).
 */

/** `"$comment"`: free text the tools ignore (JSON has no comments). */
const comment = z.union([z.string(), z.array(z.string())]).optional();
const path = (what: string) =>
	z
		.string({ error: `expected a path (string) to ${what}` })
		.trim()
		.min(1, `expected a path to ${what}, received an empty string`);
const positiveInt = (max: number, what: string) =>
	z
		.number({ error: `${what} must be a number` })
		.int(`${what} must be a whole number`)
		.min(1, `${what} must be at least 1`)
		.max(max, `${what} must be at most ${max}`);
const jsonPath = (what: string) =>
	z
		.string({ error: `expected a JSONPath string for ${what}, e.g. "$.answer"` })
		.trim()
		.regex(/^\$/, `${what} must be a JSONPath starting with "$", e.g. "$.answer"`);

/** Metric names as in reports: `recall@10`, `ndcg@5`, `map`, `mrr`, `judge.faithfulness`, `checks.pass-rate`, `consistency`. */
export const METRIC_NAME = /^[a-z][a-z0-9_.-]*(@\d+)?$/;

/** The golden set: a path (format from the name: `.jsonl`, `.csv`, or a BEIR folder) or `{path, format}`. */
const GoldenSetSchema = z.union(
	[
		path('the golden set (a .jsonl or .csv file, or a BEIR folder)'),
		z.object({ $comment: comment, path: path('the golden set'), format: z.enum(['jsonl', 'csv', 'beir']).optional() }).strict()
	],
	{ error: 'expected a path (string) or {"path", "format"} with format jsonl, csv or beir' }
);

const timeoutMs = z.number().int().min(1).max(3_600_000).optional();
const label = z.string().trim().min(1).max(120).optional();

/** Retries with exponential backoff and full jitter, honouring Retry-After: the adapter's {@link HttpRetrySchema} (`shared/http/retry.ts`; defaults 4 retries, 500 ms base, 30 s ceiling, Retry-After ≤ 120 s) plus `$comment`. */
export const RetryConfigSchema = HttpRetrySchema.extend({ $comment: comment }).strict();

/**
 * `system.type: "http"`: the user's app over HTTP. The same keys as the adapter's
 * `HttpSystemConfigSchema` (http-system.ts; a unit test keeps the key sets equal), plus
 * `$comment`; the adapter then checks placeholders, URL and paths (`parseHttpSystemConfig`).
 */
export const HttpSystemConfigSchema = z
	.object({
		$comment: comment,
		type: z.literal('http'),
		label,
		url: z
			.string({ error: 'expected the URL of your app\'s endpoint, e.g. "http://127.0.0.1:8000/ask"' })
			.regex(/^https?:\/\/\S+$/, 'expected an http:// or https:// URL, e.g. "http://127.0.0.1:8000/ask"'),
		method: z.enum(['GET', 'POST', 'PUT', 'PATCH']).optional(),
		headers: z.record(z.string(), z.string({ error: 'header values must be strings (secrets as "{{env.NAME}}")' })).optional(),
		body: z.unknown().optional(),
		answer: jsonPath('system.answer').optional(),
		contexts: jsonPath('system.contexts').optional(),
		contextId: jsonPath('system.contextId').optional(),
		contextText: jsonPath('system.contextText').optional(),
		contextScore: jsonPath('system.contextScore').optional(),
		contextTitle: jsonPath('system.contextTitle').optional(),
		usage: jsonPath('system.usage').optional(),
		stream: z
			.object({
				$comment: comment,
				format: z.literal('sse'),
				deltaPath: jsonPath('system.stream.deltaPath').optional(),
				contextsEvent: jsonPath('system.stream.contextsEvent').optional()
			})
			.strict()
			.optional(),
		timeoutMs,
		retry: RetryConfigSchema.optional(),
		maxResponseBytes: z
			.number()
			.int()
			.min(1)
			.max(1024 * 1024 * 1024)
			.optional()
	})
	.strict();

/** `system.type: "exec"`: a command per case (CLI only); the case as JSON on stdin, `{answer, contexts}` on stdout. Keys as the adapter's `ExecSystemConfigSchema` (exec-system.ts). */
export const ExecSystemConfigSchema = z
	.object({
		$comment: comment,
		type: z.literal('exec'),
		label,
		command: z.string({ error: 'expected the program to run, e.g. "node"' }).trim().min(1, 'expected the program to run, e.g. "node"'),
		args: z.array(z.string()).optional(),
		cwd: path('the working directory').optional(),
		env: z.record(z.string().min(1), z.string()).optional(),
		timeoutMs,
		killGraceMs: z.number().int().min(0).max(60_000).optional(),
		maxOutputBytes: z
			.number()
			.int()
			.min(1)
			.max(1024 * 1024 * 1024)
			.optional()
	})
	.strict();

/** `system.type: "file"`: outputs another system already produced (JSONL or a JSON array of `{id, answer, contexts}`). */
export const FileSystemConfigSchema = z
	.object({ $comment: comment, type: z.literal('file'), label, path: path('the outputs file (JSONL: id, answer, contexts)') })
	.strict();

/** `system.type: "assay"`: Assay's own pipeline over a corpus, answered by an OpenAI-compatible model. */
export const AssaySystemConfigSchema = z
	.object({
		$comment: comment,
		type: z.literal('assay'),
		label,
		corpus: path('the corpus (a BEIR folder or corpus.jsonl[.gz])'),
		mode: z.enum(['lexical', 'dense', 'hybrid', 'hybrid-rerank']).optional(),
		topK: z.number().int().min(1).max(50).optional(),
		model: z
			.object({
				$comment: comment,
				baseUrl: z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL'),
				model: z.string().trim().min(1),
				apiKeyEnv: z
					.string()
					.regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
					.optional()
			})
			.strict(),
		prompt: path('a system prompt spec file').optional(),
		temperature: z.number().min(0).max(2).optional(),
		maxTokens: z.number().int().min(16).max(32_768).optional()
	})
	.strict();

const SYSTEM_TYPES = ['assay', 'http', 'exec', 'file'] as const;

/** The system under test, by `type`. */
export const SystemConfigSchema = z.discriminatedUnion(
	'type',
	[HttpSystemConfigSchema, ExecSystemConfigSchema, FileSystemConfigSchema, AssaySystemConfigSchema],
	{
		error: (issue) => (issue.code === 'invalid_union' ? `system.type must be one of ${SYSTEM_TYPES.join(', ')}` : undefined)
	}
);

/** The judge: an OpenAI-compatible endpoint. The API key comes from the environment variable `apiKeyEnv`. */
export const JudgeConfigSchema = z
	.object({
		$comment: comment,
		baseUrl: z
			.string({ error: 'expected the judge endpoint\'s base URL, e.g. "https://api.openai.com/v1"' })
			.regex(/^https?:\/\/\S+$/, 'expected an http(s) URL, e.g. "https://api.openai.com/v1"'),
		model: z.string({ error: 'expected the judge model id, e.g. "gpt-4o-mini"' }).trim().min(1),
		apiKeyEnv: z
			.string()
			.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name, e.g. "OPENAI_API_KEY"')
			.optional(),
		rubrics: z.array(z.string().regex(/^[a-z][a-z-]*$/, 'expected a rubric id such as "faithfulness"')).optional(),
		temperature: z.number().min(0).max(2).optional(),
		seed: z.number().int().optional(),
		maxTokens: z.number().int().min(16).max(32_768).optional(),
		passThreshold: z.number().int().min(1).max(5).optional(),
		timeoutMs,
		retry: RetryConfigSchema.optional()
	})
	.strict();

/** One gate rule: a metric with a drop limit and/or a floor (as `assay gate`'s config, one entry per metric). */
export const GateRuleConfigSchema = z
	.object({
		$comment: comment,
		metric: z
			.string({ error: 'expected a metric name as in reports, e.g. "recall@10"' })
			.regex(METRIC_NAME, 'expected a metric name as in reports, e.g. "recall@10" or "judge.faithfulness"'),
		maxDrop: z.number().min(0).optional(),
		maxDropPct: z.number().min(0).max(100).optional(),
		min: z.number().optional(),
		requireSignificance: z.boolean().optional()
	})
	.strict()
	.refine((r) => r.maxDrop !== undefined || r.maxDropPct !== undefined || r.min !== undefined, {
		message: 'a rule needs maxDrop, maxDropPct or min'
	});

/** The gate: rules checked against the baseline report (drops) and alone (floors). */
export const GateSectionSchema = z
	.object({
		$comment: comment,
		baseline: path('a baseline report.json').optional(),
		rules: z.array(GateRuleConfigSchema).min(1, 'gate.rules needs at least one rule, e.g. {"metric": "recall@10", "maxDrop": 0.02}'),
		alpha: z.number().gt(0).max(0.5).optional(),
		seed: z.number().int().optional(),
		permutations: z.number().int().min(100).max(1_000_000).optional()
	})
	.strict();

/** The whole configuration file. */
export const AssayConfigSchema = z
	.object({
		$schema: z.string().optional(),
		$comment: comment,
		goldenSet: GoldenSetSchema,
		/** The documents the golden set names (BEIR folder or corpus.jsonl[.gz]): text-only contexts are matched to them by text (contexts.ts); default the assay system's corpus. */
		corpus: path('the corpus the golden set names (a BEIR folder or corpus.jsonl[.gz])').optional(),
		system: SystemConfigSchema,
		judge: JudgeConfigSchema.optional(),
		checks: z.array(CheckSpecSchema).optional(),
		repeats: positiveInt(20, 'repeats').optional(),
		seed: z.number().int().optional(),
		gate: GateSectionSchema.optional(),
		concurrency: positiveInt(64, 'concurrency').optional(),
		cache: z
			.object({ $comment: comment, dir: path('the cache folder').optional(), enabled: z.boolean().optional() })
			.strict()
			.optional()
	})
	.strict();

/** A parsed configuration. */
export type AssayConfig = z.infer<typeof AssayConfigSchema>;
export type SystemConfig = z.infer<typeof SystemConfigSchema>;
export type HttpSystemConfig = z.infer<typeof HttpSystemConfigSchema>;
export type JudgeConfig = z.infer<typeof JudgeConfigSchema>;
export type GateSectionConfig = z.infer<typeof GateSectionSchema>;

/** Defaults applied by the CLI: one repeat, seed 42, 4 requests in flight, cache in `.assay-cache`. */
export const CONFIG_DEFAULTS = { repeats: 1, seed: 42, concurrency: 4, cacheDir: '.assay-cache' } as const;

/** How to fix a problem at a key, where the zod message alone does not say it. */
const FIXES: readonly [RegExp, string][] = [
	[/^goldenSet$/, 'set "goldenSet" to the path of your golden set, e.g. "golden.jsonl"'],
	[/^system$/, 'add "system": {"type": "http", "url": "…", "answer": "$.answer"} (or type exec, file, assay)'],
	[
		/^system\.type$/,
		'set "system.type" to "http", "exec", "file" or "assay" (or "agent" with "tasks" instead of "goldenSet": an agent eval, docs/agent-evals.md)'
	],
	[/^system\.answer$/, 'set "system.answer" to the JSONPath of the answer in your app\'s reply, e.g. "$.answer"'],
	[/^gate\.rules\.\d+$/, 'give the rule "maxDrop", "maxDropPct" or "min"'],
	[/^checks\.\d+/, 'see docs/answer-evals.md for the check types and their fields']
];

function keyPath(segments: readonly PropertyKey[]): string {
	return segments.map(String).join('.') || '(root)';
}

/** One readable problem: `key.path: what is wrong — fix`. */
function describeIssue(issue: z.core.$ZodIssue): string {
	const at = keyPath(issue.path);
	let message = issue.message;
	if (issue.code === 'unrecognized_keys')
		message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} — remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling (see schemas/assay-config.v1.schema.json)`;
	else if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'is required';
	const fix = issue.code === 'unrecognized_keys' ? undefined : FIXES.find(([re]) => re.test(at))?.[1];
	return `${at}: ${message}${fix && !message.includes(fix) ? ` — ${fix}` : ''}`;
}

/**
 * Validate a configuration (a JSON value).
 * @throws AssayError `CONFIG_INVALID` whose message names every problem (up to 8) by its key path
 *   with the fix, e.g. `system.url: expected an http:// or https:// URL, e.g. "http://127.0.0.1:8000/ask"`;
 *   `details.issues` lists them.
 */
export function parseAssayConfig(value: unknown, source = 'configuration'): AssayConfig {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		throw new AssayError('CONFIG_INVALID', `Invalid ${source} — (root): expected a JSON object with at least "goldenSet" and "system"`, {
			details: { issues: ['(root): expected an object'] }
		});
	}
	const parsed = AssayConfigSchema.safeParse(value);
	if (parsed.success) return parsed.data;
	const issues = parsed.error.issues.slice(0, 8).map(describeIssue);
	throw new AssayError('CONFIG_INVALID', `Invalid ${source} — ${issues.join('; ')}`, { details: { issues } });
}
