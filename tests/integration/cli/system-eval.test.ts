import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import { Validator } from '@cfworker/json-schema';
import { parseEvalReport } from '../../../src/lib/evals/index.ts';
import { loadScifactSubset, startFixtureRagApp, type FixtureRagApp } from '../../support/fixture-rag-app.ts';
import { startFakeJudge } from '../../support/fake-judge.ts';
import { assay, evalDir } from '../../support/system-eval-setup.ts';

const { corpus, cases } = loadScifactSubset(12, 200);
const reportSchema = JSON.parse(readFileSync(new URL('../../../schemas/eval-report.v2.schema.json', import.meta.url), 'utf8')) as object;
let app: FixtureRagApp;

beforeAll(async () => {
	app = await startFixtureRagApp({ corpus });
});
afterAll(async () => {
	await app.stop();
});

type Report = {
	status: string;
	perQuery: { id: string; ranked: [string, number][]; metrics: Record<string, number> }[];
	metrics: { aggregate: Record<string, { mean: number }> };
	cache: { hits: number; requests: number };
	incomplete: { reason: string; code: string; notRun: number } | null;
	repeats: { n: number; flakyCaseIds: string[] };
};

describe('assay eval --config with an http system (fixture RAG app)', () => {
	it('writes a report that validates against the schema, with retrieval metrics equal to assay metrics on the same run (1e-9)', async () => {
		const d = evalDir(cases, app.url);
		const r = await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache']);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		expect(r.stderr).toContain('answered 12/12 (100%)');
		for (const f of ['report.json', 'junit.xml', 'results.jsonl', 'report.html']) expect(existsSync(join(d.out, f))).toBe(true);
		const report = d.json('report.json') as unknown as Report;
		const check = new Validator(reportSchema as never, '2020-12', false).validate(report);
		expect(check.errors.slice(0, 3)).toEqual([]);
		expect(() => parseEvalReport(report)).not.toThrow();
		expect([report.status, report.perQuery.length, report.cache]).toEqual(['complete', 12, undefined]);
		expect(r.stdout).toContain('cache 0 hits / 12 requests');
		// The same run as TREC, scored by `assay metrics`.
		const runPath = join(d.dir, 'run.trec');
		writeFileSync(
			runPath,
			report.perQuery.flatMap((q) => q.ranked.map(([doc, score], i) => `${q.id} Q0 ${doc} ${i + 1} ${score} fixture`)).join('\n') + '\n'
		);
		const qrelsPath = join(d.dir, 'qrels.trec');
		writeFileSync(qrelsPath, cases.flatMap((c) => c.relevant.map((doc) => `${c.id} 0 ${doc} 1`)).join('\n') + '\n');
		const m = await assay(['metrics', '--qrels', qrelsPath, '--run', runPath, '--json']);
		expect(m.code).toBe(0);
		const all = (JSON.parse(m.stdout) as { all: Record<string, number> }).all;
		const pairs: [string, string][] = [
			['recall@10', 'recall_10'],
			['recall@5', 'recall_5'],
			['ndcg@10', 'ndcg_cut_10'],
			['precision@5', 'P_5'],
			['map', 'map']
		];
		for (const [ours, trec] of pairs)
			expect(Math.abs((report.metrics.aggregate[ours]?.mean ?? NaN) - (all[trec] ?? NaN)), ours).toBeLessThan(1e-9);
	});

	it('a degraded app (wrong contexts for a third of the cases) fails the gate against the baseline: exit 1, reasons in junit.xml', async () => {
		const baseDir = evalDir(cases, app.url);
		expect((await assay(['eval', '--config', baseDir.configPath, '--out', baseDir.out, '--no-cache'])).code).toBe(0);
		const degraded = await startFixtureRagApp({ corpus, mode: 'degraded' });
		try {
			expect(cases.filter((c) => degraded.degrades(c.query)).length).toBeGreaterThan(0);
			const d = evalDir(cases, degraded.url, {
				gate: {
					baseline: join(baseDir.out, 'report.json'),
					rules: [
						{ metric: 'recall@10', maxDrop: 0.02 },
						{ metric: 'checks.pass-rate', min: 0.5 }
					]
				}
			});
			const r = await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache']);
			expect(r.code, r.stdout + r.stderr).toBe(1);
			expect(r.stdout).toContain('gate FAIL');
			const junit = parseDocument(d.read('junit.xml'), { xmlMode: true });
			const gateCases = DomUtils.getElementsByTagName('testcase', junit).filter((t) => t.attribs.classname === 'assay.gate');
			expect(gateCases.map((t) => t.attribs.name)).toEqual(['recall@10: drop ≤ 0.02', 'checks.pass-rate: mean ≥ 0.5']);
			const failure = DomUtils.getElementsByTagName('failure', gateCases[0] as Element)[0] as Element;
			expect(failure.attribs.message).toMatch(/^recall@10 dropped 0\.\d{4} \(/);
			// The cases named are exactly the ones the app degraded (whose recall@10 fell).
			const named = [...DomUtils.textContent(failure).matchAll(/^ {2}(\S+): 1\.0000 → 0\.0000$/gm)].map((m) => m[1]);
			const base = JSON.parse(readFileSync(join(baseDir.out, 'report.json'), 'utf8')) as Report;
			const expected = cases
				.filter((c) => degraded.degrades(c.query) && base.perQuery.find((q) => q.id === c.id)?.metrics['recall@10'] === 1)
				.map((c) => c.id);
			expect(named.sort()).toEqual(expected.sort());
			expect(expected.length).toBeGreaterThan(0);
			expect(DomUtils.getElementsByTagName('failure', gateCases[1] as Element)).toHaveLength(0);
			const html = parseDocument(d.read('report.html'));
			expect(DomUtils.textContent(DomUtils.getElementById('verdict', html) as Element)).toBe('Gate: FAIL');
		} finally {
			await degraded.stop();
		}
	});

	it('--filter runs only the named cases, and gates them against a full baseline on the shared cases', async () => {
		const baseDir = evalDir(cases, app.url);
		expect((await assay(['eval', '--config', baseDir.configPath, '--out', baseDir.out, '--no-cache'])).code).toBe(0);
		const d = evalDir(cases, app.url, {
			gate: { baseline: join(baseDir.out, 'report.json'), rules: [{ metric: 'recall@10', maxDrop: 0 }] }
		});
		const ids = [cases[1]?.id as string, cases[4]?.id as string];
		const r = await assay([
			'eval',
			'--config',
			d.configPath,
			'--out',
			d.out,
			'--no-cache',
			'--filter',
			ids[0] as string,
			'--filter',
			ids[1] as string
		]);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		expect(r.stdout).toContain('gate PASS');
		const report = d.json('report.json') as unknown as Report;
		expect(report.perQuery.map((q) => q.id).sort()).toEqual([...ids].sort());
	});

	it('retries a server that answers 429 with Retry-After, and the run completes', async () => {
		const limited = await startFixtureRagApp({ corpus, mode: 'rateLimit', retryAfter: '1' });
		try {
			const d = evalDir(cases, limited.url);
			const ids = cases.slice(0, 4).map((c) => c.id);
			const r = await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache', ...ids.flatMap((id) => ['--filter', id])]);
			expect(r.code, r.stdout + r.stderr).toBe(0);
			expect(limited.requests()).toBe(8);
			const report = d.json('report.json') as unknown as Report;
			expect([report.status, report.perQuery.map((q) => q.id).sort()]).toEqual(['complete', [...ids].sort()]);
		} finally {
			await limited.stop();
		}
	});

	it('exits 3 when the server is dead, with the report written and marked incomplete', async () => {
		const dead = await startFixtureRagApp({ corpus });
		await dead.stop();
		const d = evalDir(cases, dead.url, {
			concurrency: 1,
			system: {
				type: 'http',
				url: dead.url,
				answer: '$.answer',
				contexts: '$.contexts',
				retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 }
			}
		});
		const r = await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache']);
		expect(r.code, r.stdout + r.stderr).toBe(3);
		expect(r.stderr).toMatch(/stopped — SYSTEM_UNREACHABLE/);
		const report = d.json('report.json') as unknown as Report;
		expect(report.status).not.toBe('complete');
		// The first request was made (and failed after its retries); the other 11 never started.
		expect([report.status, report.incomplete?.code, report.incomplete?.notRun]).toEqual(['incomplete', 'SYSTEM_UNREACHABLE', 11]);
		expect(report.incomplete?.reason).toMatch(/could not be reached after 3 attempts/);
		const junit = parseDocument(d.read('junit.xml'), { xmlMode: true });
		expect(DomUtils.getElementsByTagName('skipped', junit)).toHaveLength(11);
		expect(DomUtils.getElementsByTagName('error', junit).map((e) => e.attribs.type)).toEqual(['SYSTEM_UNREACHABLE']);
		expect(DomUtils.textContent(DomUtils.getElementById('verdict', parseDocument(d.read('report.html'))) as Element)).toBe(
			'Run incomplete'
		);
	});

	it('exits 3 when the judge is unreachable, with the report written and marked incomplete', async () => {
		const judge = await startFakeJudge([], () => 5);
		await judge.stop();
		const d = evalDir(cases.slice(0, 3), app.url, {
			judge: {
				baseUrl: judge.baseUrl,
				model: 'gone',
				rubrics: ['answer-relevancy'],
				retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 5 }
			}
		});
		const r = await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache']);
		expect(r.code, r.stdout + r.stderr).toBe(3);
		expect(r.stderr).toMatch(
			/stopped — LLM_REQUEST_FAILED: http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions could not be reached after 2 attempts/
		);
		const report = d.json('report.json') as unknown as Report;
		expect(report.status).not.toBe('complete');
		expect(report.status).toBe('incomplete');
		expect(report.incomplete?.reason).toMatch(/could not be reached/);
	});

	it('a second run with the cache sends 0 requests and counts every case as a hit', async () => {
		const counted = await startFixtureRagApp({ corpus });
		try {
			const d = evalDir(cases, counted.url);
			expect((await assay(['eval', '--config', d.configPath, '--out', d.out])).code).toBe(0);
			expect(counted.requests()).toBe(12);
			const second = await assay(['eval', '--config', d.configPath, '--out', d.out]);
			expect(second.code).toBe(0);
			expect(counted.requests()).toBe(12);
			expect(second.stdout).toContain('cache 12 hits / 0 requests');
			expect((d.json('report.json') as unknown as Report).cache).toEqual({ hits: 12, requests: 0 });
			await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache']);
			expect(counted.requests()).toBe(24);
		} finally {
			await counted.stop();
		}
	});

	it('repeats: 3 with a judge scripted to flip on one case flags exactly that case', async () => {
		const target = cases[2]?.query as string;
		const judge = await startFakeJudge(
			cases.map((c) => c.query),
			(q, call) => (q === target && call === 2 ? 2 : 5)
		);
		try {
			const d = evalDir(cases, app.url, {
				repeats: 3,
				checks: [{ id: 'len', type: 'length', maxChars: 100000 }],
				judge: { baseUrl: judge.baseUrl, model: 'scripted-judge', rubrics: ['answer-relevancy'] }
			});
			const r = await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache']);
			expect(r.code, r.stdout + r.stderr).toBe(0);
			expect(judge.requests()).toBe(36);
			const report = d.json('report.json') as unknown as Report;
			expect(report.repeats.flakyCaseIds).toEqual([cases[2]?.id]);
			const lines = d.read('results.jsonl').trimEnd().split('\n');
			expect(lines).toHaveLength(36);
			const junit = parseDocument(d.read('junit.xml'), { xmlMode: true });
			const failed = DomUtils.getElementsByTagName('testcase', junit).filter((t) => DomUtils.getElementsByTagName('failure', t).length > 0);
			expect(failed.map((t) => t.attribs.name)).toEqual([cases[2]?.id]);
		} finally {
			await judge.stop();
		}
	});
});

