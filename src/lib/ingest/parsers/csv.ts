import Papa from 'papaparse';
import { AssayError } from '../../shared/errors.ts';
import { decodeForParser, encodingFields } from './text-common.ts';
import type { ChunkUnit, DocumentParser, ParsedDocument, ParseInput, ParseWarning } from './types.ts';

/**
 * CSV and TSV with Papa Parse (RFC 4180: quoted fields may hold delimiters, doubled quotes and
 * line breaks; a quoted line break is never a row break). The stored text has one line per
 * row, cells joined by ` | `; line breaks inside a cell become spaces so a row stays one
 * line. Each row is a chunk unit; chunks are groups of rows that
 * repeat the header line.
 */
export const csvParser: DocumentParser = {
	formats: ['csv', 'tsv'],
	async parse(input: ParseInput): Promise<ParsedDocument> {
		const decoded = decodeForParser(input);
		const table = parseDelimited(decoded.text, input.format === 'tsv' ? '\t' : ',');
		const warnings: ParseWarning[] = [...decoded.warnings];
		if (table.errors.length > 0)
			warnings.push({
				kind: 'invalid-rows',
				count: table.errors.length,
				message: `${table.errors.length} row(s) malformed: ${table.errors.slice(0, 3).join('; ')}`
			});
		const header = formatRow(table.fields);
		const lines: string[] = [header];
		const units: ChunkUnit[] = [];
		let offset = header.length + 1;
		for (const row of table.rows) {
			const line = formatRow(table.fields.map((f) => row[f] ?? ''));
			units.push({ startOffset: offset, endOffset: offset + line.length, headingPath: [] });
			lines.push(line);
			offset += line.length + 1;
		}
		return {
			text: `${lines.join('\n')}\n`,
			layout: 'units',
			units,
			repeatedHeader: header,
			...encodingFields(decoded),
			warnings,
			metadata: { rowCount: table.rows.length, columnCount: table.fields.length }
		};
	}
};

/** Rows of a CSV/TSV text as objects keyed by the header's fields. */
export interface DelimitedTable {
	readonly fields: readonly string[];
	readonly rows: readonly Record<string, string>[];
	/** Readable messages for malformed rows (row number, reason). */
	readonly errors: readonly string[];
}

/**
 * Parse delimited text whose first row is the header (RFC 4180; Papa Parse). Empty trailing
 * lines are skipped; a row with a different number of fields is reported in `errors` and kept.
 * @throws AssayError `FILE_PARSE` when there is no header row.
 */
export function parseDelimited(text: string, delimiter: ',' | '\t'): DelimitedTable {
	const result = Papa.parse<Record<string, string>>(text, { header: true, delimiter, skipEmptyLines: true, newline: '\n' });
	const fields = result.meta.fields ?? [];
	if (fields.length === 0) throw new AssayError('FILE_PARSE', 'The table has no header row.');
	const errors = result.errors.map((e) => `row ${(e.row ?? 0) + 2}: ${e.message}`);
	return { fields, rows: result.data, errors };
}

function formatRow(cells: readonly string[]): string {
	return cells.map((c) => c.replace(/\s*\n\s*/g, ' ')).join(' | ');
}
