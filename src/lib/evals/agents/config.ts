import { z } from '../../shared/zod.ts';
import { AssayError } from '../../shared/errors.ts';
import { GateSectionSchema, JudgeConfigSchema, RetryConfigSchema } from '../system/config.ts';

/**
 * The `assay eval --config FILE` configuration when `system.type` is `"agent"`
 * (`schemas/agent-eval-config.v1.schema.json`): the agent-tasks file, the agent (an
 * OpenAI-compatible model with tool calling, the built-in workspace tools over a BEIR dataset or a
 * folder, MCP servers, the approval policy, loop limits), an optional judge (the answers' judge
 * keys; the `correctness` rubric against each task's reference answer) and an optional gate (the
 * same rules as other evals, on the agent metrics: `task-success`, `tool-precision`,
 * `tool-recall`, `argument-correctness`, `trajectory-match`). Relative paths are resolved against
 * the config file's folder by the CLI. Secrets only through environment variable names.
 */

const comment = z.union([z.string(), z.array(z.string())]).optional();
const path = (what: string) =>
	z
		.string({ error: `expected a path (string) to ${what}` })
		.trim()
		.min(1, `expected a path to ${what}, received an empty string`);
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name, e.g. "OPENAI_API_KEY"');
const httpUrl = (example: string) =>
	z.string({ error: `expected an http(s) URL, e.g. "${example}"` }).regex(/^https?:\/\/\S+$/, `expected an http(s) URL, e.g. "${example}"`);
const toolName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a tool name is 1–64 letters, digits, "_" or "-"');

/** The built-in workspace tools over exactly one of a BEIR dataset folder or a folder of files. */
const BuiltinToolsSchema = z
	.object({
		$comment: comment,
		dataset: path('a BEIR dataset folder (corpus.jsonl)').optional(),
		folder: path('a folder of documents').optional()
	})
	.strict()
	.refine((b) => (b.dataset === undefined) !== (b.folder === undefined), { message: 'give exactly one of "dataset" or "folder"' });

/** One MCP server (Streamable HTTP, SSE fallback): its tools are `<label>__<tool>`; `tools` limits which are enabled (default all listed). */
const McpServerSchema = z
	.object({
		$comment: comment,
		url: httpUrl('http://127.0.0.1:3001/mcp'),
		label: z
			.string()
			.trim()
			.regex(/^[a-zA-Z0-9_-]{1,32}$/, 'a label is 1–32 letters, digits, "_" or "-"'),
		tokenEnv: envName.optional(),
		tools: z.array(z.string().min(1)).optional(),
		timeoutMs: z.number().int().min(1).max(600_000).optional()
	})
	.strict();

/** `system.type: "agent"`. */
export const AgentSystemConfigSchema = z
	.object({
		$comment: comment,
		type: z.literal('agent'),
		label: z.string().trim().min(1).max(120).optional(),
		model: z
			.object({
				$comment: comment,
				baseUrl: httpUrl('http://127.0.0.1:8000/v1'),
				model: z.string().trim().min(1),
				apiKeyEnv: envName.optional(),
				/** Longest wait with nothing arriving from the server, ms (the adapter's idle timeout; default 300 000). */
				timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
				/** Retries before a reply starts (as the system eval's: default 4, 500 ms base, full jitter). */
				retry: RetryConfigSchema.optional()
			})
			.strict(),
		tools: z.object({ $comment: comment, builtin: BuiltinToolsSchema.optional() }).strict().optional(),
		mcp: z.array(McpServerSchema).optional(),
		approval: z
			.object({ $comment: comment, policy: z.enum(['deny', 'allow']), allow: z.array(toolName).optional() })
			.strict()
			.refine((a) => a.policy === 'deny' || (a.allow ?? []).length > 0, {
				message: 'policy "allow" needs "allow": the side-effecting tool names to approve (others are denied)'
			})
			.optional(),
		limits: z
			.object({
				$comment: comment,
				maxSteps: z.number().int().min(1).max(50).optional(),
				maxTokensPerStep: z.number().int().min(1).max(32_768).optional(),
				maxTotalTokens: z.number().int().min(1).max(10_000_000).optional(),
				maxDurationMs: z.number().int().min(1).max(3_600_000).optional(),
				toolTimeoutMs: z.number().int().min(1).max(600_000).optional()
			})
			.strict()
			.optional(),
		systemPrompt: z.string().trim().min(1).optional(),
		temperature: z.number().min(0).max(2).optional(),
		seed: z.number().int().optional()
	})
	.strict();

/** The whole agent eval configuration. */
export const AgentEvalConfigSchema = z
	.object({
		$schema: z.string().optional(),
		$comment: comment,
		tasks: path('the agent-tasks file (.jsonl)'),
		system: AgentSystemConfigSchema,
		judge: JudgeConfigSchema.optional(),
		gate: GateSectionSchema.optional()
	})
	.strict();

export type AgentEvalConfig = z.infer<typeof AgentEvalConfigSchema>;
export type AgentSystemConfig = z.infer<typeof AgentSystemConfigSchema>;

/**
 * Validate an agent eval configuration (a JSON value).
 * @throws AssayError `CONFIG_INVALID` naming each problem (up to 8) by key path; `details.issues` lists them.
 */
export function parseAgentEvalConfig(value: unknown, source = 'configuration'): AgentEvalConfig {
	const parsed = AgentEvalConfigSchema.safeParse(value);
	if (parsed.success) return parsed.data;
	const issues = parsed.error.issues.slice(0, 8).map((i) => {
		const at = i.path.map(String).join('.') || '(root)';
		if (i.code === 'unrecognized_keys')
			return `${at}: unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')} — remove or check the spelling (see schemas/agent-eval-config.v1.schema.json)`;
		return `${at}: ${i.code === 'invalid_type' && /received undefined/.test(i.message) ? 'is required' : i.message}`;
	});
	throw new AssayError('CONFIG_INVALID', `Invalid ${source} — ${issues.join('; ')}`, { details: { issues } });
}