describe('assay eval --config with text-only contexts', () => {
	it('matches them to the corpus by text, so the retrieval metrics equal those of the same replies with ids', async () => {
		const textOnly = await startFixtureRagApp({ corpus, textOnly: true });
		try {
			const withIds = evalDir(cases, app.url);
			expect((await assay(['eval', '--config', withIds.configPath, '--out', withIds.out, '--no-cache'])).code).toBe(0);
			const d = evalDir(cases, textOnly.url, { corpus: 'corpus.jsonl' });
			writeFileSync(
				join(d.dir, 'corpus.jsonl'),
				corpus.map((c) => JSON.stringify({ _id: c.id, title: c.title, text: c.text })).join('\n') + '\n'
			);
			const r = await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache']);
			expect(r.code, r.stdout + r.stderr).toBe(0);
			expect(r.stdout).toMatch(/contexts: 0 with a document id, 120 text-only matched/);
			const a = withIds.json('report.json') as unknown as Report;
			const b = d.json('report.json') as unknown as Report;
			for (const m of ['recall@10', 'ndcg@10', 'map'])
				expect(b.metrics.aggregate[m]?.mean, m).toBeCloseTo(a.metrics.aggregate[m]?.mean ?? NaN, 12);
			// No judge configured: checks only — text-only contexts do not summon the context rubrics.
			const lines = d
				.read('results.jsonl')
				.trimEnd()
				.split('\n')
				.map((l) => JSON.parse(l) as { verdicts: object; checks: unknown[] });
			expect(lines.every((l) => Object.keys(l.verdicts).length === 0 && l.checks.length > 0)).toBe(true);
			expect(Object.keys(b.metrics.aggregate).filter((k) => k.startsWith('judge.'))).toEqual([]);
		} finally {
			await textOnly.stop();
		}
	});
});

