import { z } from '../../shared/zod.ts';
import { AssayError } from '../../shared/errors.ts';
import { CheckSpecSchema } from '../checks/index.ts';
import { RUBRIC_IDS, type AnswerRunConfig, type GradingSettings } from './types.ts';

/**
 * Validation of what a user sets before an answer run or a grading pass: numbers typed in the
 * page can be empty, fractional or out of range, and a run started with them would store an
 * error for every case (or a report that cannot be written). Checked once, before any model call.
 */

const modelRef = z.object({
	provider: z.string().min(1),
	modelId: z.string().trim().min(1, 'choose a model'),
	baseUrl: z.string().optional()
});
const int = (min: number, max: number, what: string) =>
	z
		.number({ error: `${what} must be a number` })
		.int(`${what} must be a whole number`)
		.min(min, `${what} must be at least ${min}`)
		.max(max, `${what} must be at most ${max}`);
const temperature = z.number({ error: 'temperature must be a number' }).min(0, 'temperature must be 0–2').max(2, 'temperature must be 0–2');
const seed = z.number({ error: 'seed must be a number' }).int('seed must be a whole number');

const RunConfigSchema = z
	.object({
		label: z.string().trim().min(1).max(120),
		mode: z.union(
			[z.enum(['lexical', 'dense', 'hybrid', 'hybrid-rerank']), z.templateLiteral(['system:', z.enum(['assay', 'http', 'exec', 'file'])])],
			{ error: 'mode must be lexical, dense, hybrid, hybrid-rerank or system:<type>' }
		),
		topK: int(1, 50, 'top-k'),
		model: modelRef,
		prompt: z.object({ spec: z.object({ version: z.number().int().min(0) }).passthrough(), fewShot: z.array(z.unknown()) }),
		contextWindowTokens: int(512, 1_048_576, 'context window'),
		maxTokens: int(16, 32_768, 'max answer tokens'),
		temperature,
		seed,
		runAs: z.object({ user: z.string().trim().min(1, 'run-as user must not be empty'), groups: z.array(z.string()) }).optional(),
		system: z
			.object({
				type: z.enum(['assay', 'http', 'exec', 'file']),
				label: z.string().trim().min(1, 'name the system'),
				details: z.record(z.string(), z.unknown())
			})
			.optional()
	})
	.refine((c) => (c.system === undefined ? !c.mode.startsWith('system:') : c.mode === `system:${c.system.type}`), {
		message: 'mode system:<type> goes with a system under test of that type, and only with one',
		path: ['mode']
	})
	// Version 0 is the "no prompt of Assay's" marker of a system run (evals/system/report.ts EXTERNAL_PROMPT).
	.refine((c) => c.system !== undefined || c.prompt.spec.version >= 1, {
		message: 'the prompt version must be at least 1',
		path: ['prompt', 'spec', 'version']
	})
	.refine((c) => c.maxTokens < c.contextWindowTokens, {
		message: 'max answer tokens must be smaller than the context window',
		path: ['maxTokens']
	});

const GradingSchema = z.object({
	judge: modelRef,
	rubrics: z.array(z.enum(RUBRIC_IDS as unknown as [string, ...string[]])),
	temperature,
	seed,
	maxTokens: int(16, 32_768, 'judge max tokens'),
	checks: z.array(CheckSpecSchema),
	passThreshold: int(1, 5, 'pass threshold')
});

function fail(what: string, error: z.ZodError): never {
	const issues = error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
	throw new AssayError('CONFIG_INVALID', `Invalid ${what} — ${issues.join('; ')}`, { details: { issues } });
}

/**
 * Validate an answer run's configuration: mode one of the four search modes, or `system:<type>`
 * with a `system` of that type (label, details) and only then (its prompt may be version 0:
 * none of Assay's was used); top-k 1–50;
 * context window 512–1,048,576 tokens; max answer tokens 16–32,768 and below the window;
 * temperature 0–2; integer seed; a model id.
 * @throws AssayError `CONFIG_INVALID` naming each bad field.
 */
export function parseAnswerRunConfig(value: AnswerRunConfig): AnswerRunConfig {
	const parsed = RunConfigSchema.safeParse(value);
	if (!parsed.success) fail('answer run settings', parsed.error);
	return value;
}

/**
 * Validate grading settings: pass threshold an integer 1–5, judge temperature 0–2, integer
 * seed, a judge model id, and a well-formed check list (`CheckSpecSchema`).
 * @throws AssayError `CONFIG_INVALID` naming each bad field.
 */
export function parseGradingSettings(value: GradingSettings): GradingSettings {
	const parsed = GradingSchema.safeParse(value);
	if (!parsed.success) fail('grading settings', parsed.error);
	return value;
}
