/**
 * Import at scale in Chromium: a folder of real-text files (SciFact abstracts, two per file and
 * a unique header, so none is a duplicate) picked in the library page of the built site, timed
 * until the page says the import is done. Reports files/s for a 3,000-file and a 20,000-file
 * import side by side (each in a fresh browser profile), the longest main-thread task seen
 * during each (PerformanceObserver `longtask`, tasks over 50 ms) and the chunks indexed.
 * Run `npm run build` first.
 *
 *   npx tsx bench/import/run.ts [--sizes 3000,20000] [--port 4391] [--data <datasets dir>]
 *
 * Not part of the test suite; numbers depend on the machine.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from '@playwright/test';
import { loadBeirDataset } from '../../src/cli/beir-files.ts';
import { chromiumArgs, chromiumExecutable } from '../../tests/e2e/support/chromium.ts';
import { startPreview } from '../preview.ts';
import { recordFigures, type Figure } from '../figures.ts';

const { values } = parseArgs({
	options: {
		sizes: { type: 'string', default: '3000,20000' },
		port: { type: 'string', default: '4391' },
		data: { type: 'string' }
	}
});
const sizes = values.sizes.split(',').map(Number);
const port = Number(values.port);
const candidates = values.data ? [values.data] : ['../shared/datasets', 'tests/fixtures/datasets'];
const dataDir = candidates.map((d) => resolve(d)).find((d) => existsSync(join(d, 'scifact')));
if (!dataDir) throw new Error(`No scifact folder under ${candidates.join(' or ')}`);
const abstracts = loadBeirDataset(join(dataDir, 'scifact')).corpus.map((d) => `## ${d.title}\n\n${d.text}`);

/** Write `count` files into a fresh folder (1,000 per sub-folder) and return its path. */
function makeFolder(count: number): string {
	const dir = join('/tmp', `assay-import-bench-${count}`);
	rmSync(dir, { recursive: true, force: true });
	for (let i = 0; i < count; i++) {
		const sub = join(dir, `part-${Math.floor(i / 1000)}`);
		if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
		const a = abstracts[i % abstracts.length]!;
		const b = abstracts[(i * 7 + 3) % abstracts.length]!;
		// One file in three holds two abstracts: about 4 chunks per file on average.
		writeFileSync(join(sub, `note-${i}.md`), `# Note ${i}\n\n${a}\n\n${i % 3 === 0 ? b : ''}\n`);
	}
	return dir;
}

/** Runs in the page before its scripts: records every long task's duration (ms). */
const LONG_TASKS = `window.__longTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]); })
	.observe({ type: 'longtask', buffered: true });`;

interface Result {
	files: number;
	seconds: number;
	/** The task in which the browser builds the picked FileList (not page code). */
	pickTaskMs: number;
	longestTaskMs: number;
	longTasks: number;
	status: string;
}

async function importOnce(browser: Browser, dir: string, files: number): Promise<Result> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.addInitScript(LONG_TASKS);
	page.on('crash', () => console.error('the page crashed'));
	page.on('pageerror', (e) => console.error('page error:', e.message));
	await page.goto(`http://localhost:${port}/?demo=0`);
	await page.getByTestId('no-documents').waitFor({ timeout: 60_000 });
	await page.getByTestId('index-status').filter({ hasText: 'lexical ready' }).waitFor({ timeout: 60_000 });
	// Only the import's own tasks count: drop what loading the page took.
	await page.evaluate('window.__longTasks.length = 0');
	const pageT0 = (await page.evaluate('performance.now()')) as number;
	const t0 = performance.now();
	await page.getByTestId('folder-input').setInputFiles(dir);
	await page.getByTestId('import-done').waitFor({ timeout: 3_600_000 });
	const seconds = (performance.now() - t0) / 1000;
	const entries = (await page.evaluate('window.__longTasks')) as [number, number][];
	// Chromium itself spends one long task building the FileList of a big pick (3.1 s for 20,000
	// files with a handler that does nothing): reported apart, since no page code runs in it.
	const pick = entries.find(([t]) => t - pageT0 < 1000);
	const tasks = entries.filter((e) => e !== pick).map(([, d]) => d);
	if (process.env.BENCH_VERBOSE) console.log(entries.map(([t, d]) => `${((t - pageT0) / 1000).toFixed(1)}s:${d.toFixed(0)}ms`).join(' '));
	await page
		.getByTestId('index-status')
		.filter({ hasText: `${files} documents` })
		.filter({ hasNotText: /· 0 chunks/ })
		.waitFor({ timeout: 600_000 });
	const status = (await page.getByTestId('index-status').textContent())?.trim() ?? '';
	await context.close();
	return { files, seconds, pickTaskMs: pick?.[1] ?? 0, longestTaskMs: Math.max(0, ...tasks), longTasks: tasks.length, status };
}

const server = await startPreview(port);
try {
	const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs() });
	const results: Result[] = [];
	for (const size of sizes) {
		const dir = makeFolder(size);
		console.log(`importing ${size} files…`);
		results.push(await importOnce(browser, dir, size));
	}
	await browser.close();
	console.log(`\n# Import in Chromium (built site), SciFact text, two abstracts per file\n`);
	console.log(
		'| files | wall (s) | files/s | pick task (ms, Chromium’s FileList) | longest other main-thread task (ms) | other long tasks (> 50 ms) | index status |'
	);
	console.log('|---:|---:|---:|---:|---:|---:|---|');
	for (const r of results)
		console.log(
			`| ${r.files} | ${r.seconds.toFixed(1)} | ${(r.files / r.seconds).toFixed(1)} | ${r.pickTaskMs.toFixed(0)} | ${r.longestTaskMs.toFixed(0)} | ${r.longTasks} | ${r.status} |`
		);
	const figures: Figure[] = results.map((r) => ({ name: `import ${r.files} files, rate`, value: r.files / r.seconds, unit: 'files/s' }));
	for (const r of results)
		figures.push({
			name: `import ${r.files} files, longest main-thread task after the pick`,
			value: r.longestTaskMs,
			unit: 'ms',
			target: { op: '<=', value: 200 }
		});
	if (results.length >= 2) {
		const [small, large] = [results[0]!, results[results.length - 1]!];
		figures.push({
			name: `import rate ${large.files} vs ${small.files} files`,
			value: large.files / large.seconds / (small.files / small.seconds),
			unit: '×',
			note: 'near 1 means no slowdown with size'
		});
	}
	recordFigures('import', figures);
} finally {
	server.kill();
}