describe('assay eval --config with text-only contexts and no corpus', () => {
	it('without a judge runs the checks only: no judge call, no verdicts, and no retrieval metrics (never zeros)', async () => {
		const textOnly = await startFixtureRagApp({ corpus, textOnly: true });
		try {
			const d = evalDir(cases, textOnly.url);
			const r = await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache']);
			expect(r.code, r.stdout + r.stderr).toBe(0);
			const lines = d
				.read('results.jsonl')
				.trimEnd()
				.split('\n')
				.map((l) => JSON.parse(l) as { verdicts: object; checks: unknown[] });
			expect(lines.map((l) => [Object.keys(l.verdicts).length, l.checks.length > 0])).toEqual(cases.map(() => [0, true]));
			const report = d.json('report.json') as unknown as Report;
			expect(Object.keys(report.metrics.aggregate).filter((k) => k.startsWith('judge.') || k.startsWith('recall@'))).toEqual([]);
			expect(report.metrics.aggregate['checks.pass-rate']?.mean).toBe(1);
		} finally {
			await textOnly.stop();
		}
	});
});

describe('assay eval --config with a cache folder it cannot write', () => {
	it('warns that nothing was cached, naming the folder and the error, and the run still completes', async () => {
		const d = evalDir(cases.slice(0, 3), app.url, { cache: { dir: 'cache-is-a-file' } });
		writeFileSync(join(d.dir, 'cache-is-a-file'), 'oops');
		const r = await assay(['eval', '--config', d.configPath, '--out', d.out]);
		expect(r.code, r.stdout + r.stderr).toBe(0);
		expect(r.stderr).toMatch(/warning — 3 cache write\(s\) failed \((ENOTDIR|EEXIST)[^)]*\): those replies were not cached/);
		expect(r.stderr).toContain(`make cache.dir (${join(d.dir, 'cache-is-a-file')}) a writable folder, or run with --no-cache`);
	});
});

