import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';

const MODELS = join(process.cwd(), 'tests/fixtures/models');
const golden = JSON.parse(readFileSync(join(process.cwd(), 'tests/fixtures/golden-vectors.json'), 'utf8')) as {
	texts: string[];
	models: Record<string, number[][]>;
};

/** The built model worker's URL path (its file name carries a content hash). */
function modelsWorkerPath(): string {
	const dir = join(process.cwd(), 'build/_app/immutable/workers');
	const name = readdirSync(dir).find((f) => /^models\.worker-.*\.js$/.test(f));
	if (!name) throw new Error('No models worker in build/: run npm run build first.');
	return `./_app/immutable/workers/${name}`;
}

/**
 * Embed texts in a fresh instance of the production model worker, speaking Comlink's wire
 * protocol directly (APPLY `embed`), on the given device.
 */
async function embedInBrowser(page: Page, modelId: string, device: 'wasm' | 'webgpu'): Promise<{ backend: string; vectors: number[][] }> {
	return page.evaluate(
		async ({ url, modelId, device, texts }) => {
			const worker = new Worker(new URL(url, location.href), { type: 'module' });
			const spec = { modelId, dtype: 'fp32', device, source: { kind: 'local' }, pooling: 'mean', queryPrefix: '', passagePrefix: '' };
			const reply = await new Promise<{ type: string; value: unknown }>((resolve) => {
				worker.addEventListener('message', (e) => e.data?.id === 'parity' && resolve(e.data));
				worker.postMessage({
					id: 'parity',
					type: 'APPLY',
					path: ['embed'],
					argumentList: [spec, texts, 'passage'].map((value) => ({ type: 'RAW', value }))
				});
			});
			worker.terminate();
			if (reply.type !== 'RAW') throw new Error(`embed failed: ${JSON.stringify(reply.value)}`);
			const result = reply.value as { backend: string; vectors: Float32Array[] };
			return { backend: result.backend, vectors: result.vectors.map((v) => Array.from(v)) };
		},
		{ url: modelsWorkerPath(), modelId, device, texts: golden.texts }
	);
}

function maxAbsDiff(a: number[][], b: number[][]): number {
	let max = 0;
	for (const [i, row] of a.entries()) for (const [d, x] of row.entries()) max = Math.max(max, Math.abs(x - b[i]![d]!));
	return max;
}

test.describe('the same vectors in Chromium as in Node', () => {
	test.beforeEach(async ({ page }) => {
		await page.goto('./?demo=0');
		await expect(page.getByTestId('index-status')).toContainText('lexical ready');
		await page.getByText(/^Models \(/).click();
		for (const folder of ['static-embed', 'tiny-bert-embed']) {
			await page.getByTestId('model-folder-input').setInputFiles(join(MODELS, folder));
			await expect(page.getByTestId('cached-models')).toContainText(folder);
		}
	});

	for (const modelId of ['static-embed', 'tiny-bert-embed']) {
		test(`${modelId} gives the Node golden vectors to 1e-5 on WASM`, async ({ page }) => {
			const result = await embedInBrowser(page, modelId, 'wasm');
			expect(result.backend).toBe('wasm');
			expect(maxAbsDiff(result.vectors, golden.models[modelId]!)).toBeLessThan(1e-5);
		});

		test(`${modelId} gives the Node golden vectors to 1e-5 on WebGPU (SwiftShader)`, async ({ page }) => {
			const result = await embedInBrowser(page, modelId, 'webgpu');
			expect(result.backend).toBe('webgpu');
			expect(maxAbsDiff(result.vectors, golden.models[modelId]!)).toBeLessThan(1e-5);
		});
	}
});
