import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeJudge } from '../../support/fake-judge.ts';
import { assay } from '../../support/system-eval-setup.ts';

const stemming = (name: string) => new URL(`../../fixtures/evals/stemming/${name}`, import.meta.url);

describe('assay eval --config with the file, exec and assay system types', () => {
	it('a --type file starter from assay init runs as is and grades its sample outputs', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'assay-types-'));
		expect((await assay(['init', '--type', 'file', '--dir', dir])).code).toBe(0);
		const config = JSON.parse(readFileSync(join(dir, 'assay.config.json'), 'utf8')) as Record<string, unknown>;
		delete config.judge;
		delete config.gate;
		writeFileSync(join(dir, 'assay.config.json'), JSON.stringify(config));
		const r = await assay(['eval', '--config', join(dir, 'assay.config.json'), '--out', join(dir, 'out'), '--no-cache']);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		const lines = readFileSync(join(dir, 'out', 'results.jsonl'), 'utf8')
			.trimEnd()
			.split('\n')
			.map((l) => JSON.parse(l) as { id: string; checks: { pass: boolean }[] });
		expect(lines.map((l) => l.id)).toEqual(['q1', 'q2', 'q3']);
		expect(lines.every((l) => l.checks.length === 2 && l.checks.every((c) => c.pass))).toBe(true);
		const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as {
			metrics: { aggregate: Record<string, { mean: number }> };
		};
		expect(report.metrics.aggregate['recall@10']?.mean).toBe(1);
	});

	it('an outputs file with a bad line fails only that case, and the line is reported', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'assay-types-'));
		writeFileSync(
			join(dir, 'golden.jsonl'),
			['{"id":"a","query":"one","relevant":["d1"]}', '{"id":"b","query":"two","relevant":["d2"]}'].join('\n')
		);
		writeFileSync(
			join(dir, 'outputs.jsonl'),
			['{"id":"a","answer":"x [1]","contexts":[{"id":"d1","text":"t"}]}', '{"id":"b","answer":'].join('\n')
		);
		writeFileSync(join(dir, 'c.json'), JSON.stringify({ goldenSet: 'golden.jsonl', system: { type: 'file', path: 'outputs.jsonl' } }));
		const r = await assay(['eval', '--config', join(dir, 'c.json'), '--out', join(dir, 'out'), '--no-cache']);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		expect(r.stderr).toMatch(/outputs\.jsonl:2: RESULTS_FILE_INVALID/);
		expect(r.stdout).toContain('1 case error');
		const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as { errors: { byCode: Record<string, number> } };
		expect(report.errors.byCode).toEqual({ SYSTEM_REQUEST_FAILED: 1 });
	});

	it('an exec system gets each case as JSON on stdin and answers on stdout', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'assay-types-'));
		writeFileSync(
			join(dir, 'golden.jsonl'),
			['{"id":"a","query":"one","relevant":["d1"]}', '{"id":"b","query":"two","relevant":["d2"]}'].join('\n')
		);
		writeFileSync(
			join(dir, 'answer.mjs'),
			`let s = '';\nprocess.stdin.on('data', (c) => (s += c));\nprocess.stdin.on('end', () => {\n\tconst c = JSON.parse(s);\n\tprocess.stdout.write(JSON.stringify({ answer: 'about ' + c.query + ' [1]', contexts: [{ id: c.id === 'a' ? 'd1' : 'dx', text: process.env.GREETING }] }));\n});\n`
		);
		writeFileSync(
			join(dir, 'c.json'),
			JSON.stringify({
				goldenSet: 'golden.jsonl',
				system: { type: 'exec', command: process.execPath, args: ['answer.mjs'], env: { GREETING: 'hi {{env.ASSAY_TEST_GREETING}}' } },
				checks: [{ id: 'cite', type: 'citations-present' }]
			})
		);
		process.env.ASSAY_TEST_GREETING = 'there';
		try {
			const r = await assay(['eval', '--config', join(dir, 'c.json'), '--out', join(dir, 'out'), '--no-cache']);
			expect(r.code, r.stdout + r.stderr).toBe(0);
		} finally {
			delete process.env.ASSAY_TEST_GREETING;
		}
		const lines = readFileSync(join(dir, 'out', 'results.jsonl'), 'utf8')
			.trimEnd()
			.split('\n')
			.map((l) => JSON.parse(l) as { answer: string; contexts: { text: string }[] });
		expect(lines.map((l) => [l.answer, l.contexts[0]?.text])).toEqual([
			['about one [1]', 'hi there'],
			['about two [1]', 'hi there']
		]);
		const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as {
			metrics: { aggregate: Record<string, { mean: number }> };
		};
		expect(report.metrics.aggregate['recall@10']?.mean).toBe(0.5);
	});

	it('the assay system answers from its own BM25 index over the corpus through an OpenAI-compatible model', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'assay-types-'));
		mkdirSync(join(dir, 'beir'));
		for (const f of ['corpus.jsonl', 'queries.jsonl', 'qrels.tsv']) copyFileSync(stemming(f), join(dir, 'beir', f));
		const model = await startFakeJudge([], () => 5);
		try {
			writeFileSync(
				join(dir, 'c.json'),
				JSON.stringify({
					goldenSet: 'beir',
					system: { type: 'assay', corpus: 'beir', topK: 5, model: { baseUrl: model.baseUrl, model: 'fake' } },
					checks: [{ id: 'len', type: 'length', maxChars: 10000 }]
				})
			);
			const r = await assay(['eval', '--config', join(dir, 'c.json'), '--out', join(dir, 'out'), '--no-cache']);
			expect(r.code, r.stdout + r.stderr).toBe(0);
			const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as {
				perQuery: { ranked: unknown[] }[];
				metrics: { aggregate: Record<string, { mean: number }> };
			};
			expect(report.perQuery.length).toBeGreaterThan(0);
			expect(report.perQuery.every((q) => q.ranked.length > 0)).toBe(true);
			expect(report.metrics.aggregate['recall@5']?.mean).toBeGreaterThan(0);
			expect(model.requests()).toBe(report.perQuery.length);
		} finally {
			await model.stop();
		}
	});
});
