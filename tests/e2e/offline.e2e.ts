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
