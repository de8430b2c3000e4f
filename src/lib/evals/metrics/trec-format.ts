import { AssayError } from '../../shared/errors.ts';

/**
 * TREC run and qrels files, as trec_eval reads them. Ids are case-sensitive strings.
 */

/** Relevance judgments: query id → (document id → grade). Grades are integers; ≤ 0 is not relevant. */
export type Qrels = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** One retrieved document of a run. */
export interface RunEntry {
	readonly docId: string;
	readonly score: number;
}

/** A run: query id → retrieved documents (in file order; evaluation re-sorts them). */
export type Run = ReadonlyMap<string, readonly RunEntry[]>;

function bad(source: string, line: number, message: string): AssayError {
	return new AssayError('DATASET_INVALID', `${source} line ${line}: ${message}`, { details: { source, line } });
}

/**
 * Parse qrels text. Two layouts, detected from the first non-empty line:
 * - TREC (`qrels.trec`): `qid iter docid grade`, whitespace-separated, 4 columns;
 * - BEIR (`qrels.tsv`): `query-id<TAB>corpus-id<TAB>score`, 3 columns, an optional header line.
 * @param source a name for error messages (file name).
 * @throws AssayError `DATASET_INVALID` with the line number for a wrong column count, a
 *   non-integer grade, or a document judged twice for one query (fatal in trec_eval too).
 */
export function parseQrels(text: string, source = 'qrels'): Qrels {
	const qrels = new Map<string, Map<string, number>>();
	let columns = 0;
	const lines = text.split(/\r?\n/);
	for (let i = 0; i < lines.length; i++) {
		const line = (lines[i] as string).replace(/^\uFEFF/, '').trim();
		if (line === '') continue;
		const fields = line.split(/\s+/);
		if (columns === 0) {
			columns = fields.length;
			if (columns !== 3 && columns !== 4) {
				throw bad(source, i + 1, `expected 4 columns (qid iter docid grade) or 3 (query-id corpus-id score), found ${fields.length}`);
			}
			// The BEIR header (`query-id corpus-id score`) has a non-numeric grade column.
			if (columns === 3 && !/^-?\d+$/.test(fields[2] as string)) continue;
		}
		if (fields.length !== columns) throw bad(source, i + 1, `expected ${columns} columns, found ${fields.length}`);
		const qid = fields[0] as string;
		const docId = fields[columns - 2] as string;
		const gradeText = fields[columns - 1] as string;
		if (!/^[+-]?\d+$/.test(gradeText)) throw bad(source, i + 1, `grade must be an integer, found "${gradeText}"`);
		let judged = qrels.get(qid);
		if (!judged) qrels.set(qid, (judged = new Map()));
		if (judged.has(docId)) throw bad(source, i + 1, `document "${docId}" is judged twice for query "${qid}"`);
		judged.set(docId, Number.parseInt(gradeText, 10));
	}
	return qrels;
}

/**
 * Parse a TREC run: `qid Q0 docid rank score tag` per line, whitespace-separated. The rank
 * column is ignored (as trec_eval does); `score` is any finite number (`1`, `1.0`, `1e0`).
 * @throws AssayError `DATASET_INVALID` with the line number for a wrong column count, a
 *   non-numeric score, or a document listed twice for one query (fatal in trec_eval too).
 */
export function parseRun(text: string, source = 'run'): Run {
	const run = new Map<string, RunEntry[]>();
	const seen = new Map<string, Set<string>>();
	const lines = text.split(/\r?\n/);
	for (let i = 0; i < lines.length; i++) {
		const line = (lines[i] as string).replace(/^\uFEFF/, '').trim();
		if (line === '') continue;
		const fields = line.split(/\s+/);
		if (fields.length !== 6) throw bad(source, i + 1, `expected 6 columns (qid Q0 docid rank score tag), found ${fields.length}`);
		const [qid, , docId, , scoreText] = fields as [string, string, string, string, string, string];
		const score = Number(scoreText);
		if (scoreText === '' || !Number.isFinite(score)) throw bad(source, i + 1, `score must be a number, found "${scoreText}"`);
		let docs = seen.get(qid);
		if (!docs) seen.set(qid, (docs = new Set()));
		if (docs.has(docId)) throw bad(source, i + 1, `document "${docId}" appears twice for query "${qid}"`);
		docs.add(docId);
		let entries = run.get(qid);
		if (!entries) run.set(qid, (entries = []));
		entries.push({ docId, score });
	}
	return run;
}

/** One query's ranked documents, best first, for {@link formatTrecRun}. */
export interface RankedList {
	readonly queryId: string;
	readonly hits: readonly { readonly id: string; readonly score: number }[];
}

/**
 * Format a run as TREC lines `qid Q0 docid rank score tag` (rank 1-based, score with 6
 * decimals as the reference runs), one line per hit, each line ending in `\n`.
 * @throws AssayError `DATASET_INVALID` when an id or the tag is empty or contains whitespace
 *   (the format could not be read back).
 */
export function formatTrecRun(lists: Iterable<RankedList>, tag: string): string {
	const checkToken = (kind: string, value: string): void => {
		if (value === '' || /\s/.test(value)) {
			throw new AssayError(
				'DATASET_INVALID',
				`A ${kind} in a TREC run must be non-empty without whitespace, received ${JSON.stringify(value)}`
			);
		}
	};
	checkToken('tag', tag);
	const out: string[] = [];
	for (const { queryId, hits } of lists) {
		checkToken('query id', queryId);
		hits.forEach((hit, i) => {
			checkToken('document id', hit.id);
			out.push(`${queryId} Q0 ${hit.id} ${i + 1} ${hit.score.toFixed(6)} ${tag}\n`);
		});
	}
	return out.join('');
}
