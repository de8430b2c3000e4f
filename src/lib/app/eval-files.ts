import { AssayError } from '$lib/shared/errors.ts';
import type { BeirFolderInput, GoldenSetSource } from '$lib/services/eval-api.ts';
import type { AnalyzerName } from '$lib/config/schema.ts';

/**
 * Recognise a picked BEIR folder: `corpus.jsonl` or `corpus.jsonl.gz`, `queries.jsonl`, and
 * `qrels/test.tsv` or `qrels.tsv` (test split first), anywhere under the picked root.
 * @throws AssayError `DATASET_INVALID` naming what is missing.
 */
export function beirFolderInput(files: readonly File[], analyzer: AnalyzerName): BeirFolderInput {
	const path = (f: File) => f.webkitRelativePath || f.name;
	const find = (...suffixes: string[]) =>
		suffixes.map((s) => files.find((f) => path(f) === s || path(f).endsWith(`/${s}`))).find((f) => f !== undefined);
	const corpus = find('corpus.jsonl', 'corpus.jsonl.gz');
	const queries = find('queries.jsonl');
	const qrels = find('qrels/test.tsv', 'qrels.tsv');
	const missing = [!corpus && 'corpus.jsonl(.gz)', !queries && 'queries.jsonl', !qrels && 'qrels/test.tsv or qrels.tsv'].filter(Boolean);
	if (!corpus || !queries || !qrels) throw new AssayError('DATASET_INVALID', `Not a BEIR folder: missing ${missing.join(', ')}.`);
	const root = path(corpus).split('/');
	const name = root.length > 1 ? (root[0] as string) : 'BEIR collection';
	return { name, corpus, corpusGzipped: corpus.name.endsWith('.gz'), queries, qrels, analyzer };
}

/**
 * A golden-set import from picked files: one `.jsonl` or `.csv`, or a qrels file plus a
 * queries file (`.jsonl` or `.tsv`) for TREC.
 * @throws AssayError `DATASET_INVALID` for anything else.
 */
export async function goldenSetSource(files: readonly File[]): Promise<{ name: string; source: GoldenSetSource }> {
	if (files.length === 1) {
		const f = files[0] as File;
		if (/\.jsonl$/i.test(f.name)) return { name: f.name, source: { format: 'jsonl', text: await f.text() } };
		if (/\.csv$/i.test(f.name)) return { name: f.name, source: { format: 'csv', text: await f.text() } };
	}
	if (files.length === 2) {
		const queries = files.find((f) => /quer/i.test(f.name));
		const qrels = files.find((f) => f !== queries);
		if (queries && qrels)
			return { name: qrels.name, source: { format: 'trec', qrelsText: await qrels.text(), queriesText: await queries.text() } };
	}
	throw new AssayError(
		'DATASET_INVALID',
		'Pick one .jsonl or .csv golden set, or a qrels file together with a queries file (name containing "quer").'
	);
}

/** Offer `text` as a file download (an object URL, revoked after the click). */
export function download(name: string, text: string, type: string): void {
	const url = URL.createObjectURL(new Blob([text], { type }));
	const a = document.createElement('a');
	a.href = url;
	a.download = name;
	a.click();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Browser and GPU adapter, for reports. The adapter is read when WebGPU exists; never throws. */
export async function environmentInfo(): Promise<{ userAgent: string; gpuAdapter: string | null; hardwareConcurrency: number | null }> {
	let gpuAdapter: string | null = null;
	try {
		const gpu = (
			navigator as Navigator & {
				gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> };
			}
		).gpu;
		const adapter = gpu ? await gpu.requestAdapter() : null;
		if (adapter)
			gpuAdapter =
				[adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description].filter(Boolean).join(' ') || 'unknown adapter';
	} catch {
		gpuAdapter = null;
	}
	return { userAgent: navigator.userAgent, gpuAdapter, hardwareConcurrency: navigator.hardwareConcurrency ?? null };
}

/** Largest report file read for import, bytes (50 MiB): larger is not a report Assay wrote for a golden set of any sane size. */
export const MAX_REPORT_BYTES = 50 * 1024 * 1024;

/**
 * Import report files one by one: each too-large or invalid file is reported by name and the
 * others still go through.
 * @returns how many were imported and one "name: reason" line per refused file.
 */
export async function importReportFiles(
	files: readonly File[],
	importOne: (json: string) => Promise<unknown>,
	describeError: (error: unknown) => string
): Promise<{ imported: number; failed: string[] }> {
	let imported = 0;
	const failed: string[] = [];
	for (const f of files) {
		try {
			if (f.size > MAX_REPORT_BYTES)
				throw new AssayError(
					'DATASET_INVALID',
					`${(f.size / 1048576).toFixed(1)} MiB is larger than the ${MAX_REPORT_BYTES / 1048576} MiB a report may be.`
				);
			await importOne(await f.text());
			imported++;
		} catch (error) {
			failed.push(`${f.name}: ${describeError(error)}`);
		}
	}
	return { imported, failed };
}