describe('assay eval --config when every case fails', () => {
	it('exits 1, never 0, when no case could be answered (every reply lacks the answer), with or without a gate, and says why', async () => {
		const system = { type: 'http', url: app.url, body: { query: '{{query}}', id: '{{id}}' }, answer: '$.nothing', contexts: '$.contexts' };
		const d = evalDir(cases, app.url, { system });
		const r = await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache']);
		expect(r.code, r.stdout + r.stderr).toBe(1);
		expect(r.stderr).toContain(
			`no case was answered: all ${cases.length} request(s) failed (${cases.length} × SYSTEM_RESPONSE_INVALID; first: `
		);
		const lines = d
			.read('results.jsonl')
			.trimEnd()
			.split('\n')
			.map((l) => JSON.parse(l) as { error: { code: string } | null });
		expect(lines.map((l) => l.error?.code)).toEqual(cases.map(() => 'SYSTEM_RESPONSE_INVALID'));
		// With a gate (a floor and a drop rule against a good baseline): not "unusable config" (exit 2) but a failed run, the reason in junit.xml.
		const good = evalDir(cases, app.url);
		expect((await assay(['eval', '--config', good.configPath, '--out', good.out, '--no-cache'])).code).toBe(0);
		const g = evalDir(cases, app.url, {
			system,
			gate: {
				baseline: join(good.out, 'report.json'),
				rules: [
					{ metric: 'recall@10', maxDrop: 0.02 },
					{ metric: 'checks.pass-rate', min: 0.5 }
				]
			}
		});
		const r2 = await assay(['eval', '--config', g.configPath, '--out', g.out, '--no-cache']);
		expect(r2.code, r2.stdout + r2.stderr).toBe(1);
		const junit = parseDocument(g.read('junit.xml'), { xmlMode: true });
		const gateError = DomUtils.getElementsByTagName('error', junit).find((e) => e.attribs.type === 'GATE_NOT_EVALUATED');
		expect(gateError?.attribs.message).toMatch(/^not evaluated: no case was answered: all \d+ request\(s\) failed/);
	});
});

