import { AssayError } from '../../shared/errors.ts';
import { sha256Text } from '../../shared/hash.ts';
import { z } from '../../shared/zod.ts';
import type { GoldenCase } from '../golden/types.ts';
import { excerpt, jsonDepth, MAX_REPLY_DEPTH, toSystemContext, toSystemUsage } from './json-paths.ts';
import type { SystemContext, SystemOutput, SystemUnderTest, SystemUsage } from './types.ts';

/**
 * The `file` system: outputs another system already produced, graded like any other system.
 * The file is JSONL (one object per line) or one JSON array of the same objects:
 * `{"id": "q1", "answer": "…", "contexts": [...], "usage"?: {...}}` where each context is a
 * string (its text) or an object `{id | documentId | doc, text, score, title}` (at least an id or
 * a text). Other keys are ignored. Blank lines are skipped; a UTF-8 BOM is dropped.
 */

/** The `system` object of type `file` (CLI config; the app passes the picked file's text instead of a path). */
export const FileSystemConfigSchema = z
	.object({
		type: z.literal('file'),
		label: z.string().trim().min(1).optional(),
		/** Path to the outputs file, relative to the config file (CLI). */
		path: z.string().trim().min(1, 'the path of a JSONL (or JSON array) outputs file')
	})
	.strict();
export type FileSystemConfig = z.output<typeof FileSystemConfigSchema>;

/** One bad line (JSONL: 1-based line; JSON array: 1-based item) and why; code `RESULTS_FILE_INVALID`. */
export interface OutputsRowError {
	readonly line: number;
	readonly code: 'RESULTS_FILE_INVALID';
	readonly message: string;
	/** The line's id when it could be read (so a case can say why it has no output). */
	readonly id?: string;
	/** True for a refused duplicate (the case still has its first line). */
	readonly duplicate?: boolean;
}

/** One good line of an outputs file. */
export interface OutputLine {
	readonly id: string;
	/** 1-based line (JSONL) or item (JSON array). */
	readonly line: number;
	readonly answer: string;
	readonly contexts: readonly SystemContext[];
	readonly usage?: SystemUsage;
}

/** An outputs file read: the good lines by id (first occurrence wins) and every bad line. */
export interface ParsedOutputsFile {
	readonly format: 'jsonl' | 'json-array';
	readonly outputs: ReadonlyMap<string, OutputLine>;
	readonly errors: readonly OutputsRowError[];
}

/**
 * Read an outputs file. Never throws for bad rows: each is an {@link OutputsRowError} naming its
 * line and the fix, and the good rows are kept. A duplicate id is refused on its later line.
 * A file that starts with `[` is read as one JSON array (if it does not parse, that is the one
 * error, on line 1).
 */
export function parseOutputsFile(text: string): ParsedOutputsFile {
	const body = text.replace(/^\uFEFF/, '');
	const errors: OutputsRowError[] = [];
	const outputs = new Map<string, OutputLine>();
	const bad = (line: number, message: string, extra: { id?: string; duplicate?: boolean } = {}) =>
		errors.push({ line, code: 'RESULTS_FILE_INVALID', message, ...extra });
	const take = (value: unknown, line: number, unit: 'line' | 'item') => {
		const rawId = value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
		const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : undefined;
		try {
			const out = toOutputLine(value, line, unit);
			const first = outputs.get(out.id);
			if (first)
				bad(
					line,
					`${unit} ${line}: duplicate id ${JSON.stringify(out.id)} (first on ${unit} ${first.line}); each case may have one output — this ${unit} is ignored.`,
					{ id: out.id, duplicate: true }
				);
			else outputs.set(out.id, out);
		} catch (error) {
			bad(line, error instanceof Error ? error.message : String(error), id !== undefined ? { id } : {});
		}
	};
	if (body.trimStart().startsWith('[')) {
		let items: unknown;
		try {
			items = JSON.parse(body);
		} catch (cause) {
			bad(
				1,
				`The file starts with [ but is not a JSON array (${cause instanceof Error ? cause.message : String(cause)}); write one JSON object per line (JSONL) or one valid JSON array.`
			);
			return { format: 'json-array', outputs, errors };
		}
		if (!Array.isArray(items)) bad(1, 'The file is not a JSON array.');
		else items.forEach((item, i) => take(item, i + 1, 'item'));
		return { format: 'json-array', outputs, errors };
	}
	const lines = body.split(/\r\n|\r|\n/);
	lines.forEach((raw, i) => {
		if (raw.trim() === '') return;
		let value: unknown;
		try {
			value = JSON.parse(raw);
		} catch {
			bad(i + 1, `line ${i + 1}: not JSON: ${excerpt(raw, 120)}`);
			return;
		}
		take(value, i + 1, 'line');
	});
	return { format: 'jsonl', outputs, errors };
}

