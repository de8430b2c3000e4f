import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';

// Every other spec blocks service workers (playwright.config.ts); this one needs Assay's.
test.use({ serviceWorkers: 'allow' });

/** Wait until the service worker has installed (its precache complete), activated and controls the page. */
async function waitForControl(page: Page): Promise<void> {
	await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

test('after one visit the site opens offline and the demo workspace still searches', async ({ page, context }) => {
	await page.goto('./');
	// `npm start` sends COOP/COEP itself: isolated from the first load.
	expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await waitForControl(page);
	const cached = await page.evaluate(async () => {
		const names = (await caches.keys()).filter((n) => n.startsWith('assay-shell-'));
		const keys = names.length === 1 ? await (await caches.open(names[0]!)).keys() : [];
		return { names, paths: keys.map((r) => new URL(r.url).pathname) };
	});
	expect(cached.names).toHaveLength(1);
	// The shell, the demo workspace and the files only the workers load (parser worker, ONNX Runtime wasm).
	expect(cached.paths).toEqual(expect.arrayContaining(['/', '/ask/', '/evals/', '/answers/', '/demo/manifest.json']));
	expect(cached.paths.some((p) => /\/workers\/parser\.worker-[^/]+\.js$/.test(p))).toBe(true);
	expect(cached.paths.some((p) => /ort-wasm[^/]*\.wasm$/.test(p))).toBe(true);

	await context.setOffline(true);
	await page.reload();
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	// Offline, the service worker alone served the page: its COOP/COEP headers isolate it (threaded ONNX wasm).
	expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
	await page.getByLabel('Search query').fill('password manager');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('hit').first()).toBeVisible();

	// Another page of the site, never visited, opens from the precache too.
	await page.goto('./ask/');
	await expect(page.getByRole('textbox', { name: 'Question', exact: true })).toBeVisible();
	await context.setOffline(false);
});

test('activating the service worker deletes only its own old caches: WebLLM’s model cache survives', async ({ page }) => {
	await page.goto('./?demo=0');
	await waitForControl(page);
	await page.evaluate(async () => {
		await (
			await caches.open('webllm/model')
		).put('https://huggingface.co/mlc-ai/m/resolve/main/params_shard_0.bin', new Response('weights'));
		await (await caches.open('transformers-cache')).put('https://huggingface.co/Xenova/m/resolve/main/config.json', new Response('{}'));
		await (await caches.open('assay-shell-old-build')).put('/stale.js', new Response('old'));
	});
	// A second registration of the same worker (narrower scope) installs and activates anew,
	// running the activate step's cache clean-up over the caches above.
	const activated = await page.evaluate(async () => {
		const registration = await navigator.serviceWorker.register('./service-worker.js', { scope: './evals/' });
		const worker = registration.installing ?? registration.waiting ?? registration.active;
		if (!worker) return 'no worker';
		if (worker.state !== 'activated')
			await new Promise<void>((resolve) => worker.addEventListener('statechange', () => worker.state === 'activated' && resolve()));
		return worker.state;
	});
	expect(activated).toBe('activated');
	const after = await page.evaluate(async () => ({
		names: await caches.keys(),
		weights: await (
			await (await caches.open('webllm/model')).match('https://huggingface.co/mlc-ai/m/resolve/main/params_shard_0.bin')
		)?.text()
	}));
	expect(after.names).toEqual(expect.arrayContaining(['webllm/model', 'transformers-cache']));
	expect(after.names).not.toContain('assay-shell-old-build');
	expect(after.names.filter((n) => n.startsWith('assay-shell-'))).toHaveLength(1);
	expect(after.weights).toBe('weights');
});

test('a new version that installs behind the running one is offered with Reload, which moves the page onto it', async ({ page }) => {
	await page.goto('./?demo=0');
	await waitForControl(page);
	await expect(page.getByTestId('update-ready')).toHaveCount(0);
	// A changed script URL for the same scope is an update: it installs and waits.
	await page.evaluate(() => navigator.serviceWorker.register('./service-worker.js?next=1', { scope: './' }).then(() => undefined));
	const notice = page.getByTestId('update-ready');
	await expect(notice).toContainText('An update of Assay is ready.');
	await page.evaluate(() => ((window as unknown as { beforeReload: boolean }).beforeReload = true));
	await notice.getByRole('button', { name: 'Reload' }).click();
	// The page reloaded (the marker is gone) and the new worker controls it.
	await page.waitForFunction(
		() => !('beforeReload' in window) && navigator.serviceWorker.controller?.scriptURL.endsWith('?next=1') === true
	);
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await expect(page.getByTestId('update-ready')).toHaveCount(0);
});

test('after the first embedding model download the browser is asked once to keep the data, and the storage meter shows its answer', async ({
	page
}) => {
	// Count persistence requests (the meter's own button is not clicked here).
	await page.addInitScript(() => {
		const original = StorageManager.prototype.persist;
		const w = window as unknown as { persistCalls: number };
		w.persistCalls = 0;
		StorageManager.prototype.persist = function () {
			w.persistCalls++;
			return original.call(this);
		};
	});
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page
		.getByTestId('file-input')
		.setInputFiles({ name: 'pets.txt', mimeType: 'text/plain', buffer: Buffer.from('the puppy barked at the kennel') });
	await expect(page.getByTestId('index-status')).toContainText('1 documents');
	await page.getByText(/^Models \(/).click();
	await page.getByTestId('model-folder-input').setInputFiles(join(process.cwd(), 'tests/fixtures/models/static-embed'));
	await expect(page.getByTestId('cached-models')).toContainText('static-embed');
	await page.getByLabel('Embedding model', { exact: true }).selectOption('static-embed');
	await page.getByLabel('Embedding dtype').selectOption('fp32');
	await page.getByLabel('Device').selectOption('wasm');
	await page.getByRole('button', { name: 'Save model settings' }).click();
	await expect(page.getByTestId('storage-usage')).not.toHaveAttribute('data-persist-outcome');

	await page.getByRole('button', { name: 'Embed chunks' }).click();
	await expect(page.getByTestId('modes-status')).toContainText('hybrid ✓', { timeout: 180_000 });
	const meter = page.getByTestId('storage-usage');
	await expect(meter).toHaveAttribute('data-persist-outcome', /^(granted|declined)$/);
	const outcome = await meter.getAttribute('data-persist-outcome');
	await expect(meter).toContainText(outcome === 'granted' ? 'persistent' : 'The browser declined');
	expect(await page.evaluate(() => (window as unknown as { persistCalls: number }).persistCalls)).toBe(1);
});
