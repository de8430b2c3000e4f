import { test, expect } from './support/fixtures.ts';

async function openModelManager(page: import('@playwright/test').Page) {
	await page.goto('./ask/');
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await page.getByLabel('In-browser model (WebGPU)').check();
	await expect(page.getByTestId('gpu-status')).toBeVisible();
}

test('without shader-f16 (SwiftShader) only q4f32 builds are offered and the page says why', async ({ page }) => {
	await openModelManager(page);
	await expect(page.getByTestId('gpu-status')).toContainText('shader-f16 missing');
	const f16 = page.locator('[data-testid="model-offer"][data-model="Qwen2.5-0.5B-Instruct-q4f16_1-MLC"]');
	await expect(f16).toHaveAttribute('data-offered', 'false');
	await expect(f16.getByTestId('offer-reason')).toContainText('shader-f16');
	await expect(page.getByRole('radio', { name: 'Qwen2.5-0.5B-Instruct-q4f32_1-MLC' })).toBeEnabled();
	await expect(page.getByTestId('storage-estimate')).toContainText('this download needs');
});

test('a model download that cannot reach its host ends in a clear typed error, not a spinner, and the page stays usable', async ({
	page
}) => {
	await openModelManager(page);
	await page.getByRole('radio', { name: 'SmolLM2-360M-Instruct-q4f32_1-MLC' }).check();
	// A mirror on a closed local port: the real WebLLM code runs up to its first download.
	await page.getByLabel('Mirror base URL (optional)').fill('http://127.0.0.1:9/models');
	await page.getByRole('button', { name: 'Download and load' }).click();
	const error = page.getByTestId('model-error');
	await expect(error).toContainText('MODEL_DOWNLOAD_FAILED', { timeout: 180_000 });
	await expect(page.getByTestId('load-progress')).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Download and load' })).toBeEnabled();

	// Using the engine that did not load is a typed error too (structured mode needs no workspace).
	await page.getByLabel('Structured output (JSON Schema)').check();
	await page.getByLabel('Question', { exact: true }).fill('anything');
	await page.getByRole('button', { name: 'Extract' }).click();
	await expect(page.getByTestId('structured-error')).toContainText('Load an in-browser model first');
});

test('a cached model is listed with its size and can be deleted', async ({ page }) => {
	await page.goto('./ask/');
	// Seed WebLLM's cache the way a finished download leaves it: tensor-cache.json + its shard.
	await page.evaluate(async () => {
		const base = 'https://huggingface.co/mlc-ai/SmolLM2-360M-Instruct-q4f32_1-MLC/resolve/main/';
		const cache = await caches.open('webllm/model');
		await cache.put(base + 'tensor-cache.json', new Response(JSON.stringify({ records: [{ dataPath: 'params_shard_0.bin' }] })));
		await cache.put(base + 'params_shard_0.bin', new Response(new Uint8Array(3_000_000)));
	});
	await openModelManager(page);
	const row = page.locator('[data-testid="model-offer"][data-model="SmolLM2-360M-Instruct-q4f32_1-MLC"]');
	await expect(row.getByTestId('model-cache')).toContainText('cached, 3 MB');
	await expect(
		page.locator('[data-testid="model-offer"][data-model="Qwen2.5-0.5B-Instruct-q4f32_1-MLC"]').getByTestId('model-cache')
	).toHaveText('—');
	await row.getByRole('button', { name: 'Delete' }).click();
	await expect(row.getByTestId('model-cache')).toHaveText('—');
	expect(await page.evaluate(async () => (await (await caches.open('webllm/model')).keys()).length)).toBe(0);
});

test('a model download can be cancelled while it waits, leaving the page usable', async ({ page }) => {
	// A mirror that accepts the connection and never answers: the download hangs until cancelled.
	const { createServer } = await import('node:http');
	const server = createServer(() => {});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		await openModelManager(page);
		await page.getByRole('radio', { name: 'SmolLM2-360M-Instruct-q4f32_1-MLC' }).check();
		await page
			.getByLabel('Mirror base URL (optional)')
			.fill(`http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/models`);
		await page.getByRole('button', { name: 'Download and load' }).click();
		await expect(page.getByTestId('load-progress')).toBeVisible();
		await page.getByRole('button', { name: 'Cancel download' }).click();
		await expect(page.getByTestId('model-error')).toContainText('MODEL_DOWNLOAD_CANCELLED');
		await expect(page.getByTestId('load-progress')).toHaveCount(0);
		await expect(page.getByRole('button', { name: 'Download and load' })).toBeEnabled();
	} finally {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}
});
