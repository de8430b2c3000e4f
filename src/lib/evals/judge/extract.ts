/**
 * Find the JSON object inside a raw judge reply. Small local judges wrap their verdict in
 * ```json fences, put prose before or after it, stop mid-object at the token limit, or emit
 * two objects; each case needs a different outcome, so extraction reports which one it saw
 * instead of guessing.
 */

/** What {@link extractJsonObject} found in a reply. */
export type Extraction =
	/** Exactly one complete top-level object; `text` is its source. */
	| { readonly kind: 'one'; readonly text: string }
	/** An object was opened and never closed (cut off). */
	| { readonly kind: 'truncated' }
	/** Two or more complete top-level objects; picking one would be a guess. */
	| { readonly kind: 'multiple'; readonly count: number }
	/** No `{` at all. */
	| { readonly kind: 'none' };

const FENCE = /```[a-zA-Z]*[ \t]*\r?\n([\s\S]*?)\r?\n?```/;

/**
 * Extract the single top-level JSON object of `raw`. A fenced block, when present, is searched
 * instead of the whole reply. Braces inside strings (double- or single-quoted, with backslash
 * escapes) do not count; string state is tracked only inside an object, so apostrophes in the
 * surrounding prose ("Let me know if you'd like…") cannot derail the scan.
 */
export function extractJsonObject(raw: string): Extraction {
	const fenced = FENCE.exec(raw);
	const text = fenced?.[1] ?? raw;
	const objects: string[] = [];
	let depth = 0;
	let start = -1;
	let quote: string | null = null;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (depth === 0) {
			if (ch === '{') {
				depth = 1;
				start = i;
			}
			continue;
		}
		if (quote !== null) {
			if (ch === '\\') i++;
			else if (ch === quote) quote = null;
			continue;
		}
		if (ch === '"' || ch === "'") quote = ch;
		else if (ch === '{') depth++;
		else if (ch === '}' && --depth === 0) objects.push(text.slice(start, i + 1));
	}
	if (depth > 0) return objects.length > 0 ? { kind: 'multiple', count: objects.length + 1 } : { kind: 'truncated' };
	if (objects.length > 1) return { kind: 'multiple', count: objects.length };
	const only = objects[0];
	return only === undefined ? { kind: 'none' } : { kind: 'one', text: only };
}

/**
 * Rewrite Python-style single-quoted strings (`{'score': 3}`) as JSON double-quoted ones.
 * Only quotes outside double-quoted strings are touched; `\'` inside becomes `'` and a bare
 * `"` inside is escaped. Returns `null` when there is no single-quoted string to repair.
 */
export function repairSingleQuotes(text: string): string | null {
	let out = '';
	let changed = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i] as string;
		if (ch === '"') {
			// Copy a double-quoted string verbatim.
			let j = i + 1;
			while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
			out += text.slice(i, j + 1);
			i = j;
		} else if (ch === "'") {
			changed = true;
			let j = i + 1;
			let body = '';
			while (j < text.length && text[j] !== "'") {
				const c = text[j] as string;
				if (c === '\\') {
					const next = text[j + 1] ?? '';
					body += next === "'" ? "'" : c + next;
					j += 2;
				} else {
					body += c === '"' ? '\\"' : c;
					j++;
				}
			}
			out += `"${body}"`;
			i = j;
		} else out += ch;
	}
	return changed ? out : null;
}
