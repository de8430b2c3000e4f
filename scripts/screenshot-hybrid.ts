/**
 * Regenerate docs/screenshot-hybrid.png: a hybrid + rerank search with its explain view, on
 * four topic documents embedded with the static fixture model (offline).
 * Usage: npm run build && npx tsx scripts/screenshot-hybrid.ts
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '../tests/e2e/support/chromium.ts';

const port = 4181;
const models = join(process.cwd(), 'tests/fixtures/models');
const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
try {
	await new Promise((r) => setTimeout(r, 2500));
	const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs() });
	const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
	await page.goto(`http://localhost:${port}/?demo=0`);
	await page.getByTestId('index-status').getByText('lexical ready').waitFor();
	const docs: Record<string, string> = {
		'pets.txt': 'the puppy barked at the kennel and wagged its tail',
		'cooking.txt': 'bake the bread in a hot oven with flour butter and salt',
		'finance.txt': 'stock prices fell and investors lost money at the bank',
		'deploy.txt': 'deploy failed with error code ZX4471 on the server'
	};
	await page
		.getByTestId('file-input')
		.setInputFiles(Object.entries(docs).map(([name, text]) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) })));
	await page.getByTestId('index-status').getByText('4 documents').waitFor();
	await page.getByText(/^Models \(/).click();
	for (const folder of ['static-embed', 'static-reranker']) {
		await page.getByTestId('model-folder-input').setInputFiles(join(models, folder));
		await page.getByTestId('cached-models').getByText(folder).waitFor();
	}
	await page.getByLabel('Embedding model', { exact: true }).selectOption('static-embed');
	await page.getByLabel('Embedding dtype').selectOption('fp32');
	await page.getByLabel('Rerank', { exact: true }).check();
	await page.getByLabel('Reranker model').selectOption('static-reranker');
	await page.getByLabel('Reranker dtype').selectOption('fp32');
	await page.getByRole('button', { name: 'Save model settings' }).click();
	await page.getByRole('button', { name: 'Embed chunks' }).click();
	await page
		.getByTestId('modes-status')
		.getByText(/hybrid \+ rerank ✓/)
		.waitFor({ timeout: 60_000 });
	await page.getByText(/^Models \(/).click();
	await page.getByLabel('Retrieval mode').selectOption('hybrid-rerank');
	await page.getByLabel('Search query').fill('my dog');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await page.getByTestId('hit').first().getByText('Why this rank?').click();
	await page.screenshot({ path: 'docs/screenshot-hybrid.png' });
	await browser.close();
} finally {
	process.kill(-server.pid!);
}
