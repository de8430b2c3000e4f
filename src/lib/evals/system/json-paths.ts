import { JSONPath } from 'jsonpath-plus';
import { AssayError, type ErrorCode } from '../../shared/errors.ts';
import type { SystemContext, SystemUsage } from './types.ts';

/**
 * JSONPath over a system's reply (jsonpath-plus with `eval: false`: filter and script
 * expressions `?()` / `()` are refused, since the site's CSP forbids `eval`), and the mapping of
 * reply items to {@link SystemContext}s shared by the `http` and `file` systems.
 */

/** Deepest nesting of a reply accepted before any path runs (a hostile reply is a case error, not a stack overflow). */
export const MAX_REPLY_DEPTH = 256;

/** `JSON.stringify(value)` cut to `max` characters (for error messages). */
export function excerpt(value: unknown, max = 200): string {
	let text: string;
	try {
		text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
	} catch {
		text = String(value);
	}
	return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/**
 * Nesting depth of a JSON value (a scalar is 0), walked without recursion; stops counting past
 * `limit` and returns `limit + 1`.
 */
export function jsonDepth(value: unknown, limit = MAX_REPLY_DEPTH): number {
	let deepest = 0;
	const stack: [unknown, number][] = [[value, 0]];
	while (stack.length > 0) {
		const [v, d] = stack.pop()!;
		if (v === null || typeof v !== 'object') continue;
		if (d + 1 > deepest) deepest = d + 1;
		if (deepest > limit) return limit + 1;
		for (const child of Array.isArray(v) ? v : Object.values(v))
			if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
	}
	return deepest;
}

/**
 * Check that `path` is a JSONPath jsonpath-plus can run without eval.
 * @throws AssayError `CONFIG_INVALID` naming `key`, the path and why.
 */
export function checkPath(path: string, key: string): void {
	try {
		// Filters `[?(…)]` and script expressions `[(…)]` run only when they meet data, so look for them too.
		if (/\[\s*\??\s*\(/.test(path)) throw new Error('Eval [?(expr)] prevented in JSONPath expression.');
		JSONPath({ path, json: {}, eval: false, wrap: true });
	} catch (cause) {
		throw new AssayError(
			'CONFIG_INVALID',
			`${key}: "${path}" is not a JSONPath this tool can run (${cause instanceof Error ? cause.message : String(cause)}); use plain paths like $.answer or $.data[0].text (filter expressions ?(...) are not allowed).`,
			{ cause, details: { key, path } }
		);
	}
}

/** Every value `path` finds in `json`, in document order (an empty array when none). */
export function query(json: unknown, path: string): unknown[] {
	const found = JSONPath({ path, json: json as object, eval: false, wrap: true }) as unknown;
	return Array.isArray(found) ? found : [];
}

/** Paths (relative to a context item) that map an object item to a {@link SystemContext}. */
export interface ContextPaths {
	/** Document id; default the first of `id`, `documentId`, `doc`, `docId` that is a string or number. */
	readonly id?: string;
	/** Passage text; default the first of `text`, `content`, `pageContent` that is a string. */
	readonly text?: string;
	/** Score (number); default `score`. */
	readonly score?: string;
	/** Title (string); default `title`. */
	readonly title?: string;
}

const DEFAULT_ID_KEYS = ['id', 'documentId', 'doc', 'docId'];
const DEFAULT_TEXT_KEYS = ['text', 'content', 'pageContent'];

/**
 * One reply item as a context: a string is its text; an object gives its id, text, score and
 * title through `paths` (see {@link ContextPaths}). Numbers as ids become text.
 * @param where what to name in errors, e.g. `contexts[3] ($.contexts)`.
 * @throws AssayError `code` when the item is neither, has neither an id nor a text, or a field
 *   has the wrong type.
 */
export function toSystemContext(
	item: unknown,
	paths: ContextPaths,
	where: string,
	code: ErrorCode = 'SYSTEM_RESPONSE_INVALID'
): SystemContext {
	if (typeof item === 'string') return { text: item };
	if (item === null || typeof item !== 'object' || Array.isArray(item)) {
		throw new AssayError(code, `${where}: expected a context (a string, or an object with an id and/or a text), found ${excerpt(item)}.`);
	}
	const record = item as Record<string, unknown>;
	const pick = (path: string | undefined, keys: string[]): { value: unknown; name: string } => {
		if (path !== undefined) return { value: query(record, path)[0], name: path };
		for (const key of keys) if (record[key] !== undefined && record[key] !== null) return { value: record[key], name: key };
		return { value: undefined, name: keys.join('|') };
	};
	const id = pick(paths.id, DEFAULT_ID_KEYS);
	const text = pick(paths.text, DEFAULT_TEXT_KEYS);
	const score = pick(paths.score, ['score']);
	const title = pick(paths.title, ['title']);
	if (id.value !== undefined && id.value !== null && typeof id.value !== 'string' && typeof id.value !== 'number')
		throw new AssayError(code, `${where}: ${id.name} should be a document id (string or number), found ${excerpt(id.value)}.`);
	if (text.value !== undefined && text.value !== null && typeof text.value !== 'string')
		throw new AssayError(code, `${where}: ${text.name} should be the passage text (a string), found ${excerpt(text.value)}.`);
	if (score.value !== undefined && score.value !== null && (typeof score.value !== 'number' || !Number.isFinite(score.value)))
		throw new AssayError(code, `${where}: ${score.name} should be a finite number, found ${excerpt(score.value)}.`);
	const documentRef = id.value === undefined || id.value === null || id.value === '' ? undefined : String(id.value);
	const passage = typeof text.value === 'string' ? text.value : undefined;
	if (documentRef === undefined && passage === undefined)
		throw new AssayError(code, `${where}: the context has neither a document id (${id.name}) nor a text (${text.name}): ${excerpt(item)}.`);
	return {
		...(documentRef !== undefined ? { documentRef } : {}),
		...(passage !== undefined ? { text: passage } : {}),
		...(typeof score.value === 'number' ? { score: score.value } : {}),
		...(typeof title.value === 'string' ? { title: title.value } : {})
	};
}

/**
 * Token counts from an OpenAI-style (`prompt_tokens`/`completion_tokens`) or Anthropic-style
 * (`input_tokens`/`output_tokens`) usage object; undefined when `value` is not such an object.
 */
export function toSystemUsage(value: unknown): SystemUsage | undefined {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const u = value as Record<string, unknown>;
	const num = (...keys: string[]) => {
		for (const k of keys) if (typeof u[k] === 'number' && Number.isFinite(u[k])) return u[k];
		return null;
	};
	const inputTokens = num('prompt_tokens', 'input_tokens', 'inputTokens');
	const outputTokens = num('completion_tokens', 'output_tokens', 'outputTokens');
	if (inputTokens === null && outputTokens === null) return undefined;
	return { inputTokens, outputTokens };
}
