import { z } from '../shared/zod.ts';
import { AssayError } from '../shared/errors.ts';
import type { FewShotExample } from './prompt.ts';
import type { SystemPromptSpec } from './system-prompt.ts';

/**
 * The system prompt spec as a file in the user's repository — the same spec the prompt studio
 * edits (`SystemPromptSpec` plus its few-shot examples), so a prompt change is a reviewed diff
 * that `assay eval` (system type `assay`, `system.prompt`) evaluates. The file is JSON:
 *
 * ```json
 * {
 *   "schema": "assay.system-prompt.v1",
 *   "version": 3,
 *   "role": "…", "inputFormat": "…", "outputFormat": "…",
 *   "rules": ["…"], "edgeCases": ["…"],
 *   "fewShot": [{ "question": "…", "sources": [{ "title": "…", "text": "…" }], "answer": "…" }]
 * }
 * ```
 *
 * `schema` names the file format (bumped only when the format changes); `version` is the
 * spec's own version (a positive integer, as in the prompt history). `fewShot` is optional
 * (default none). Unknown keys are refused, so a typo is an error rather than silently ignored.
 */

/** The `schema` marker of version 1 of the file format. */
export const SYSTEM_PROMPT_FILE_SCHEMA = 'assay.system-prompt.v1';

/** What a prompt file holds: the spec and its few-shot examples. */
export interface SystemPromptFile {
	readonly spec: SystemPromptSpec;
	readonly fewShot: readonly FewShotExample[];
}

const text = z.string();
const FileSchema = z.strictObject({
	schema: z.literal(SYSTEM_PROMPT_FILE_SCHEMA, { error: `must be "${SYSTEM_PROMPT_FILE_SCHEMA}"` }),
	version: z.number().int().min(1),
	role: text.refine((r) => r.trim() !== '', 'must not be empty'),
	inputFormat: text,
	outputFormat: text,
	rules: z.array(text),
	edgeCases: z.array(text),
	fewShot: z.array(z.strictObject({ question: text, sources: z.array(z.strictObject({ title: text, text })), answer: text })).optional()
});

/** `fewShot[0].sources[1].text` from zod's path `['fewShot', 0, 'sources', 1, 'text']`. */
function pathOf(path: readonly PropertyKey[]): string {
	return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s === '' ? String(k) : `${s}.${String(k)}`), '') || '(root)';
}

/** What a JSON value is, for "received …" in messages. */
function kindOf(value: unknown): string {
	return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * Parse and validate a prompt file's text.
 * @returns the spec (keys in `SystemPromptSpec` order; text kept exactly, not trimmed) and the few-shot examples (`[]` when absent).
 * @throws AssayError `CONFIG_INVALID` when the text is not JSON, not an object, or a field is
 *   missing / of the wrong type / unknown — the message names each bad path (up to 5), e.g.
 *   `rules[1]: Invalid input: expected string, received number`; `details.issues` lists them.
 */
export function parseSystemPromptFile(source: string): SystemPromptFile {
	let value: unknown;
	try {
		value = JSON.parse(source);
	} catch (cause) {
		throw new AssayError(
			'CONFIG_INVALID',
			`Expected a system prompt file (JSON with "schema": "${SYSTEM_PROMPT_FILE_SCHEMA}"); the text does not parse as JSON (${cause instanceof Error ? cause.message : String(cause)}).`,
			{ cause }
		);
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new AssayError(
			'CONFIG_INVALID',
			`Expected a system prompt file: a JSON object with "schema": "${SYSTEM_PROMPT_FILE_SCHEMA}"; received ${kindOf(value)}.`
		);
	}
	const parsed = FileSchema.safeParse(value);
	if (!parsed.success) {
		const issues = parsed.error.issues
			.slice(0, 5)
			.map((i) =>
				i.code === 'unrecognized_keys'
					? `${pathOf(i.path)}: unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`
					: `${pathOf(i.path)}: ${i.message}`
			);
		throw new AssayError('CONFIG_INVALID', `Invalid system prompt file — ${issues.join('; ')}`, { details: { issues } });
	}
	const f = parsed.data;
	return {
		spec: {
			version: f.version,
			role: f.role,
			inputFormat: f.inputFormat,
			outputFormat: f.outputFormat,
			rules: f.rules,
			edgeCases: f.edgeCases
		},
		fewShot: (f.fewShot ?? []).map((e) => ({
			question: e.question,
			sources: e.sources.map((s) => ({ title: s.title, text: s.text })),
			answer: e.answer
		}))
	};
}

/**
 * The file text of a spec (and its few-shot examples): JSON with the `schema` marker first, keys
 * in a fixed order, tab-free two-space indentation, one item per line, a final newline — so two
 * versions diff line by line in review. `fewShot` is written only when there are examples.
 * `parseSystemPromptFile(formatSystemPromptFile(s, f))` returns `{spec: s, fewShot: f}`.
 */
export function formatSystemPromptFile(spec: SystemPromptSpec, fewShot: readonly FewShotExample[] = []): string {
	const file = {
		schema: SYSTEM_PROMPT_FILE_SCHEMA,
		version: spec.version,
		role: spec.role,
		inputFormat: spec.inputFormat,
		outputFormat: spec.outputFormat,
		rules: [...spec.rules],
		edgeCases: [...spec.edgeCases],
		...(fewShot.length > 0
			? {
					fewShot: fewShot.map((e) => ({
						question: e.question,
						sources: e.sources.map((s) => ({ title: s.title, text: s.text })),
						answer: e.answer
					}))
				}
			: {})
	};
	return `${JSON.stringify(file, null, 2)}\n`;
}
