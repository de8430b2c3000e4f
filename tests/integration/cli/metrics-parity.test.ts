import { readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const refDir = join(root, 'tests/fixtures/metrics-reference');
const work = mkdtempSync(join(tmpdir(), 'assay-metrics-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Measures `assay metrics` prints; other trec_eval measures in the files are not ours. */
const OURS = /^(num_q|num_ret|num_rel|num_rel_ret|map|Rprec|recip_rank|P_\d+|recall_\d+|ndcg_cut_\d+)$/;

type Json = { all: Record<string, number>; per_query: Record<string, Record<string, number>> };

/** trec_eval output lines `measure <tab> qid|all <tab> value`. */
function referenceRows(path: string): { measure: string; qid: string; value: number }[] {
	const rows = [];
	for (const line of readFileSync(path, 'utf8').split('\n')) {
		if (line.startsWith('#')) continue;
		const [measure, qid, value] = line.split('\t').map((f) => f.trim());
		if (measure && qid && value !== undefined && OURS.test(measure) && /^-?[\d.]+$/.test(value))
			rows.push({ measure, qid, value: Number(value) });
	}
	return rows;
}

async function metricsJson(qrels: string, run: string, flags: string[]): Promise<Json> {
	const { code, stdout, stderr } = await runCliCaptured(['metrics', '--qrels', qrels, '--run', run, '--json', ...flags]);
	expect(code, stderr).toBe(0);
	return JSON.parse(stdout) as Json;
}

function flagsOf(file: string): string[] {
	return [...(file.includes('.c.') ? ['-c'] : []), ...(file.includes('.l2.') ? ['-l', '2'] : []), ...(file.includes('.q.') ? ['-q'] : [])];
}

async function compare(qrels: string, run: string, reference: string, tolerance: number): Promise<number> {
	const out = await metricsJson(qrels, run, flagsOf(reference));
	const rows = referenceRows(reference);
	for (const row of rows) {
		const ours = row.qid === 'all' ? out.all[row.measure] : out.per_query[row.qid]?.[row.measure];
		expect(ours, `${reference} ${row.qid} ${row.measure}`).toBeDefined();
		expect(Math.abs((ours as number) - row.value), `${reference} ${row.qid} ${row.measure}`).toBeLessThanOrEqual(tolerance);
	}
	return rows.length;
}

const smallCases = ['01_ties', '02_queries_without_rels', '04_graded'];
const files = (suffix: string) =>
	smallCases.flatMap((c) =>
		readdirSync(join(refDir, c))
			.filter((f) => f.endsWith(suffix) && !f.includes('ndcg_gains'))
			.map((f) => [c, f] as const)
	);

describe('assay metrics --json reproduces trec_eval', () => {
	it.each(files('.hp.txt'))('%s: every measure of %s (12 decimals, trec_eval 10.0) to 1e-9', async (c, f) => {
		const compared = await compare(join(refDir, c, 'qrels'), join(refDir, c, 'run'), join(refDir, c, f), 1e-9);
		expect(compared).toBeGreaterThan(10);
	});

	it.each(files('.te9.txt'))('%s: every measure of %s (4 decimals, trec_eval 9.0.8) to 5e-5', async (c, f) => {
		const compared = await compare(join(refDir, c, 'qrels'), join(refDir, c, 'run'), join(refDir, c, f), 5e-5);
		expect(compared).toBeGreaterThan(10);
	});

	const cranQrels = join(root, 'tests/fixtures/datasets/cranfield/qrels.trec');
	const cranRun = join(work, 'cranfield.run');
	writeFileSync(cranRun, gunzipSync(readFileSync(join(refDir, 'cranfield-bm25/cranfield.bm25_porter.run.gz'))));

	it('matches the full Cranfield BM25 run per query and in summary (12 decimals) to 1e-9', async () => {
		const compared = await compare(cranQrels, cranRun, join(refDir, 'cranfield-bm25/cranfield.bm25_porter.summary.perquery.hp.txt'), 1e-9);
		expect(compared).toBe(226 * 6);
	});

	it('matches the Cranfield all_trec summary of trec_eval 9.0.8 (P_k, ndcg_cut_k, Rprec, …) to 5e-5', async () => {
		const compared = await compare(cranQrels, cranRun, join(refDir, 'cranfield-bm25/cranfield.bm25_porter.all_trec.te9.txt'), 5e-5);
		expect(compared).toBe(1 + 3 + 3 + 27);
	});

	it('prints trec_eval text lines (measure, qid|all, 4 decimals) with -q', async () => {
		const { code, stdout } = await runCliCaptured([
			'metrics',
			'--qrels',
			join(refDir, '01_ties/qrels'),
			'--run',
			join(refDir, '01_ties/run'),
			'-q'
		]);
		expect(code).toBe(0);
		expect(stdout).toContain('map                   \tq1\t0.4111\n');
		expect(stdout).toContain('num_q                 \tall\t1\n');
		expect(stdout).toContain('Rprec                 \tall\t0.3333\n');
	});

	it('exits 2 with a readable message when run and qrels share no query', async () => {
		const qrels = join(work, 'q.trec');
		const run = join(work, 'r.run');
		writeFileSync(qrels, 'A 0 d1 1\n');
		writeFileSync(run, 'Z Q0 d1 1 1.0 t\n');
		const { code, stderr } = await runCliCaptured(['metrics', '--qrels', qrels, '--run', run]);
		expect(code).toBe(2);
		expect(stderr).toMatch(/No query to evaluate/);
	});

	it('exits 2 for a run that ranks a document twice for one query, as trec_eval stops with "duplicate docs" (never MAP > 1)', async () => {
		const qrels = join(work, 'dup.qrels');
		const run = join(work, 'dup.run');
		writeFileSync(qrels, 'q 0 d1 1\n');
		writeFileSync(run, 'q Q0 d1 1 2.0 t\nq Q0 d2 2 1.5 t\nq Q0 d1 3 1.0 t\n');
		const { code, stdout, stderr } = await runCliCaptured(['metrics', '--qrels', qrels, '--run', run]);
		expect(code).toBe(2);
		expect(stdout).toBe('');
		expect(stderr).toContain('line 3: document "d1" appears twice for query "q"');
	});
});