describe('assay eval --config refuses unusable input with exit 2 before any request', () => {
	it('names the key path and the fix of a config error, and leaves no earlier report in the output folder', async () => {
		const d = evalDir(cases, app.url, { system: { type: 'http', url: app.url, answer: 'answer' } });
		mkdirSync(d.out, { recursive: true });
		for (const f of ['report.json', 'junit.xml', 'results.jsonl', 'report.html'])
			writeFileSync(join(d.out, f), 'from an earlier run that passed');
		const before = app.requests();
		const r = await assay(['eval', '--config', d.configPath, '--out', d.out]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('system.answer: system.answer must be a JSONPath starting with "$", e.g. "$.answer"');
		expect(app.requests()).toBe(before);
		for (const f of ['report.json', 'junit.xml', 'results.jsonl', 'report.html']) expect(existsSync(join(d.out, f)), f).toBe(false);
	});

	it('names a header environment variable that is not set', async () => {
		const d = evalDir(cases, app.url, {
			system: { type: 'http', url: app.url, answer: '$.answer', headers: { authorization: 'Bearer {{env.ASSAY_TEST_UNSET_TOKEN}}' } }
		});
		const r = await assay(['eval', '--config', d.configPath, '--out', d.out]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(
			'system.headers.authorization: the environment variable ASSAY_TEST_UNSET_TOKEN is not set; set it (e.g. a CI secret)'
		);
	});

	it('reports a JSON syntax error with its line and column', async () => {
		const d = evalDir(cases, app.url);
		writeFileSync(d.configPath, '{\n  "goldenSet": "golden.jsonl",\n  // a comment\n}');
		const r = await assay(['eval', '--config', d.configPath]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/is not valid JSON at line 3, column 3/);
	});

	it("resolves the golden set against the config file's folder and names it when it is missing or has bad rows", async () => {
		const d = evalDir(cases, app.url, { goldenSet: 'nope.jsonl' });
		const r = await assay(['eval', '--config', d.configPath, '--out', d.out]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(
			`goldenSet: ${join(d.dir, 'nope.jsonl')} does not exist — fix the path (relative paths are resolved against the config file's folder)`
		);
		const bad = evalDir(cases, app.url);
		writeFileSync(join(bad.dir, 'golden.jsonl'), '{"id":"a","query":"q","relevant":[]}\n{"id":"b"}\n');
		const r2 = await assay(['eval', '--config', bad.configPath, '--out', bad.out]);
		expect(r2.code).toBe(2);
		expect(r2.stderr).toMatch(/has 1 bad row — line 2: query: /);
	});

	it('names an unknown judge rubric and an unset judge key variable', async () => {
		const d = evalDir(cases, app.url, { judge: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', rubrics: ['vibes'] } });
		const r = await assay(['eval', '--config', d.configPath, '--out', d.out]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(
			'judge.rubrics.0: unknown rubric "vibes" — use one of correctness, faithfulness, answer-relevancy, context-precision, context-recall'
		);
		const k = evalDir(cases, app.url, { judge: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKeyEnv: 'ASSAY_TEST_UNSET_KEY' } });
		const r2 = await assay(['eval', '--config', k.configPath, '--out', k.out]);
		expect(r2.code).toBe(2);
		expect(r2.stderr).toContain('judge.apiKeyEnv: environment variable ASSAY_TEST_UNSET_KEY is not set');
	});

	it('a drop rule without its baseline file is exit 2 after the outputs are written, so the report can become the baseline', async () => {
		const d = evalDir(cases, app.url, { gate: { baseline: 'baseline/report.json', rules: [{ metric: 'recall@10', maxDrop: 0.02 }] } });
		const r = await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache']);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(
			`the baseline report ${join(d.dir, 'baseline', 'report.json')} does not exist — commit a report.json of an earlier run there`
		);
		expect((d.json('report.json') as unknown as Report).status).toBe('complete');
		const junit = parseDocument(d.read('junit.xml'), { xmlMode: true });
		expect(DomUtils.getElementsByTagName('error', junit).map((e) => e.attribs.type)).toEqual(['GATE_NOT_EVALUATED']);
	});

	it('warns before asking any case that the baseline was made on a different golden set, then runs so the report can become the new baseline', async () => {
		const baseDir = evalDir(cases.slice(0, 3), app.url);
		expect((await assay(['eval', '--config', baseDir.configPath, '--out', baseDir.out, '--no-cache'])).code).toBe(0);
		const d = evalDir(cases, app.url, {
			gate: { baseline: join(baseDir.out, 'report.json'), rules: [{ metric: 'recall@10', maxDrop: 0.02 }] }
		});
		const r = await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache']);
		const warning = r.stderr.indexOf(`the baseline ${join(baseDir.out, 'report.json')} was made on a different golden set`);
		expect(warning, r.stderr).toBeGreaterThanOrEqual(0);
		expect(warning).toBeLessThan(r.stderr.indexOf(' on ' + cases.length + ' cases'));
		expect(r.code).toBe(2);
		expect((d.json('report.json') as unknown as Report).status).toBe('complete');
	});

	it('refuses a --filter id that is not in the golden set', async () => {
		const d = evalDir(cases, app.url);
		const r = await assay(['eval', '--config', d.configPath, '--filter', 'nope']);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('--filter: no golden case has the id "nope"');
	});
});
