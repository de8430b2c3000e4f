/**
 * Eval speed, side by side: seconds to evaluate SciFact's 300 queries with BM25 (english
 * analyzer, one chunk per document, depth 100) in the browser (the Evaluations page, in
 * Debian's Chromium, index already built) and in the CLI (`assay bm25` then `assay metrics`,
 * whole processes, index build included, and in-process timings of the same steps).
 *
 *   npm run build && npx tsx bench/eval/run.ts [--port 4479] [--runs 3]
 *
 * Writes bench/out/eval.json. Not part of the test suite; numbers depend on the machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { loadBeirDataset } from '../../src/cli/beir-files.ts';
import { createAnalyzer } from '../../src/lib/search/index.ts';
import { evaluateRun, formatTrecRun, parseRun, runBm25 } from '../../src/lib/evals/index.ts';
import { chromiumArgs, chromiumExecutable } from '../../tests/e2e/support/chromium.ts';

const root = join(import.meta.dirname, '..', '..');
const scifact = join(root, 'tests', 'fixtures', 'datasets', 'scifact');
const { values } = parseArgs({ options: { port: { type: 'string', default: '4479' }, runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)] ?? NaN;
}

/** The CLI as a user runs it: two processes, wall time. */
function cliSeconds(): { seconds: number; ndcg10: number } {
	const out = join(mkdtempSync(join(tmpdir(), 'assay-bench-')), 'scifact.run');
	const t0 = performance.now();
	const bm25 = spawnSync(
		process.execPath,
		[join(root, 'bin/assay.js'), 'bm25', '--dataset', scifact, '--analyzer', 'english', '--depth', '100', '--out', out],
		{ encoding: 'utf8' }
	);
	const metrics = spawnSync(
		process.execPath,
		[join(root, 'bin/assay.js'), 'metrics', '--qrels', join(scifact, 'qrels.tsv'), '--run', out, '--json'],
		{ encoding: 'utf8', maxBuffer: 1 << 26 }
	);
	const seconds = (performance.now() - t0) / 1000;
	if (bm25.status !== 0 || metrics.status !== 0) throw new Error(`CLI failed: ${bm25.stderr}${metrics.stderr}`);
	return { seconds, ndcg10: (JSON.parse(metrics.stdout) as { all: Record<string, number> }).all.ndcg_cut_10 ?? NaN };
}

/** The same steps in-process: index, 300 searches, metrics. */
async function inProcess(): Promise<{ indexMs: number; searchMs: number; metricsMs: number }> {
	const data = loadBeirDataset(scifact);
	const qrels = data.qrels!;
	const queries = data.queries.filter((q) => qrels.has(q.id));
	const result = await runBm25(data.corpus, queries, { params: { k1: 0.9, b: 0.4 }, analyzer: createAnalyzer('english'), depth: 100 });
	const t0 = performance.now();
	evaluateRun(qrels, parseRun(formatTrecRun(result.lists, 'bench')), { includeMissingQueries: true });
	return { indexMs: result.indexMs, searchMs: result.searchMs, metricsMs: performance.now() - t0 };
}

async function browserSeconds(): Promise<{ importSeconds: number; evalSeconds: number[]; reportTotalMs: number[]; ndcg10: number }> {
	const inUse = await fetch(`http://localhost:${values.port}/`).then(
		() => true,
		() => false
	);
	if (inUse) throw new Error(`Port ${values.port} is already serving something: pass --port`);
	// Own process group, so the kill below also ends vite under npx.
	const server = spawn('npx', ['vite', 'preview', '--port', values.port!, '--strictPort'], { cwd: root, stdio: 'ignore', detached: true });
	let exited = false;
	server.on('exit', () => (exited = true));
	try {
		for (let i = 0; i < 60; i++) {
			// --strictPort: when the port is taken our server exits; never measure someone else's.
			if (exited) throw new Error(`vite preview could not start on port ${values.port} (taken?): pass --port`);
			try {
				if ((await fetch(`http://localhost:${values.port}/`)).ok) break;
			} catch {
				await new Promise((r) => setTimeout(r, 500));
			}
		}
		const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs() });
		const page = await browser.newPage();
		await page.goto(`http://localhost:${values.port}/evals/`);
		await page.locator('main[data-ready="true"]').waitFor();
		await page.getByTestId('beir-analyzer').selectOption('english'); // the page preselects the config default (auto)
		const t0 = performance.now();
		await page.getByTestId('beir-folder-input').setInputFiles(scifact);
		await page.getByTestId('eval-notice').filter({ hasText: 'Imported 5183' }).waitFor({ timeout: 600_000 });
		const importSeconds = (performance.now() - t0) / 1000;
		const evalSeconds: number[] = [];
		for (let i = 0; i < runs; i++) {
			const t1 = performance.now();
			await page.getByTestId('run-eval').click();
			await page.getByTestId('report-column').nth(i).waitFor({ timeout: 600_000 });
			evalSeconds.push((performance.now() - t1) / 1000);
		}
		const totals = await page.getByTestId('report-total-ms').allTextContents();
		const ndcg10 = Number(await page.getByTestId('metric-ndcg@10').first().getAttribute('data-value'));
		await browser.close();
		// The reports' own timing (inside the worker: index lookup, 300 queries, metrics), shown in seconds.
		return { importSeconds, evalSeconds, reportTotalMs: totals.map((t) => Number.parseFloat(t) * 1000), ndcg10 };
	} finally {
		if (server.pid !== undefined) process.kill(-server.pid, 'SIGTERM');
	}
}

const cli = [] as { seconds: number; ndcg10: number }[];
for (let i = 0; i < runs; i++) cli.push(cliSeconds());
const steps = await inProcess();
const browser = await browserSeconds();
const result = {
	dataset: 'scifact (5183 documents, 300 queries)',
	configuration: 'BM25 k1 0.9 b 0.4, english analyzer, one chunk per document, depth 100',
	cli: { medianSeconds: median(cli.map((c) => c.seconds)), runs: cli.map((c) => c.seconds), ndcg10: cli[0]?.ndcg10, inProcessMs: steps },
	browser: {
		medianSeconds: median(browser.evalSeconds),
		runs: browser.evalSeconds,
		reportTotalMs: browser.reportTotalMs,
		beirImportSeconds: browser.importSeconds,
		ndcg10: browser.ndcg10
	}
};
mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(join(root, 'bench', 'out', 'eval.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`scifact, 300 queries, BM25 english (median of ${runs}):`);
console.log(
	`  browser (click Run → results shown; workspace index already built): ${result.browser.medianSeconds.toFixed(2)} s   nDCG@10 ${browser.ndcg10}`
);
console.log(
	`  browser, inside the worker (report timings.totalMs): ${browser.reportTotalMs.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s`
);
console.log(
	`  CLI (assay bm25 + assay metrics, whole processes incl. index): ${result.cli.medianSeconds.toFixed(2)} s   nDCG@10 ${result.cli.ndcg10}`
);
console.log(
	`  CLI steps in-process: index ${steps.indexMs.toFixed(0)} ms, 300 searches ${steps.searchMs.toFixed(0)} ms, metrics ${steps.metricsMs.toFixed(0)} ms`
);
console.log(`  browser BEIR import (5183 documents into IndexedDB + index): ${browser.importSeconds.toFixed(1)} s`);
console.log(`  ratio browser / CLI: ${(result.browser.medianSeconds / result.cli.medianSeconds).toFixed(2)}`);
