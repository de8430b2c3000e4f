import { AssayError } from '../../shared/errors.ts';
import { decodeForParser, encodingFields } from './text-common.ts';
import type { ChunkUnit, DocumentParser, ParsedDocument, ParseInput, ParseWarning } from './types.ts';

/**
 * JSON and JSON Lines. Every record is one chunk unit with its key path as heading:
 * - `.jsonl`/`.ndjson`: each non-empty line is a record (`line 3`); invalid lines are skipped
 *   and reported as a warning with their line numbers;
 * - `.json`: a top-level array gives one record per element (`$[0]`); a top-level object one
 *   per property (`$.version`), and one per element of a property holding an array
 *   (`$.items[0]`); a scalar is one record (`$`).
 * The stored text has one line per record: `<key path> <compact JSON>`.
 */
export const jsonParser: DocumentParser = {
	formats: ['json', 'jsonl'],
	async parse(input: ParseInput): Promise<ParsedDocument> {
		const decoded = decodeForParser(input);
		const warnings: ParseWarning[] = [...decoded.warnings];
		const records = input.format === 'jsonl' ? jsonLinesRecords(decoded.text, warnings) : jsonRecords(decoded.text);
		if (records.length === 0) throw new AssayError('FILE_PARSE', 'The file holds no JSON record.');
		const lines: string[] = [];
		const units: ChunkUnit[] = [];
		let offset = 0;
		for (const r of records) {
			const line = `${r.path} ${JSON.stringify(r.value)}`;
			units.push({ startOffset: offset, endOffset: offset + line.length, headingPath: [r.path], alone: true });
			lines.push(line);
			offset += line.length + 1;
		}
		return {
			text: `${lines.join('\n')}\n`,
			layout: 'units',
			units,
			...encodingFields(decoded),
			warnings,
			metadata: { recordCount: records.length }
		};
	}
};

/** One JSON record and where it sits. */
export interface JsonRecord {
	/** Key path: `$`, `$.items[0]`, `$["a b"]`, or `line 3` for JSON Lines. */
	readonly path: string;
	readonly value: unknown;
}

/**
 * Records of a JSON document (see {@link jsonParser}).
 * @throws AssayError `FILE_PARSE` with the parser's message when the text is not JSON.
 */
export function jsonRecords(text: string): JsonRecord[] {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (cause) {
		throw new AssayError('FILE_PARSE', `Invalid JSON: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
	}
	if (Array.isArray(value)) return value.map((v, i) => ({ path: `$[${i}]`, value: v }));
	if (value === null || typeof value !== 'object') return [{ path: '$', value }];
	const out: JsonRecord[] = [];
	for (const [key, v] of Object.entries(value)) {
		const path = `$${keySegment(key)}`;
		if (Array.isArray(v) && v.length > 0) v.forEach((item, i) => out.push({ path: `${path}[${i}]`, value: item }));
		else out.push({ path, value: v });
	}
	return out;
}

/** Records of a JSON Lines text; invalid lines are reported in `warnings` (1-based line numbers). */
export function jsonLinesRecords(text: string, warnings: ParseWarning[]): JsonRecord[] {
	const out: JsonRecord[] = [];
	const bad: number[] = [];
	text.split('\n').forEach((line, i) => {
		if (line.trim() === '') return;
		try {
			out.push({ path: `line ${i + 1}`, value: JSON.parse(line) });
		} catch {
			bad.push(i + 1);
		}
	});
	if (bad.length > 0)
		warnings.push({
			kind: 'invalid-records',
			count: bad.length,
			message: `${bad.length} invalid JSON line(s) skipped: line ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? ', …' : ''}.`
		});
	return out;
}

function keySegment(key: string): string {
	return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
