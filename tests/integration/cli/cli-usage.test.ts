import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = join(root, 'tests/fixtures');
const work = mkdtempSync(join(tmpdir(), 'assay-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Run the CLI in-process and capture its output. */
function run(...argv: string[]) {
	return runCliCaptured(argv);
}

function dataset(name: string, corpus: string, queries = '{"_id":"q1","text":"alpha"}\n'): string {
	const dir = join(work, name);
	mkdirSync(dir, { recursive: true });
	writeFileSync(join(dir, 'corpus.jsonl'), corpus);
	writeFileSync(join(dir, 'queries.jsonl'), queries);
	return dir;
}

describe('assay command line', () => {
	it('runs from bin/assay.js with node alone (the built CLI, or the sources through tsx without a build)', () => {
		const result = spawnSync(process.execPath, [join(root, 'bin/assay.js'), '--help'], { encoding: 'utf8' });
		expect(result.status).toBe(0);
		expect(result.stdout).toMatch(/^Usage: assay <command>/);
	});

	it('exits 2 with the usage when no command is given or the command is unknown', async () => {
		expect(await run()).toMatchObject({ code: 2, stderr: expect.stringMatching(/Usage: assay <command>/) });
		expect(await run('index')).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown command "index"/) });
	});

	it('prints a command help with --help and with assay help <command>', async () => {
		expect(await run('bm25', '--help')).toMatchObject({ code: 0, stdout: expect.stringMatching(/--analyzer <name>/) });
		expect(await run('help', 'eval')).toMatchObject({ code: 0, stdout: expect.stringMatching(/--per-query/) });
	});

	it('exits 2 with a readable message for missing, unknown or malformed options', async () => {
		expect(await run('bm25', '--out', 'x')).toMatchObject({ code: 2, stderr: expect.stringMatching(/--dataset is required/) });
		expect(await run('bm25', '--bogus')).toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown option '--bogus'/) });
		const dir = dataset('ok', '{"_id":"d1","text":"alpha"}\n');
		expect(await run('bm25', '--dataset', dir, '--out', '-', '--k1', 'high')).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/--k1 must be a number, received "high"/)
		});
		expect(await run('bm25', '--dataset', dir, '--out', '-', '--b', '1.5')).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/b: Too big/)
		});
		expect(await run('bm25', '--dataset', dir, '--out', '-', '--analyzer', 'klingon')).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/--analyzer must be one of auto, english, cjk, segmenter/)
		});
	});

	it('reports a malformed JSONL line with its file and line number, exit 2', async () => {
		const dir = dataset('bad', '{"_id":"d1","text":"alpha"}\n{"_id":"d2","text": oops}\n');
		const result = await run('bm25', '--dataset', dir, '--out', join(work, 'bad.run'));
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/corpus.jsonl line 2: not valid JSON/);
		expect(existsSync(join(work, 'bad.run'))).toBe(false);
	});

	it('reports a missing dataset folder, exit 2', async () => {
		expect(await run('bm25', '--dataset', join(work, 'nope'), '--out', '-')).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/Dataset folder not found/)
		});
	});

	it('runs every query when there are no qrels, and writes the run to stdout with "-"', async () => {
		const dir = dataset(
			'noqrels',
			'{"_id":"d1","text":"alpha beta"}\n{"_id":"d2","text":"beta"}\n',
			'{"_id":"q1","text":"alpha"}\n{"_id":"q2","text":"beta"}\n'
		);
		const result = await run('bm25', '--dataset', dir, '--out', '-', '--tag', 'T');
		expect(result.code).toBe(0);
		expect(
			result.stdout
				.split('\n')
				.filter(Boolean)
				.map((l) => l.split(' ').slice(0, 4).join(' '))
		).toEqual(['q1 Q0 d1 1', 'q2 Q0 d2 1', 'q2 Q0 d1 2']);
	});

	it('runs only the queries present in qrels.tsv and prints their metrics', async () => {
		const dir = dataset(
			'qrels',
			'{"_id":"d1","text":"alpha"}\n{"_id":"d2","text":"beta"}\n',
			'{"_id":"q1","text":"alpha"}\n{"_id":"q2","text":"beta"}\n'
		);
		writeFileSync(join(dir, 'qrels.tsv'), 'query-id\tcorpus-id\tscore\nq2\td2\t1\n');
		const result = await run('bm25', '--dataset', dir, '--out', join(work, 'qrels.run'));
		expect(result.code).toBe(0);
		// N = 2, df = 1, dl = avgdl = 1: ln(1 + 1.5 / 1.5) · 1 / (1 + 0.9) = ln 2 / 1.9.
		expect(readFileSync(join(work, 'qrels.run'), 'utf8')).toBe('q2 Q0 d2 1 0.364814 assay-bm25\n');
		expect(result.stderr).toMatch(/ndcg_cut_10 1.0000 {2}map 1.0000/);
	});

	it('evaluates a run with assay eval like trec_eval (01_ties: map 0.4111, P@5 0.4)', async () => {
		const dir = join(fixtures, 'metrics-reference/01_ties');
		const result = await run('eval', '--qrels', join(dir, 'qrels'), '--run', join(dir, 'run'), '--k', '5,10');
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/^num_q\s+\tall\t1$/m);
		expect(result.stdout).toMatch(/^map\s+\tall\t0.4111$/m);
		expect(result.stdout).toMatch(/^P_5\s+\tall\t0.4000$/m);
		expect(result.stdout).toMatch(/^ndcg_cut_10\s+\tall\t0.5833$/m);
	});

	it('prints per-query values with --per-query and rejects a bad --k', async () => {
		const dir = join(fixtures, 'metrics-reference/02_queries_without_rels');
		const perQuery = await run('eval', '--qrels', join(dir, 'qrels'), '--run', join(dir, 'run'), '--per-query');
		expect(perQuery.stdout).toMatch(/^map\s+\tA\t0.5833$/m);
		expect(perQuery.stdout).toMatch(/^num_q\s+\tall\t2$/m);
		const withMissing = await run('eval', '--qrels', join(dir, 'qrels'), '--run', join(dir, 'run'), '--include-missing');
		expect(withMissing.stdout).toMatch(/^num_q\s+\tall\t3$/m);
		expect(await run('eval', '--qrels', 'q', '--run', 'r', '--k', 'ten')).toMatchObject({ code: 2 });
	});

	it('scores a TREC run with assay eval exactly as assay metrics does with the same cutoffs and flags', async () => {
		const dir = join(fixtures, 'metrics-reference/02_queries_without_rels');
		const files = ['--qrels', join(dir, 'qrels'), '--run', join(dir, 'run')];
		const viaEval = await run('eval', ...files, '--k', '5,10', '--per-query', '--include-missing');
		const viaMetrics = await run('metrics', ...files, '--k', '5,10', '-q', '-c');
		expect(viaEval.code).toBe(0);
		expect(viaEval.stdout).toBe(viaMetrics.stdout);
		expect(viaMetrics.stdout).toMatch(/^Rprec\s+\tall\t/m);
		expect(viaMetrics.stdout).not.toMatch(/^P_20\s/m);
		expect((await run('eval', ...files)).stdout).toBe((await run('metrics', ...files, '--k', '10')).stdout);
		expect(await run('metrics', ...files, '--k', '0')).toMatchObject({
			code: 2,
			stderr: expect.stringMatching(/--k must be positive integers/)
		});
	});

	it('ranks documents by their best chunk with --chunking default', async () => {
		const dir = dataset('chunks', '{"_id":"d1","title":"T","text":"alpha beta gamma"}\n{"_id":"d2","text":"delta"}\n');
		const result = await run('bm25', '--dataset', dir, '--out', '-', '--chunking', 'default', '--chunk-size', '40', '--chunk-overlap', '0');
		expect(result.code, result.stderr).toBe(0);
		expect(result.stdout).toMatch(/^q1 Q0 d1 1 /);
	});
});
