/**
 * Embedding throughput: chunks per second of the tiny BERT fixture (2 layers, hidden 64) on
 * Chromium WASM and WebGPU (SwiftShader here: a CPU emulation of a GPU, so WebGPU numbers on a
 * real GPU differ), and in Node (onnxruntime-node, CPU) for reference. Runs the production model
 * worker from `build/` (run `npm run build` first) served by `vite preview`.
 *
 *   npx tsx bench/embed/run.ts [--chunks 512] [--batch 16] [--port 4390]
 *
 * Not part of the test suite; numbers depend on the machine.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { TransformersEmbedder } from '../../src/lib/adapters/transformers-embedder.ts';
import { chromiumArgs, chromiumExecutable } from '../../tests/e2e/support/chromium.ts';

const { values } = parseArgs({
	options: {
		chunks: { type: 'string', default: '512' },
		batch: { type: 'string', default: '16' },
		port: { type: 'string', default: '4390' }
	}
});
const chunkCount = Number(values.chunks);
const batch = Number(values.batch);
const port = Number(values.port);
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

const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { stdio: 'ignore' });
try {
	await new Promise((r) => setTimeout(r, 3000));
	const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs() });
	const page = await browser.newPage();
	await page.goto(`http://localhost:${port}/?demo=0`);
	await page.getByText(/^Models \(/).click();
	await page.getByTestId('model-folder-input').setInputFiles(join(root, 'tests/fixtures/models/tiny-bert-embed'));
	await page.getByTestId('cached-models').getByText('tiny-bert-embed').waitFor();
	const worker = readdirSync(join(root, 'build/_app/immutable/workers')).find((f) => /^models\.worker-.*\.js$/.test(f))!;
	const rows: [string, number, string][] = [];
	for (const device of ['wasm', 'webgpu'] as const) {
		const args = { url: `./_app/immutable/workers/${worker}`, spec: { ...spec, device, source: { kind: 'local' } }, texts, batch };
		// A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
		const result = (await page.evaluate(`(${BROWSER_RUN})(${JSON.stringify(args)})`)) as { rate: number; backend: string };
		rows.push([`Chromium ${device}`, result.rate, result.backend]);
	}
	await browser.close();
	rows.push(['Node (onnxruntime-node)', await nodeRate(), 'cpu']);
	console.log(`\ntiny-bert-embed (fp32), ${chunkCount} chunks of 40 words, batch ${batch}\n`);
	console.log('| runtime | backend that ran | chunks/s |');
	console.log('|---|---|---:|');
	for (const [name, rate, backend] of rows) console.log(`| ${name} | ${backend} | ${rate.toFixed(0)} |`);
} finally {
	server.kill();
}
