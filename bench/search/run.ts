/**
 * Lexical query latency in the page against the engine alone, on the same chunks: SciFact
 * abstracts written as files (one in three holds two abstracts, ≈ 4 chunks per file) imported by
 * the production library worker of the built site in Chromium, then SciFact's queries timed
 * from the page's main thread (the round trip a user's search makes: message to the worker,
 * access lists and filters, BM25, chunk reads, highlights, the span, the reply). The same files go through
 * the same library service in Node (fake-indexeddb), whose loaded `Bm25Index.search` is timed
 * on the same queries. Reports both p50s and their ratio (issue 17: ≤ 3× at 50k chunks).
 * Run `npm run build` first.
 *
 *   npx tsx bench/search/run.ts [--files 12000] [--queries 300] [--port 4393]
 *
 * Not part of the test suite; numbers depend on the machine.
 */
import 'fake-indexeddb/auto';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { IDBFactory } from 'fake-indexeddb';
import { chromium, type Page } from '@playwright/test';
import { loadBeirDataset } from '../../src/cli/beir-files.ts';
import { createLibraryServiceWithInternals } from '../../src/lib/services/library.ts';
import { chromiumArgs, chromiumExecutable } from '../../tests/e2e/support/chromium.ts';
import { startPreview } from '../preview.ts';
import { recordFigures } from '../figures.ts';

const { values } = parseArgs({
	options: {
		files: { type: 'string', default: '12000' },
		queries: { type: 'string', default: '300' },
		port: { type: 'string', default: '4393' }
	}
});
const fileCount = Number(values.files);
const port = Number(values.port);
const dataDir = ['../shared/datasets', 'tests/fixtures/datasets'].map((d) => resolve(d)).find((d) => existsSync(join(d, 'scifact')));
if (!dataDir) throw new Error('No scifact dataset found');
const data = loadBeirDataset(join(dataDir, 'scifact'));
const abstracts = data.corpus.map((d) => `## ${d.title}\n\n${d.text}`);
const queries = data.queries.slice(0, Number(values.queries)).map((q) => q.text);
const files = Array.from({ length: fileCount }, (_, i) => ({
	path: `notes/part-${Math.floor(i / 1000)}/note-${i}.md`,
	text: `# Note ${i}\n\n${abstracts[i % abstracts.length]}\n\n${i % 3 === 0 ? abstracts[(i * 7 + 3) % abstracts.length] : ''}\n`
}));

function p50(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor((s.length - 1) / 2)]!;
}

async function nodeEngine(): Promise<{ chunks: number; engineMs: number[]; serviceMs: number[] }> {
	const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory() });
	const ws = await api.createWorkspace('Bench');
	const inputs = files.map((f) => ({ file: new Blob([f.text]), name: f.path.split('/').pop()!, relativePath: f.path }));
	await api.importFiles(ws.id, inputs, 'bench');
	const status = await api.openWorkspace(ws.id);
	const index = await internals.loadedIndex(ws.id);
	for (const q of queries.slice(0, 20)) index.bm25.search(q, { topK: 10 });
	const engineMs: number[] = [];
	for (const q of queries) {
		const t = performance.now();
		index.bm25.search(q, { topK: 10 });
		engineMs.push(performance.now() - t);
	}
	const serviceMs: number[] = [];
	for (const q of queries) {
		const t = performance.now();
		await api.search({ workspaceId: ws.id, query: q, topK: 10 });
		serviceMs.push(performance.now() - t);
	}
	return { chunks: status.chunkCount, engineMs, serviceMs };
}

