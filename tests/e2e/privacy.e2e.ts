import { test, expect } from './support/fixtures.ts';

test('the privacy guard sees and blocks a request a worker makes to a remote host', async ({ page, remoteRequests }) => {
	// A local page without the app's Content-Security-Policy, so the request reaches the network
	// layer where the guard must catch it (in the app, the CSP already refuses it).
	await page.route('**/__guard-selftest', (route) =>
		route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>guard</title>' })
	);
	await page.goto('./__guard-selftest');
	const outcome = await page.evaluate(async () => {
		const source = `fetch('https://example.org/leak?x=1').then(() => postMessage('sent'), () => postMessage('blocked'))`;
		const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
		return new Promise<string>((resolve) => (worker.onmessage = (e) => resolve(String(e.data))));
	});
	expect(outcome).toBe('blocked');
	expect(remoteRequests).toContain('https://example.org/leak?x=1');
	// Acknowledge the request this test made on purpose, so the guard does not fail it.
	remoteRequests.length = 0;
});

test('the app loads, imports the demo and searches without any request outside localhost', async ({ page, remoteRequests }) => {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByLabel('Search query').fill('password manager');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('hit').first()).toBeVisible();
	expect(remoteRequests).toEqual([]);
});

test('the app’s Content-Security-Policy refuses a remote fetch before it leaves the page', async ({ page, remoteRequests }) => {
	await page.goto('./?demo=0');
	const outcome = await page.evaluate(() =>
		fetch('https://example.org/csp').then(
			() => 'sent',
			() => 'refused'
		)
	);
	expect(outcome).toBe('refused');
	expect(remoteRequests).toEqual([]);
});