function toOutputLine(value: unknown, line: number, unit: 'line' | 'item'): OutputLine {
	const where = `${unit} ${line}`;
	const fail = (message: string): never => {
		throw new Error(`${where}: ${message}`);
	};
	if (value === null || typeof value !== 'object' || Array.isArray(value))
		fail(`expected an object {"id", "answer", "contexts"}, found ${excerpt(value, 120)}`);
	if (jsonDepth(value) > MAX_REPLY_DEPTH) fail(`nested deeper than ${MAX_REPLY_DEPTH} levels`);
	const row = value as Record<string, unknown>;
	if (typeof row.id !== 'string' && typeof row.id !== 'number')
		fail(`"id" must be the golden case id (a string or number), found ${row.id === undefined ? 'nothing' : excerpt(row.id, 60)}`);
	const id = String(row.id);
	if (id.trim() === '') fail('"id" is empty');
	if (typeof row.answer !== 'string')
		fail(`"answer" must be the answer text (a string), found ${row.answer === undefined ? 'nothing' : excerpt(row.answer, 60)}`);
	if (!Array.isArray(row.contexts))
		fail(
			`"contexts" must be an array (of strings or {id, text, score} objects; [] when the system retrieved nothing), found ${row.contexts === undefined ? 'nothing' : excerpt(row.contexts, 60)}`
		);
	let contexts: SystemContext[] = [];
	try {
		contexts = (row.contexts as unknown[]).map((c, i) => toSystemContext(c, {}, `contexts[${i}]`, 'RESULTS_FILE_INVALID'));
	} catch (error) {
		fail(error instanceof Error ? error.message : String(error));
	}
	const usage = toSystemUsage(row.usage);
	return { id, line, answer: row.answer as string, contexts, ...(usage ? { usage } : {}) };
}

/** What {@link createFileSystem} returns besides the system. */
export interface FileSystemBuild {
	readonly system: SystemUnderTest;
	readonly parsed: ParsedOutputsFile;
	/** Lines whose id is no golden case (reported, never scored), in file order. */
	readonly unknownIds: readonly { readonly id: string; readonly line: number }[];
}

/**
 * The file system over an outputs file's text. `name` is the file's path or name as shown (in
 * the system ref and errors). With `goldenCases`, lines for ids outside the golden set are listed
 * in `unknownIds`. The system answers each case from its line (the same output for every
 * repeat, `timings` 0 / null); a case without a good line is `SYSTEM_REQUEST_FAILED` ("no output
 * for case X in FILE", or the reason its line was refused).
 */
export async function createFileSystem(
	input: { readonly name: string; readonly text: string; readonly label?: string },
	goldenCases: readonly GoldenCase[] = []
): Promise<FileSystemBuild> {
	const parsed = parseOutputsFile(input.text);
	const sha256 = await sha256Text(input.text);
	const known = new Set(goldenCases.map((c) => c.id));
	const unknownIds =
		goldenCases.length === 0 ? [] : [...parsed.outputs.values()].filter((o) => !known.has(o.id)).map((o) => ({ id: o.id, line: o.line }));
	const system: SystemUnderTest = {
		ref: {
			type: 'file',
			label: input.label ?? input.name,
			details: { name: input.name, sha256, format: parsed.format, lines: parsed.outputs.size, badLines: parsed.errors.length }
		},
		cacheIdentity: { type: 'file', sha256 },
		answer: (request) => {
			const out = parsed.outputs.get(request.case.id);
			if (!out) {
				const refused = parsed.errors.find((e) => e.id === request.case.id && !e.duplicate);
				return Promise.reject(
					new AssayError(
						'SYSTEM_REQUEST_FAILED',
						refused
							? `No output for case ${request.case.id} in ${input.name}: its ${refused.message}`
							: `No output for case ${request.case.id} in ${input.name}.`,
						{ details: { caseId: request.case.id, file: input.name, ...(refused ? { line: refused.line } : {}) } }
					)
				);
			}
			const output: SystemOutput = {
				answer: out.answer,
				contexts: out.contexts,
				...(out.usage ? { usage: out.usage } : {}),
				timings: { totalMs: 0, ttftMs: null }
			};
			return Promise.resolve(output);
		}
	};
	return { system, parsed, unknownIds };
}
