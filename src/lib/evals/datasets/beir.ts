import { AssayError } from '../../shared/errors.ts';

/**
 * BEIR-layout test collections, parsed from text (reading files is the caller's job, so this
 * runs in the browser and in Node alike): `corpus.jsonl` (`{"_id","title","text"}`),
 * `queries.jsonl` (`{"_id","text"}`), `qrels.tsv` (see `parseQrels`).
 */

/** A corpus document. `title` is `''` when absent. */
export interface BeirDocument {
	readonly id: string;
	readonly title: string;
	readonly text: string;
}

/** A query. */
export interface BeirQuery {
	readonly id: string;
	readonly text: string;
}

/**
 * Parse JSON Lines: one JSON value per non-blank line (a leading BOM is dropped; `\r\n` is
 * accepted), each turned into `T` by `read`, which throws a plain `Error` to reject a value.
 * @param source a name for messages (`corpus.jsonl`).
 * @throws AssayError `DATASET_INVALID` naming the source and 1-based line number.
 */
export function parseJsonLines<T>(text: string, source: string, read: (value: unknown) => T): T[] {
	const out: T[] = [];
	const lines = text.replace(/^\uFEFF/, '').split('\n');
	for (let i = 0; i < lines.length; i++) {
		const line = (lines[i] as string).trim();
		if (line === '') continue;
		let value: unknown;
		try {
			value = JSON.parse(line);
		} catch (error) {
			throw new AssayError('DATASET_INVALID', `${source} line ${i + 1}: not valid JSON (${(error as Error).message})`, {
				cause: error,
				details: { source, line: i + 1 }
			});
		}
		try {
			out.push(read(value));
		} catch (error) {
			throw new AssayError('DATASET_INVALID', `${source} line ${i + 1}: ${(error as Error).message}`, {
				details: { source, line: i + 1 }
			});
		}
	}
	return out;
}

function field(value: unknown, name: string, required: boolean): string {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object');
	const v = (value as Record<string, unknown>)[name];
	if (v === undefined || v === null) {
		if (required) throw new Error(`missing "${name}"`);
		return '';
	}
	// BEIR ids are strings, but some exports write numeric ids; keep their decimal text.
	if (typeof v === 'number' && name === '_id') return String(v);
	if (typeof v !== 'string') throw new Error(`"${name}" must be a string, found ${typeof v}`);
	return v;
}

/**
 * Parse `corpus.jsonl`. `_id` (string, or number kept as its decimal text) and `text` are
 * required, `title` is optional; other fields are ignored.
 * @throws AssayError `DATASET_INVALID` with the line number, also for a repeated `_id`.
 */
export function parseBeirCorpus(text: string, source = 'corpus.jsonl'): BeirDocument[] {
	const seen = new Set<string>();
	return parseJsonLines(text, source, (value) => {
		const id = field(value, '_id', true);
		if (id === '') throw new Error('"_id" is empty');
		if (seen.has(id)) throw new Error(`document "${id}" appears twice`);
		seen.add(id);
		return { id, title: field(value, 'title', false), text: field(value, 'text', true) };
	});
}

/**
 * Parse `queries.jsonl`: `_id` and `text` required.
 * @throws AssayError `DATASET_INVALID` with the line number, also for a repeated `_id`.
 */
export function parseBeirQueries(text: string, source = 'queries.jsonl'): BeirQuery[] {
	const seen = new Set<string>();
	return parseJsonLines(text, source, (value) => {
		const id = field(value, '_id', true);
		if (id === '') throw new Error('"_id" is empty');
		if (seen.has(id)) throw new Error(`query "${id}" appears twice`);
		seen.add(id);
		return { id, text: field(value, 'text', true) };
	});
}
