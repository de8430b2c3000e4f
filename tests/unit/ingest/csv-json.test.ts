import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvParser, parseDelimited } from '../../../src/lib/ingest/parsers/csv.ts';
import { jsonParser, jsonRecords } from '../../../src/lib/ingest/parsers/json.ts';
import { detectAndDecode } from '../../../src/lib/ingest/encoding/detect.ts';
import type { ParseInput } from '../../../src/lib/ingest/parsers/types.ts';

const DIR = 'tests/fixtures/cases/data-01-csv-json-bom-crlf';
const expected = JSON.parse(readFileSync(`${DIR}/expected.json`, 'utf8'));
const input = (name: string, format: string, bytes = new Uint8Array(readFileSync(`${DIR}/${name}`))): ParseInput => ({
	bytes,
	name,
	format,
	maxInflatedBytes: 1e6
});
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('data-01: CSV and JSON with BOM and CRLF', () => {
	it('parses the CSV rows exactly as RFC 4180 says, BOM stripped once', () => {
		const table = parseDelimited(detectAndDecode(new Uint8Array(readFileSync(`${DIR}/input.csv`))).text, ',');
		expect(table.fields).toEqual(expected['input.csv'].fields);
		expect(table.rows).toEqual(expected['input.csv'].rows);
	});

	it('parses the JSON after removing the byte-order mark', () => {
		expect(JSON.parse(detectAndDecode(new Uint8Array(readFileSync(`${DIR}/input.json`))).text)).toEqual(expected['input.json'].parsed);
	});

	it('keeps a quoted line break inside its row: one unit per row, header repeated', async () => {
		const parsed = await csvParser.parse(input('input.csv', 'csv'));
		expect(parsed.repeatedHeader).toBe('sku | name | notes');
		expect(parsed.units!.map((u) => parsed.text.slice(u.startOffset, u.endOffset))).toEqual([
			'A-100 | Hex bolt | Zinc plated sold per 50',
			'A-200 | Wing nut, large | Say "hand-tight" only',
			'A-300 | Washer | '
		]);
		expect(parsed.metadata).toEqual({ rowCount: 3, columnCount: 3 });
	});

	it('gives one record per JSON property or array element, with its key path', async () => {
		const parsed = await jsonParser.parse(input('input.json', 'json'));
		expect(parsed.units!.map((u) => u.headingPath)).toEqual([['$.version'], ['$.items[0]']]);
		expect(parsed.text).toBe('$.version 3\n$.items[0] {"sku":"A-100","label":"Hex bolt"}\n');
	});
});

describe('JSON parsing', () => {
	it('reports invalid JSON Lines with their line numbers and keeps the valid ones', async () => {
		const parsed = await jsonParser.parse(input('x.jsonl', 'jsonl', utf8('{"a":1}\n{oops\n\n{"b":2}\n')));
		expect(parsed.units!.map((u) => u.headingPath)).toEqual([['line 1'], ['line 4']]);
		expect(parsed.warnings).toEqual([
			expect.objectContaining({ kind: 'invalid-records', count: 1, message: expect.stringContaining('line 2') })
		]);
	});

	it('fails an invalid JSON document with FILE_PARSE', async () => {
		await expect(jsonParser.parse(input('x.json', 'json', utf8('{"a": }')))).rejects.toMatchObject({ code: 'FILE_PARSE' });
	});

	it('quotes keys that are not identifiers in key paths', () => {
		expect(jsonRecords('{"a b": 1, "c": []}').map((r) => r.path)).toEqual(['$["a b"]', '$.c']);
	});
});
