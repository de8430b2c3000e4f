import Papa from 'papaparse';
import { z } from '../../shared/zod.ts';
import { AssayError } from '../../shared/errors.ts';
import {
	GoldenCaseInputSchema,
	RelevantInputSchema,
	type GoldenCase,
	type ParsedGoldenCases,
	type RelevantDocument,
	type RowError
} from './types.ts';

/**
 * Golden-set importers. Each validates row by row: a bad row becomes a {@link RowError} with
 * its line number and the good rows are kept, in file order. A repeated case id is an error
 * on the later row (the first one is kept).
 */

function issueText(error: z.ZodError): string {
	return error.issues.map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`).join('; ');
}

function toCase(input: z.infer<typeof GoldenCaseInputSchema>): GoldenCase {
	return {
		id: input.id,
		query: input.query,
		relevant: input.relevant,
		...(input.reference !== undefined && input.reference !== '' ? { reference: input.reference } : {}),
		tags: input.tags ?? [],
		...(input.attack !== undefined ? { attack: { canaries: input.attack.canaries, forbiddenHosts: input.attack.forbiddenHosts } } : {}),
		...(input.source !== undefined ? { source: { ...input.source } } : {})
	};
}

class Collector {
	readonly cases: GoldenCase[] = [];
	readonly errors: RowError[] = [];
	private readonly ids = new Set<string>();
	add(line: number, value: unknown): void {
		const parsed = GoldenCaseInputSchema.safeParse(value);
		if (!parsed.success) return void this.errors.push({ line, message: issueText(parsed.error) });
		const c = toCase(parsed.data);
		const docs = new Set<string>();
		for (const r of c.relevant) {
			if (docs.has(r.doc)) return void this.errors.push({ line, message: `document "${r.doc}" is listed twice for case "${c.id}"` });
			docs.add(r.doc);
		}
		if (this.ids.has(c.id)) return void this.errors.push({ line, message: `case id "${c.id}" appears twice (the first is kept)` });
		this.ids.add(c.id);
		this.cases.push(c);
	}
	result(): ParsedGoldenCases {
		return { cases: this.cases, errors: this.errors };
	}
}

/** Assay JSONL: one case object per non-blank line (BOM and CRLF accepted). */
export function parseGoldenJsonl(text: string): ParsedGoldenCases {
	const out = new Collector();
	text
		.replace(/^\uFEFF/, '')
		.split('\n')
		.forEach((raw, i) => {
			const line = raw.trim();
			if (line === '') return;
			let value: unknown;
			try {
				value = JSON.parse(line);
			} catch (error) {
				out.errors.push({ line: i + 1, message: `not valid JSON (${(error as Error).message})` });
				return;
			}
			out.add(i + 1, value);
		});
	return out.result();
}

/** A CSV `relevant` cell: a JSON array (as in JSONL), or references separated by `;` or `|`, each `doc` or `doc:grade`. */
function relevantCell(cell: string): unknown {
	const text = cell.trim();
	if (text.startsWith('[')) return JSON.parse(text) as unknown;
	if (text === '') return [];
	return text.split(/[;|]/).map((part) => {
		const m = /^(.*?):(-?\d+)$/.exec(part.trim());
		return m ? { doc: m[1], grade: Number(m[2]) } : part.trim();
	});
}

/**
 * CSV with a header row naming the same columns as the JSONL (`id`, `query`, `relevant`,
 * `reference`, `tags`); RFC 4180 quoting (papaparse). `relevant`: see {@link relevantCell};
 * `tags`: separated by `;`. Line numbers count the header as line 1 and each record as one line.
 */
export function parseGoldenCsv(text: string): ParsedGoldenCases {
	const out = new Collector();
	const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: 'greedy' });
	const missing = ['id', 'query', 'relevant'].filter((c) => !(parsed.meta.fields ?? []).includes(c));
	if (missing.length > 0)
		return { cases: [], errors: [{ line: 1, message: `header must name the columns id, query, relevant; missing ${missing.join(', ')}` }] };
	parsed.data.forEach((row, i) => {
		const line = i + 2;
		let relevant: unknown;
		try {
			relevant = relevantCell(row.relevant ?? '');
		} catch (error) {
			out.errors.push({ line, message: `relevant: not a JSON array (${(error as Error).message})` });
			return;
		}
		const tags = (row.tags ?? '')
			.split(';')
			.map((t) => t.trim())
			.filter(Boolean);
		out.add(line, { id: row.id, query: row.query, relevant, ...(row.reference ? { reference: row.reference } : {}), tags });
	});
	for (const e of parsed.errors) if (e.row !== undefined) out.errors.push({ line: e.row + 2, message: e.message });
	return out.result();
}

/**
 * TREC qrels (`qid iter docid grade`, or BEIR `query-id corpus-id score` with a header) plus a
 * queries file: BEIR `queries.jsonl` (`{"_id","text"}`) or TSV `qid<TAB>text`. Every judged
 * query with a text becomes a case (judgments with grade 0 are kept: judged, not relevant);
 * a judged query without text (at its first qrels line), or a bad line, is reported.
 */
export function parseGoldenTrec(qrelsText: string, queriesText: string): ParsedGoldenCases {
	const errors: RowError[] = [];
	const judged = new Map<string, RelevantDocument[]>();
	/** First qrels line of each query, so a problem with the query names a line. */
	const firstLine = new Map<string, number>();
	const seen = new Set<string>();
	let columns = 0;
	qrelsText
		.replace(/^\uFEFF/, '')
		.split('\n')
		.forEach((raw, i) => {
			const fields = raw.trim().split(/\s+/);
			if (fields[0] === '') return;
			if (columns === 0) {
				columns = fields.length === 3 ? 3 : 4;
				if (columns === 3 && !/^-?\d+$/.test(fields[2] ?? '')) return; // BEIR header
			}
			if (fields.length !== columns)
				return void errors.push({ line: i + 1, message: `qrels: expected ${columns} columns, found ${fields.length}` });
			const [qid, docId, grade] = [fields[0] as string, fields[columns - 2] as string, fields[columns - 1] as string];
			if (!/^[+-]?\d+$/.test(grade)) return void errors.push({ line: i + 1, message: `qrels: grade must be an integer, found "${grade}"` });
			if (seen.has(`${qid}\u0000${docId}`))
				return void errors.push({ line: i + 1, message: `qrels: document "${docId}" judged twice for query "${qid}"` });
			seen.add(`${qid}\u0000${docId}`);
			if (!judged.has(qid)) {
				judged.set(qid, []);
				firstLine.set(qid, i + 1);
			}
			judged.get(qid)?.push({ doc: docId, grade: Number(grade) });
		});
	const texts = parseQueries(queriesText, errors);
	const out = new Collector();
	for (const e of errors) out.errors.push(e);
	for (const [qid, relevant] of judged) {
		const query = texts.get(qid);
		const line = firstLine.get(qid) ?? 0;
		if (query === undefined) out.errors.push({ line, message: `qrels: query "${qid}" is judged but has no text in the queries file` });
		else out.add(line, { id: qid, query, relevant });
	}
	return out.result();
}

function parseQueries(text: string, errors: RowError[]): Map<string, string> {
	const out = new Map<string, string>();
	text
		.replace(/^\uFEFF/, '')
		.split('\n')
		.forEach((raw, i) => {
			const line = raw.trim();
			if (line === '') return;
			if (line.startsWith('{')) {
				try {
					const v = JSON.parse(line) as { _id?: unknown; text?: unknown };
					if ((typeof v._id === 'string' || typeof v._id === 'number') && typeof v.text === 'string') out.set(String(v._id), v.text);
					else errors.push({ line: i + 1, message: 'queries: expected {"_id", "text"}' });
				} catch (error) {
					errors.push({ line: i + 1, message: `queries: not valid JSON (${(error as Error).message})` });
				}
				return;
			}
			const tab = line.search(/\s/);
			if (tab < 0) return void errors.push({ line: i + 1, message: 'queries: expected "qid<TAB>text"' });
			out.set(line.slice(0, tab), line.slice(tab).trim());
		});
	return out;
}

/**
 * Parse a `relevant` list as typed in the editor (same syntax as the CSV cell).
 * @throws AssayError `DATASET_INVALID` naming the problem.
 */
export function parseRelevantList(text: string): RelevantDocument[] {
	let value: unknown;
	try {
		value = relevantCell(text);
	} catch (error) {
		throw new AssayError('DATASET_INVALID', `relevant: not a JSON array (${(error as Error).message})`);
	}
	const parsed = z.array(RelevantInputSchema).safeParse(value);
	if (!parsed.success) throw new AssayError('DATASET_INVALID', `relevant: ${issueText(parsed.error)}`);
	return parsed.data;
}
