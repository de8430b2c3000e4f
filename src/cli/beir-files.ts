import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AssayError } from '../lib/shared/errors.ts';
import { parseBeirCorpus, parseBeirQueries, parseQrels, type BeirDocument, type BeirQuery, type Qrels } from '../lib/evals/index.ts';

/** A BEIR folder as loaded from disk. `qrels` is `null` when the folder has none. */
export interface BeirDataset {
	readonly name: string;
	readonly corpus: BeirDocument[];
	readonly queries: BeirQuery[];
	readonly qrels: Qrels | null;
	/** Paths actually read, for messages. */
	readonly files: { corpus: string; queries: string; qrels: string | null };
}

/**
 * Read a UTF-8 text file; `.gz` files are gunzipped first (node:zlib).
 * @throws AssayError `FILE_READ` when it cannot be read or decompressed.
 */
export function readTextFile(path: string): string {
	try {
		const bytes = readFileSync(path);
		return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
	} catch (error) {
		throw new AssayError('FILE_READ', `Cannot read ${path}: ${(error as Error).message}`, { cause: error, details: { path } });
	}
}

function firstExisting(dir: string, names: readonly string[]): string | null {
	for (const name of names) {
		const path = join(dir, name);
		if (existsSync(path)) return path;
	}
	return null;
}

/**
 * Load `corpus.jsonl` (or `corpus.jsonl.gz`), `queries.jsonl` and, when present,
 * `qrels.tsv` (or `qrels/test.tsv`, or `qrels.trec`) from a BEIR folder.
 * @throws AssayError `DATASET_INVALID` for a missing folder/file or a malformed line (with
 *   its number); `FILE_READ` when a file cannot be read.
 */
export function loadBeirDataset(dir: string): BeirDataset {
	if (!existsSync(dir) || !statSync(dir).isDirectory()) {
		throw new AssayError('DATASET_INVALID', `Dataset folder not found: ${dir}`, { details: { path: dir } });
	}
	const corpusPath = firstExisting(dir, ['corpus.jsonl', 'corpus.jsonl.gz']);
	const queriesPath = firstExisting(dir, ['queries.jsonl', 'queries.jsonl.gz']);
	if (!corpusPath || !queriesPath) {
		throw new AssayError('DATASET_INVALID', `${dir} must contain corpus.jsonl (or corpus.jsonl.gz) and queries.jsonl`, {
			details: { path: dir }
		});
	}
	const qrelsPath = firstExisting(dir, ['qrels.tsv', join('qrels', 'test.tsv'), 'qrels.trec']);
	return {
		name:
			dir
				.replace(/[\\/]+$/, '')
				.split(/[\\/]/)
				.pop() ?? dir,
		corpus: parseBeirCorpus(readTextFile(corpusPath), corpusPath),
		queries: parseBeirQueries(readTextFile(queriesPath), queriesPath),
		qrels: qrelsPath ? parseQrels(readTextFile(qrelsPath), qrelsPath) : null,
		files: { corpus: corpusPath, queries: queriesPath, qrels: qrelsPath }
	};
}
