import { z } from '../../shared/zod.ts';
import { canonicalJson } from '../../shared/hash.ts';
import { CheckSpecSchema, type CheckSpec } from '../checks/index.ts';
import type { RowError } from '../golden/types.ts';

/**
 * The `agent-tasks` JSONL format (`schemas/agent-task.v1.schema.json`): one agent task per
 * line — what to ask, which tool calls are expected (with constraints on their arguments), how
 * the trajectory is matched, a reference answer for the judge and the checks the final answer
 * must pass. Parsed line by line like golden sets (`golden/parse.ts`): a bad line becomes a
 * {@link RowError} with its 1-based line number and every valid line still loads.
 */

/**
 * A constraint on one argument of an expected call:
 * - a literal (string, number, boolean, null, array, or an object that is not one of the forms
 *   below): deep equality, object keys in any order (canonical JSON);
 * - `{equals: v}`: deep equality with `v` (use it to compare with an object that looks like a constraint);
 * - `{contains: s}`: the value is a string containing `s`, case-insensitively;
 * - `{regex: p}`: the value is a string matching the JavaScript regular expression `p` (unanchored; flags: none);
 * - `{oneOf: [v…]}`: deep-equal to one of the values;
 * - `{exists: true}` (present, any value) / `{exists: false}` (absent);
 * - `{gte?: n, lte?: n}`: the value is a number in the inclusive range (at least one bound).
 */
export type ArgumentConstraint =
	| { readonly kind: 'equals'; readonly value: unknown }
	| { readonly kind: 'contains'; readonly value: string }
	| { readonly kind: 'regex'; readonly pattern: string; readonly re: RegExp }
	| { readonly kind: 'oneOf'; readonly values: readonly unknown[] }
	| { readonly kind: 'exists'; readonly value: boolean }
	| { readonly kind: 'range'; readonly gte?: number; readonly lte?: number };

/** One expected tool call: the tool's name and constraints on some of its arguments (arguments not named are free). */
export interface ExpectedToolCall {
	readonly name: string;
	readonly arguments: Readonly<Record<string, ArgumentConstraint>>;
}

/**
 * How the run's tool-call names are compared with the expected ones (see `metrics.ts`):
 * `exact` the same sequence; `in_order` the expected names are a subsequence of the run's;
 * `any_order` the expected names (as a multiset) are contained in the run's.
 */
export type TrajectoryMode = 'exact' | 'in_order' | 'any_order';

/** One agent task. */
export interface AgentTask {
	readonly id: string;
	/** What the agent is asked (the user message). */
	readonly task: string;
	/**
	 * The calls a good run makes; `undefined` = no expectation (tool metrics are not computed),
	 * `[]` = the task must be answered without any tool call.
	 */
	readonly expectedToolCalls?: readonly ExpectedToolCall[];
	/** Default `in_order`. */
	readonly trajectory: TrajectoryMode;
	/** A reference answer, for the judge's correctness rubric. */
	readonly referenceAnswer?: string;
	/** Checks the final answer must pass (the answers' check types, `evals/checks`). */
	readonly checks: readonly CheckSpec[];
	readonly tags: readonly string[];
	/** Overrides the run's `limits.maxSteps` for this task (1–50). */
	readonly maxSteps?: number;
}

/** Result of {@link parseAgentTasksJsonl}: the good tasks in file order and every bad line. */
export interface ParsedAgentTasks {
	readonly tasks: AgentTask[];
	readonly errors: RowError[];
}

const OPERATOR_KEYS = ['equals', 'contains', 'regex', 'oneOf', 'exists'] as const;

/** Whether `value` is written as one of the constraint forms (rather than a literal object). */
function isOperatorObject(value: unknown): value is Record<string, unknown> {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
	const keys = Object.keys(value);
	if (keys.length === 1 && (OPERATOR_KEYS as readonly string[]).includes(keys[0] as string)) return true;
	return keys.length > 0 && keys.every((k) => k === 'gte' || k === 'lte');
}

const ConstraintInputSchema = z.unknown().transform((value, ctx): ArgumentConstraint => {
	const fail = (message: string): ArgumentConstraint => {
		ctx.addIssue({ code: 'custom', message });
		return z.NEVER;
	};
	if (!isOperatorObject(value)) return { kind: 'equals', value };
	if ('equals' in value) return { kind: 'equals', value: value.equals };
	if ('contains' in value) {
		if (typeof value.contains !== 'string' || value.contains === '') return fail('"contains" needs a non-empty string');
		return { kind: 'contains', value: value.contains };
	}
	if ('regex' in value) {
		if (typeof value.regex !== 'string' || value.regex === '') return fail('"regex" needs a non-empty pattern string');
		try {
			return { kind: 'regex', pattern: value.regex, re: new RegExp(value.regex) };
		} catch (error) {
			return fail(`"regex" is not a valid regular expression (${(error as Error).message})`);
		}
	}
	if ('oneOf' in value) {
		if (!Array.isArray(value.oneOf) || value.oneOf.length === 0) return fail('"oneOf" needs a non-empty array of values');
		return { kind: 'oneOf', values: value.oneOf };
	}
	if ('exists' in value) {
		if (typeof value.exists !== 'boolean') return fail('"exists" needs true or false');
		return { kind: 'exists', value: value.exists };
	}
	const { gte, lte } = value as { gte?: unknown; lte?: unknown };
	for (const [k, v] of [
		['gte', gte],
		['lte', lte]
	] as const)
		if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) return fail(`"${k}" needs a finite number`);
	if (typeof gte === 'number' && typeof lte === 'number' && gte > lte) return fail(`"gte" (${gte}) is above "lte" (${lte})`);
	return { kind: 'range', ...(typeof gte === 'number' ? { gte } : {}), ...(typeof lte === 'number' ? { lte } : {}) };
});

