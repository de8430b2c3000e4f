/**
 * Embedding throughput: chunks per second of the tiny BERT fixture (2 layers, hidden 64) on
 * Chromium WASM (with and without cross-origin isolation, i.e. 1 thread or every core) and WebGPU (SwiftShader here: a CPU emulation of a GPU, so WebGPU numbers on a
 * real GPU differ), and in Node (onnxruntime-node, CPU) for reference. Runs the production model
 * worker from `build/` (run `npm run build` first), served by a static server in this script
 * with and without the COOP/COEP headers.
 *
 *   npx tsx bench/embed/run.ts [--chunks 512] [--batch 16]
 *
 * Not part of the test suite; numbers depend on the machine.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { TransformersEmbedder } from '../../src/lib/adapters/transformers-embedder.ts';
import { chromiumArgs, chromiumExecutable } from '../../tests/e2e/support/chromium.ts';
import { ISOLATION_HEADERS } from '../../src/lib/shared/isolation.ts';
import { recordFigures } from '../figures.ts';

const { values } = parseArgs({
	options: {
		chunks: { type: 'string', default: '512' },
		batch: { type: 'string', default: '16' }
	}
});
const chunkCount = Number(values.chunks);
const batch = Number(values.batch);
const root = process.cwd();
const WORDS =
	'the puppy barked at night while stock prices fell at the bank and rain fell on the garden as the team won the match after the concert'.split(
		' '
	);
const texts = Array.from({ length: chunkCount }, (_, i) =>
	Array.from({ length: 40 }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' ')
);
const spec = { modelId: 'tiny-bert-embed', dtype: 'fp32' as const, pooling: 'mean' as const, queryPrefix: '', passagePrefix: '' };

async function nodeRate(): Promise<number> {
	const embedder = new TransformersEmbedder();
	const s = { ...spec, device: 'wasm' as const, source: { kind: 'local' as const, path: join(root, 'tests/fixtures/models/') } };
	await embedder.embed(s, texts.slice(0, batch), 'passage');
	const t = performance.now();
	for (let i = 0; i < texts.length; i += batch) await embedder.embed(s, texts.slice(i, i + batch), 'passage');
	const rate = texts.length / ((performance.now() - t) / 1000);
	await embedder.dispose();
	return rate;
}

/** Runs in the page: times `embed` calls to a fresh production model worker (Comlink wire protocol). */
const BROWSER_RUN = `async ({ url, spec, texts, batch }) => {
	const w = new Worker(new URL(url, location.href), { type: 'module' });
	let id = 0;
	const call = (args) => new Promise((resolve) => {
		const my = String(++id);
		const on = (e) => { if (e.data && e.data.id === my) { w.removeEventListener('message', on); resolve(e.data); } };
		w.addEventListener('message', on);
		w.postMessage({ id: my, type: 'APPLY', path: ['embed'], argumentList: args.map((value) => ({ type: 'RAW', value })) });
	});
	const warm = await call([spec, texts.slice(0, batch), 'passage']);
	const t = performance.now();
	for (let i = 0; i < texts.length; i += batch) await call([spec, texts.slice(i, i + batch), 'passage']);
	const seconds = (performance.now() - t) / 1000;
	w.terminate();
	return { rate: texts.length / seconds, backend: warm.value.backend };
}`;

/** A plain static server for `build/`, with or without the COOP/COEP headers (so one run compares both). */
function staticServer(isolated: boolean): Promise<Server> {
	const types: Record<string, string> = {
		'.html': 'text/html',
		'.js': 'text/javascript',
		'.mjs': 'text/javascript',
		'.wasm': 'application/wasm',
		'.json': 'application/json',
		'.css': 'text/css',
		'.svg': 'image/svg+xml'
	};
	const server = createServer((req, res) => {
		const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
		let file = join(root, 'build', path);
		if (!existsSync(file) || statSync(file).isDirectory())
			file = existsSync(join(file, 'index.html')) ? join(file, 'index.html') : join(root, 'build', '404.html');
		res.setHeader('Content-Type', types[extname(file)] ?? 'application/octet-stream');
		if (isolated) for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
		res.end(readFileSync(file));
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function browserRows(isolated: boolean): Promise<[string, number, string][]> {
	const server = await staticServer(isolated);
	const port = (server.address() as AddressInfo).port;
	const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs() });
	try {
		const page = await browser.newPage();
		await page.goto(`http://127.0.0.1:${port}/?demo=0`);
		const coi = (await page.evaluate('crossOriginIsolated')) as boolean;
		if (coi !== isolated) throw new Error(`expected crossOriginIsolated=${isolated}, the page says ${coi}`);
		await page.getByText(/^Models \(/).click();
		await page.getByTestId('model-folder-input').setInputFiles(join(root, 'tests/fixtures/models/tiny-bert-embed'));
		await page.getByTestId('cached-models').getByText('tiny-bert-embed').waitFor();
		const worker = readdirSync(join(root, 'build/_app/immutable/workers')).find((f) => /^models\.worker-.*\.js$/.test(f))!;
		const rows: [string, number, string][] = [];
		const cores = (await page.evaluate('navigator.hardwareConcurrency')) as number;
		const threads = isolated ? `isolated, ${Math.min(8, cores)} threads` : 'not isolated, 1 thread';
		for (const device of ['wasm', 'webgpu'] as const) {
			const args = { url: `./_app/immutable/workers/${worker}`, spec: { ...spec, device, source: { kind: 'local' } }, texts, batch };
			// A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
			const result = (await page.evaluate(`(${BROWSER_RUN})(${JSON.stringify(args)})`)) as { rate: number; backend: string };
			rows.push([
				`Chromium ${device} (${device === 'wasm' ? threads : isolated ? 'isolated' : 'not isolated'})`,
				result.rate,
				result.backend
			]);
		}
		return rows;
	} finally {
		await browser.close();
		server.close();
	}
}

const rows: [string, number, string][] = [...(await browserRows(false)), ...(await browserRows(true))];
const node = await nodeRate();
rows.push(['Node (onnxruntime-node)', node, 'cpu']);
console.log(`\ntiny-bert-embed (fp32), ${chunkCount} chunks of 40 words, batch ${batch}\n`);
console.log('| runtime | backend that ran | chunks/s | × Node |');
console.log('|---|---|---:|---:|');
for (const [name, rate, backend] of rows) console.log(`| ${name} | ${backend} | ${rate.toFixed(0)} | ${(rate / node).toFixed(2)} |`);
const wasm = (isolated: boolean) =>
	rows.find(([name]) => name.startsWith('Chromium wasm') && name.includes(isolated ? '(isolated' : '(not isolated'))![1];
recordFigures('embed', [
	{ name: 'embedding throughput, Chromium wasm isolated vs Node', value: wasm(true) / node, unit: '×', target: { op: '>=', value: 0.8 } },
	{ name: 'embedding throughput, Chromium wasm not isolated vs Node', value: wasm(false) / node, unit: '×' },
	{ name: 'embedding throughput, isolated vs not (Chromium wasm)', value: wasm(true) / wasm(false), unit: '×' }
]);