/** Runs in the page: a production library worker (Comlink wire protocol), import, then timed searches. */
const BROWSER_RUN = `async ({ url, files, queries }) => {
	let id = 0;
	const connect = () => {
		const w = new Worker(new URL(url, location.href), { type: 'module' });
		const call = (name, args) => new Promise((resolve, reject) => {
			const my = String(++id);
			const on = (e) => {
				if (!e.data || e.data.id !== my) return;
				w.removeEventListener('message', on);
				if (e.data.type === 'HANDLER') reject(new Error(JSON.stringify(e.data.value)));
				else resolve(e.data.value);
			};
			w.addEventListener('message', on);
			w.postMessage({ id: my, type: 'APPLY', path: [name], argumentList: args.map((value) => ({ type: 'RAW', value })) });
		});
		return { w, call };
	};
	const { w, call } = connect();
	const ws = await call('createWorkspace', ['Bench']);
	const inputs = files.map((f) => ({ file: new Blob([f.text]), name: f.path.split('/').pop(), relativePath: f.path }));
	await call('importFiles', [ws.id, inputs, 'bench']);
	const status = await call('openWorkspace', [ws.id]);
	// The worker reads the opened workspace's chunk texts into memory in the background; time
	// it, and measure the steady state after it (the first searches meanwhile still work).
	const warmStart = performance.now();
	let cache = await call('chunkCacheStatus', [ws.id]);
	for (let turn = 0; turn < 6000 && (cache.warm === 'running' || cache.warm === 'idle'); turn++) {
		await new Promise((resolve) => setTimeout(resolve, 10));
		cache = await call('chunkCacheStatus', [ws.id]);
	}
	const warmMs = performance.now() - warmStart;
	for (const q of queries.slice(0, 20)) await call('search', [{ workspaceId: ws.id, query: q, topK: 10 }]);
	const pageMs = [];
	const workerMs = [];
	for (const q of queries) {
		const t = performance.now();
		const r = await call('search', [{ workspaceId: ws.id, query: q, topK: 10 }]);
		pageMs.push(performance.now() - t);
		workerMs.push(r.tookMs);
	}
	// Where the time goes: a call that only crosses the worker boundary (cached configuration),
	// and one that also syncs the index with the stored documents (one IndexedDB read).
	const rpcMs = [];
	const openMs = [];
	for (let i = 0; i < 50; i++) {
		let t = performance.now();
		await call('workspaceConfig', [ws.id]);
		rpcMs.push(performance.now() - t);
		t = performance.now();
		await call('openWorkspace', [ws.id]);
		openMs.push(performance.now() - t);
	}
	w.terminate();
	// Reopen as a new visit does: a fresh worker opens the stored workspace and answers a first query.
	const t0 = performance.now();
	const again = connect();
	const reopened = await again.call('openWorkspace', [ws.id]);
	const first = await again.call('search', [{ workspaceId: ws.id, query: queries[0], topK: 10 }]);
	const reopenMs = performance.now() - t0;
	again.w.terminate();
	return { workspaceId: ws.id, cache, warmMs, chunks: status.chunkCount, pageMs, workerMs, rpcMs, openMs, reopenMs, reopenSource: reopened.source, reopenHits: first.hits.length };
}`;

/**
 * A new visit of the app on the stored workspace, as the quickest user makes it: navigate, and the
 * moment the search field accepts input, type the query and press Search. Driven in the page (an
 * init script with a MutationObserver), so the times are the page's own: from the navigation's
 * start (`performance.now()`), when the field was enabled, when the index badge said "lexical
 * ready", and when the first hit was in the DOM. (Driving it with Playwright's fill/click instead
 * adds its retry back-off, up to 500 ms, while the field is still disabled.)
 */
async function navigationToFirstResult(
	page: Page,
	workspaceId: string,
	query: string
): Promise<{ enabledMs: number; readyMs: number; firstResultMs: number }> {
	await page.evaluate((id) => localStorage.setItem('assay.workspaceId', id), workspaceId);
	await page.addInitScript((q) => {
		const w = window as unknown as { __visit?: Record<string, number> };
		const visit: Record<string, number> = {};
		w.__visit = visit;
		new MutationObserver(() => {
			const input = document.querySelector<HTMLInputElement>('input[aria-label="Search query"]');
			if (visit.enabledMs === undefined && input && !input.disabled) {
				visit.enabledMs = performance.now();
				input.value = q;
				input.dispatchEvent(new Event('input', { bubbles: true }));
				input.form?.requestSubmit();
			}
			if (visit.readyMs === undefined && document.querySelector('[data-testid="index-status"]')?.textContent?.includes('lexical ready'))
				visit.readyMs = performance.now();
			if (visit.firstResultMs === undefined && document.querySelector('[data-testid="hit"]')) visit.firstResultMs = performance.now();
		}).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
	}, query);
	await page.goto(`http://localhost:${port}/?demo=0`);
	await page.getByTestId('hit').first().waitFor({ timeout: 60_000 });
	await page.getByTestId('index-status').filter({ hasText: 'lexical ready' }).waitFor({ timeout: 60_000 });
	return page.evaluate(() => (window as unknown as { __visit: { enabledMs: number; readyMs: number; firstResultMs: number } }).__visit);
}