const toolName = z
	.string({ error: 'expected a tool name (string)' })
	.regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a tool name is 1–64 letters, digits, "_" or "-"');

const ExpectedCallInputSchema = z
	.object({ name: toolName, arguments: z.record(z.string().min(1), ConstraintInputSchema).optional() })
	.strict()
	.transform((c): ExpectedToolCall => ({ name: c.name, arguments: c.arguments ?? {} }));

const idText = z.union([z.string().trim().min(1, 'id must not be empty'), z.number().transform(String)]);

/** One JSONL line of the `agent-tasks` format (see `schemas/agent-task.v1.schema.json`). */
export const AgentTaskInputSchema = z
	.object({
		id: idText,
		task: z.string({ error: 'expected the task text (string)' }).trim().min(1, 'task must not be empty'),
		expectedToolCalls: z.array(ExpectedCallInputSchema).optional(),
		trajectory: z.enum(['exact', 'in_order', 'any_order'], { error: 'trajectory must be "exact", "in_order" or "any_order"' }).optional(),
		referenceAnswer: z.string().optional(),
		checks: z.array(CheckSpecSchema).optional(),
		tags: z.array(z.string()).optional(),
		maxSteps: z.number().int().min(1).max(50).optional()
	})
	.strict()
	.transform((t): AgentTask => ({
		id: t.id,
		task: t.task,
		...(t.expectedToolCalls !== undefined ? { expectedToolCalls: t.expectedToolCalls } : {}),
		trajectory: t.trajectory ?? 'in_order',
		...(t.referenceAnswer !== undefined && t.referenceAnswer.trim() !== '' ? { referenceAnswer: t.referenceAnswer } : {}),
		checks: t.checks ?? [],
		tags: t.tags ?? [],
		...(t.maxSteps !== undefined ? { maxSteps: t.maxSteps } : {})
	}));

function issueText(error: z.ZodError): string {
	return error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ');
}

/**
 * Parse `agent-tasks` JSONL: one task object per non-blank line (BOM and CRLF accepted). A
 * line that is not JSON, fails the schema, repeats a task id (the first is kept) or repeats a
 * check id within its task is a {@link RowError}; the other lines load.
 */
export function parseAgentTasksJsonl(text: string): ParsedAgentTasks {
	const tasks: AgentTask[] = [];
	const errors: RowError[] = [];
	const ids = new Set<string>();
	text
		.replace(/^\uFEFF/, '')
		.split('\n')
		.forEach((raw, i) => {
			const line = i + 1;
			const trimmed = raw.trim();
			if (trimmed === '') return;
			let value: unknown;
			try {
				value = JSON.parse(trimmed);
			} catch (error) {
				errors.push({ line, message: `not valid JSON (${(error as Error).message})` });
				return;
			}
			const parsed = AgentTaskInputSchema.safeParse(value);
			if (!parsed.success) return void errors.push({ line, message: issueText(parsed.error) });
			const t = parsed.data;
			const checkIds = t.checks.map((c) => c.id);
			const dup = checkIds.find((id, k) => checkIds.indexOf(id) !== k);
			if (dup !== undefined) return void errors.push({ line, message: `check id "${dup}" appears twice in task "${t.id}"` });
			if (ids.has(t.id)) return void errors.push({ line, message: `task id "${t.id}" appears twice (the first is kept)` });
			ids.add(t.id);
			tasks.push(t);
		});
	return { tasks, errors };
}

/** Whether two JSON values are equal, object keys in any order. */
export function deepEqual(a: unknown, b: unknown): boolean {
	return canonicalJson(a) === canonicalJson(b);
}

/**
 * Whether `value` (an argument's value, `undefined` when the call lacks it) satisfies `c`.
 * Only `{exists: false}` accepts an absent argument.
 */
export function satisfies(c: ArgumentConstraint, value: unknown): boolean {
	if (c.kind === 'exists') return (value !== undefined) === c.value;
	if (value === undefined) return false;
	switch (c.kind) {
		case 'equals':
			return deepEqual(c.value, value);
		case 'contains':
			return typeof value === 'string' && value.toLowerCase().includes(c.value.toLowerCase());
		case 'regex':
			return typeof value === 'string' && c.re.test(value);
		case 'oneOf':
			return c.values.some((v) => deepEqual(v, value));
		case 'range':
			return typeof value === 'number' && (c.gte === undefined || value >= c.gte) && (c.lte === undefined || value <= c.lte);
	}
}

/** Whether `args` satisfy every constraint of `expected` (the names are not compared here). */
export function argumentsSatisfy(expected: ExpectedToolCall, args: Readonly<Record<string, unknown>>): boolean {
	return Object.entries(expected.arguments).every(([name, c]) => satisfies(c, Object.hasOwn(args, name) ? args[name] : undefined));
}
