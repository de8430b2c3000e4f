import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { evaluateRun, parseQrels, parseRun, TREC_EVAL_CUTOFFS } from '../../../src/lib/evals/metrics/index.ts';

const refDir = new URL('../../fixtures/metrics-reference/', import.meta.url);

/** trec_eval output lines `measure <tab> qid|all <tab> value` as `qid → measure → value`. */
function readTrecEvalOutput(text: string): Map<string, Map<string, number>> {
	const out = new Map<string, Map<string, number>>();
	for (const line of text.split('\n')) {
		if (line.startsWith('#') || line.trim() === '') continue;
		const [measure, qid, value] = line.split('\t').map((f) => f.trim());
		if (!measure || !qid || value === undefined || !/^-?[\d.]+$/.test(value)) continue;
		if (!out.has(qid)) out.set(qid, new Map());
		out.get(qid)?.set(measure, Number(value));
	}
	return out;
}

/** Measures we compute, by trec_eval name; others in the files (bpref, ndcg, …) are skipped. */
function isOurs(measure: string): boolean {
	return /^(num_q|num_ret|num_rel|num_rel_ret|map|Rprec|recip_rank|P_\d+|recall_\d+|ndcg_cut_\d+)$/.test(measure);
}

interface Expectation {
	file: string;
	qid: string;
	measure: string;
	expected: number;
	actual: number | undefined;
}

function compareCase(caseName: string, file: string): Expectation[] {
	const base = new URL(`${caseName}/`, refDir);
	const reference = readTrecEvalOutput(readFileSync(new URL(file, base), 'utf8'));
	const evaluation = evaluateRun(
		parseQrels(readFileSync(new URL('qrels', base), 'utf8')),
		parseRun(readFileSync(new URL('run', base), 'utf8')),
		{
			cutoffs: TREC_EVAL_CUTOFFS,
			includeMissingQueries: file.includes('.c.'),
			relevanceLevel: file.includes('.l2.') ? 2 : 1
		}
	);
	const rows: Expectation[] = [];
	for (const [qid, measures] of reference) {
		const ours = qid === 'all' ? evaluation.summary : evaluation.perQuery.get(qid);
		for (const [measure, expected] of measures) {
			if (isOurs(measure)) rows.push({ file, qid, measure, expected, actual: ours?.[measure] });
		}
	}
	return rows;
}

const cases = ['01_ties', '02_queries_without_rels', '04_graded'];
const hpFiles = cases.flatMap((c) =>
	readdirSync(new URL(`${c}/`, refDir))
		.filter((f) => f.endsWith('.hp.txt') && !f.includes('ndcg_gains'))
		.map((f) => [c, f] as const)
);

describe('trec_eval parity on the 12-decimal reference outputs', () => {
	it.each(hpFiles)('%s: matches every measure of %s to 1e-12', (caseName, file) => {
		const rows = compareCase(caseName, file);
		expect(rows.length).toBeGreaterThan(10);
		for (const row of rows) {
			expect(row.actual, `${row.qid} ${row.measure}`).toBeDefined();
			expect(Math.abs((row.actual ?? NaN) - row.expected), `${row.file} ${row.qid} ${row.measure}`).toBeLessThan(1e-12);
		}
	});

	it('matches the trec_eval 9.0.8 summary where 10.0 stops (02 without -c)', () => {
		const rows = compareCase('02_queries_without_rels', '02_queries_without_rels.key.q.te9.txt');
		const summary = rows.filter((r) => r.qid === 'all');
		expect(summary.find((r) => r.measure === 'num_q')?.actual).toBe(2);
		for (const row of summary) expect(Math.abs((row.actual ?? NaN) - row.expected), row.measure).toBeLessThanOrEqual(5e-5);
	});

	it('evaluates tied scores in document-id-descending order (01_ties: map 0.411111111111)', () => {
		const rows = compareCase('01_ties', '01_ties.key.q.hp.txt');
		expect(rows.find((r) => r.measure === 'map' && r.qid === 'q1')?.actual).toBeCloseTo(0.411111111111, 12);
	});

	it('gives 0 to a judged query without relevant documents and ignores run-only queries', () => {
		const evaluation = evaluateRun(parseQrels('A 0 a1 1\nB 0 b1 0\n'), parseRun('A Q0 a1 1 1 r\nB Q0 b1 1 1 r\nD Q0 x 1 1 r\n'));
		expect(evaluation.queryCount).toBe(2);
		expect(evaluation.perQuery.get('B')?.ndcg_cut_10).toBe(0);
		expect(evaluation.perQuery.has('D')).toBe(false);
	});

	it('throws DATASET_INVALID when run and qrels share no query', () => {
		expect(() => evaluateRun(parseQrels('A 0 a1 1\n'), parseRun('Z Q0 a1 1 1 r\n'))).toThrow(
			expect.objectContaining({ code: 'DATASET_INVALID' })
		);
	});
});

describe('trec_eval parity on the full Cranfield BM25 run', () => {
	const qrels = parseQrels(readFileSync(new URL('../../fixtures/datasets/cranfield/qrels.trec', import.meta.url), 'utf8'));
	const run = parseRun(gunzipSync(readFileSync(new URL('cranfield-bm25/cranfield.bm25_porter.run.gz', refDir))).toString('utf8'));
	const evaluation = evaluateRun(qrels, run, { cutoffs: [5, 10, 100] });
	const reference = readTrecEvalOutput(
		readFileSync(new URL('cranfield-bm25/cranfield.bm25_porter.summary.perquery.hp.txt', refDir), 'utf8')
	);

	it('matches map, recip_rank, recall@5/10/100 and ndcg_cut_10 of all 225 queries to 1e-12', () => {
		let compared = 0;
		for (const [qid, measures] of reference) {
			const ours = qid === 'all' ? evaluation.summary : evaluation.perQuery.get(qid);
			for (const [measure, expected] of measures) {
				expect(Math.abs((ours?.[measure] ?? NaN) - expected), `${qid} ${measure}`).toBeLessThan(1e-12);
				compared++;
			}
		}
		expect(compared).toBe(226 * 6);
	});

	it('gives the published summary: nDCG@10 0.3518, MAP 0.2887, recall@100 0.7213, MRR 0.5151', () => {
		expect(evaluation.summary.ndcg_cut_10).toBeCloseTo(0.3518, 4);
		expect(evaluation.summary.map).toBeCloseTo(0.2887, 4);
		expect(evaluation.summary.recall_100).toBeCloseTo(0.7213, 4);
		expect(evaluation.summary.recip_rank).toBeCloseTo(0.5151, 4);
	});
});
