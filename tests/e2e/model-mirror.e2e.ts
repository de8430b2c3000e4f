import { test, expect } from './support/fixtures.ts';
import { startMirror } from './support/model-mirror.ts';

test('a model downloaded from a mirror embeds the library, is listed in the cache with its size, and can be deleted', async ({ page }) => {
	const mirror = await startMirror();
	try {
		await page.goto('./?demo=0');
		await expect(page.getByTestId('index-status')).toContainText('lexical ready');
		await page
			.getByTestId('file-input')
			.setInputFiles({ name: 'pets.txt', mimeType: 'text/plain', buffer: Buffer.from('the puppy barked at the kennel') });
		await expect(page.getByTestId('index-status')).toContainText('1 documents');

		await page.getByText(/^Models \(/).click();
		await page.getByLabel('Mirror base URL').fill(mirror.baseUrl);
		await page.getByRole('radio', { name: /Mirror/ }).check();
		await page.getByLabel('Embedding model', { exact: true }).selectOption('Xenova/all-MiniLM-L6-v2');
		await page.getByLabel('Device').selectOption('wasm');
		await page.getByRole('button', { name: 'Save model settings' }).click();
		await expect(page.getByText('Models (embedding Xenova/all-MiniLM-L6-v2')).toBeVisible();

		// The mirror has no such model: the failure is shown, nothing is stored.
		await page.getByRole('button', { name: 'Embed chunks' }).click();
		await expect(page.getByTestId('semantic-error')).toContainText('Could not load embedding model');
		expect(mirror.requests.some((p) => p.startsWith('/Xenova/all-MiniLM-L6-v2/resolve/main/'))).toBe(true);

		// A model id the registry does not list, typed as a user would for their mirror.
		await page.getByLabel('Embedding model id').fill('static-embed');
		await page.getByLabel('Embedding dtype').selectOption('fp32');
		await page.getByRole('button', { name: 'Save model settings' }).click();
		await expect(page.getByText('Models (embedding static-embed')).toBeVisible();
		await page.getByRole('button', { name: 'Embed chunks' }).click();
		await expect(page.getByTestId('modes-status')).toContainText('dense, hybrid ✓', { timeout: 180_000 });
		expect(mirror.requests).toContain('/static-embed/resolve/main/onnx/model.onnx');

		const cached = page.getByTestId('cached-models');
		await expect(cached).toContainText(/static-embed · download · \d+ files · \d+(\.\d+)? KiB/);
		await cached.locator('li', { hasText: 'static-embed' }).getByRole('button', { name: 'Delete' }).click();
		await expect(cached).not.toContainText('static-embed');
	} finally {
		mirror.server.close();
	}
});
