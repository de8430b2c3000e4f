import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateRun, parseQrels, parseRun, sortForEvaluation, type RunEntry } from '../../../src/lib/evals/metrics/index.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = join(root, 'tests/fixtures');
const work = mkdtempSync(join(tmpdir(), 'assay-parity-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Run the CLI as a user would: `node bin/assay.js …`. */
function assay(...args: string[]) {
	return spawnSync(process.execPath, [join(root, 'bin/assay.js'), ...args], { cwd: root, encoding: 'utf8' });
}

describe('assay bm25 on Cranfield with the english analyzer', () => {
	const runPath = join(work, 'cranfield.run');
	let cli: ReturnType<typeof assay>;
	let ours: ReadonlyMap<string, readonly RunEntry[]> = new Map();
	beforeAll(() => {
		// One CLI run serves every test below.
		cli = assay('bm25', '--dataset', join(fixtures, 'datasets/cranfield'), '--out', runPath, '--analyzer', 'english');
		if (cli.status === 0) ours = parseRun(readFileSync(runPath, 'utf8'));
	});
	const reference = parseRun(
		gunzipSync(readFileSync(join(fixtures, 'metrics-reference/cranfield-bm25/cranfield.bm25_porter.run.gz'))).toString('utf8')
	);

	it('exits 0 and reports what it did on stderr', () => {
		expect(cli.stderr).toMatch(/1400 documents \(1400 items\), 225 queries; analyzer english, k1 0.9, b 0.4/);
		expect(cli.status).toBe(0);
	});

	it('writes TREC run lines with 6-decimal scores, at most 1000 per query', () => {
		const first = readFileSync(runPath, 'utf8').split('\n')[0];
		expect(first).toBe('1 Q0 51 1 11.656861 assay-bm25');
		expect(ours.size).toBe(225);
		for (const entries of ours.values()) expect(entries.length).toBeLessThanOrEqual(1000);
	});

	it('matches the reference run: same top-100 documents per query (modulo ties at the cut) with scores within 1e-4', () => {
		for (const [qid, refEntries] of reference) {
			const mine = sortForEvaluation(ours.get(qid) ?? []).slice(0, 100);
			const theirs = sortForEvaluation(refEntries).slice(0, 100);
			const myScores = new Map(mine.map((e) => [e.docId, e.score]));
			const refAll = new Map(refEntries.map((e) => [e.docId, e.score]));
			expect(mine.length, `query ${qid}`).toBe(theirs.length);
			const cut = theirs[theirs.length - 1]?.score ?? 0;
			for (const e of theirs) {
				const score = myScores.get(e.docId);
				// A document missing from our top 100 may only be one tied with the last score.
				if (score === undefined) expect(Math.abs(e.score - cut), `query ${qid} doc ${e.docId}`).toBeLessThan(1e-4);
				else expect(Math.abs(score - e.score), `query ${qid} doc ${e.docId}`).toBeLessThan(1e-4);
			}
			for (const e of mine) expect(Math.abs((refAll.get(e.docId) ?? -1) - e.score), `query ${qid} doc ${e.docId}`).toBeLessThan(1e-4);
		}
	});

	it('scores nDCG@10 0.3518 and MAP 0.2887 as the reference run', () => {
		const qrels = parseQrels(readFileSync(join(fixtures, 'datasets/cranfield/qrels.trec'), 'utf8'));
		const { summary } = evaluateRun(qrels, ours, { cutoffs: [10, 100] });
		expect(summary.ndcg_cut_10).toBeCloseTo(0.3518, 4);
		expect(summary.map).toBeCloseTo(0.2887, 4);
		expect(summary.recall_100).toBeCloseTo(0.7213, 4);
		expect(summary.num_q).toBe(225);
	});
});

describe('assay bm25 on SciFact (gzipped corpus)', () => {
	const runPath = join(work, 'scifact.run');

	it('reads corpus.jsonl.gz and reaches the reference nDCG@10 0.677 within 0.002', () => {
		const cli = assay('bm25', '--dataset', join(fixtures, 'datasets/scifact'), '--out', runPath, '--analyzer', 'english', '--tag', 'sf');
		expect(cli.status, cli.stderr).toBe(0);
		const qrels = parseQrels(readFileSync(join(fixtures, 'datasets/scifact/qrels.tsv'), 'utf8'));
		const { summary } = evaluateRun(qrels, parseRun(readFileSync(runPath, 'utf8')), { cutoffs: [10] });
		expect(summary.num_q).toBe(300);
		expect(Math.abs((summary.ndcg_cut_10 ?? 0) - 0.677)).toBeLessThan(0.002);
		expect(Math.abs((summary.map ?? 0) - 0.638)).toBeLessThan(0.002);
	});
});