const server = await startPreview(port);
const worker = readdirSync('build/_app/immutable/workers').find((f) => /^library\.worker-.*\.js$/.test(f))!;
try {
	const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs() });
	const page = await browser.newPage();
	await page.goto(`http://localhost:${port}/?demo=0`);
	const args = { url: `./_app/immutable/workers/${worker}`, files, queries };
	// A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
	const inPage = (await page.evaluate(`(${BROWSER_RUN})(${JSON.stringify(args)})`)) as {
		chunks: number;
		pageMs: number[];
		workerMs: number[];
		rpcMs: number[];
		openMs: number[];
		reopenMs: number;
		reopenSource: string;
		reopenHits: number;
		warmMs: number;
		cache: { warm: string; chunks: number; chars: number; maxChars: number };
		workspaceId: string;
	};
	const visit = await navigationToFirstResult(page, inPage.workspaceId, queries[0]!);
	await browser.close();
	const node = await nodeEngine();
	const rows: [string, number, number][] = [
		['Chromium page → library worker → page (round trip)', inPage.chunks, p50(inPage.pageMs)],
		['Chromium library worker (search tookMs)', inPage.chunks, p50(inPage.workerMs)],
		['Chromium round trip of a cached call (workspaceConfig)', inPage.chunks, p50(inPage.rpcMs)],
		['Chromium openWorkspace (index synced: one IndexedDB read)', inPage.chunks, p50(inPage.openMs)],
		['Node library service search (fake-indexeddb)', node.chunks, p50(node.serviceMs)],
		['Node Bm25Index.search (engine)', node.chunks, p50(node.engineMs)]
	];
	console.log(`\n# Lexical query p50, SciFact text, ${queries.length} SciFact queries, top 10\n`);
	console.log('| where | chunks | p50 (ms) | × engine |');
	console.log('|---|---:|---:|---:|');
	const engine = p50(node.engineMs);
	for (const [name, chunks, ms] of rows) console.log(`| ${name} | ${chunks} | ${ms.toFixed(3)} | ${(ms / engine).toFixed(2)} |`);
	console.log(
		`\nChunk cache warm-up after open: ${inPage.cache.warm}, ${inPage.cache.chunks} chunks, ${(inPage.cache.chars / 1e6).toFixed(1)}M of ${(inPage.cache.maxChars / 1e6).toFixed(0)}M characters, ${inPage.warmMs.toFixed(0)} ms`
	);
	console.log(
		`\nReopen (new library worker → openWorkspace → first search): ${inPage.reopenMs.toFixed(0)} ms, index from ${inPage.reopenSource}, ${inPage.reopenHits} hits`
	);
	console.log(
		`Reopen from navigation (the app's page; the query typed the moment the field accepts it): field enabled ${visit.enabledMs.toFixed(0)} ms, index badge ready ${visit.readyMs.toFixed(0)} ms, first result ${visit.firstResultMs.toFixed(0)} ms after navigation start`
	);
	recordFigures('search', [
		{
			name: 'navigation → first lexical result in the app',
			value: visit.firstResultMs,
			unit: 'ms',
			target: { op: '<=', value: 1000 },
			note: `${inPage.chunks} chunks; search field enabled at ${visit.enabledMs.toFixed(0)} ms`
		},
		{
			name: 'reopen → first lexical result',
			value: inPage.reopenMs,
			unit: 'ms',
			target: { op: '<=', value: 1000 },
			note: `${inPage.chunks} chunks, index from ${inPage.reopenSource}`
		},
		{ name: 'lexical query p50 in the page (round trip)', value: p50(inPage.pageMs), unit: 'ms', note: `${inPage.chunks} chunks` },
		{
			name: 'lexical query p50 in the page vs Bm25Index.search in Node',
			value: p50(inPage.pageMs) / engine,
			unit: '×',
			target: { op: '<=', value: 3 }
		}
	]);
} finally {
	server.kill();
}
