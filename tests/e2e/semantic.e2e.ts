import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';

const MODELS = join(process.cwd(), 'tests/fixtures/models');

function topicFiles(): string[] {
	const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-topics-'));
	const files: Record<string, string> = {
		'pets.txt': 'the puppy barked at the kennel and wagged its tail',
		'cooking.txt': 'bake the bread in a hot oven with flour butter and salt',
		'finance.txt': 'stock prices fell and investors lost money at the bank',
		'deploy.txt': 'deploy failed with error code ZX4471 on the server'
	};
	return Object.entries(files).map(([name, body]) => {
		writeFileSync(join(dir, name), body);
		return join(dir, name);
	});
}

/** Pick fixture model folders as a user would (copied into the browser's model cache). */
async function pickModels(page: Page, ...folders: string[]) {
	await page.getByText(/^Models \(/).click();
	for (const folder of folders) {
		await page.getByTestId('model-folder-input').setInputFiles(join(MODELS, folder));
		await expect(page.getByTestId('cached-models')).toContainText(folder);
	}
}

async function search(page: Page, query: string, mode: string) {
	await page.getByLabel('Retrieval mode').selectOption(mode);
	await page.getByLabel('Search query').fill(query);
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('search-mode')).toHaveText(mode);
}

test('documents embedded with a local fixture model are found by meaning in hybrid + rerank, explained, and still searchable after a reload without re-embedding', async ({
	page
}) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByTestId('file-input').setInputFiles(topicFiles());
	await expect(page.getByTestId('index-status')).toContainText('4 documents');
	await expect(page.getByTestId('modes-status')).toContainText('not yet');

	await pickModels(page, 'static-embed', 'static-reranker');
	await page.getByLabel('Embedding model', { exact: true }).selectOption('static-embed');
	await page.getByLabel('Embedding dtype').selectOption('fp32');
	await page.getByLabel('Device').selectOption('wasm');
	await page.getByLabel('Rerank', { exact: true }).check();
	await page.getByLabel('Reranker model').selectOption('static-reranker');
	await page.getByLabel('Reranker dtype').selectOption('fp32');
	await page.getByRole('button', { name: 'Save model settings' }).click();
	await expect(page.getByText('embedding static-embed, reranker static-reranker')).toBeVisible();

	await page.getByRole('button', { name: 'Embed chunks' }).click();
	await expect(page.getByTestId('modes-status')).toContainText('hybrid + rerank ✓', { timeout: 180_000 });
	await expect(page.getByTestId('modes-status')).toContainText('computed on wasm');

	await search(page, 'my dog', 'hybrid-rerank');
	const first = page.getByTestId('hit').first();
	await expect(first).toHaveAttribute('data-document', 'pets.txt');
	await first.getByText('Why this rank?').click();
	const table = first.getByTestId('explain-table');
	await expect(table.locator('tr[data-stage="Lexical (BM25)"]')).toContainText('not retrieved');
	await expect(table.locator('tr[data-stage="Dense"]')).toContainText('#1');
	await expect(table.locator('tr[data-stage="Reranked"]')).toContainText('#1');
	await expect(table.locator('tr[data-stage="final"]')).toContainText('#1');

	await page.getByTestId('why-not').locator('summary').click();
	await page.getByLabel('Explain document').selectOption({ label: 'deploy.txt' });
	await expect(page.getByTestId('why-not').locator('tr[data-stage="Lexical (BM25)"]')).toContainText('not retrieved');

	await page.reload();
	await expect(page.getByTestId('modes-status')).toContainText('hybrid + rerank ✓', { timeout: 180_000 });
	await expect(page.getByTestId('pending-chunks')).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Embed chunks' })).toBeDisabled();
	await search(page, 'ZX4471', 'hybrid');
	await expect(page.getByTestId('hit').first()).toHaveAttribute('data-document', 'deploy.txt');
	await search(page, 'recipe dinner', 'dense');
	await expect(page.getByTestId('hit').first()).toHaveAttribute('data-document', 'cooking.txt');
});

test('a document whose access list excludes the query’s user is never shown', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByTestId('file-input').setInputFiles(topicFiles());
	await expect(page.getByTestId('index-status')).toContainText('4 documents');
	await search(page, 'puppy kennel', 'lexical');
	await expect(page.getByTestId('hit').first()).toHaveAttribute('data-document', 'pets.txt');
	await page.getByText(/^Filter by document/).click();
	await page.getByLabel('Access document').selectOption({ label: 'pets.txt' });
	await page.getByLabel('Allowed users').fill('alice');
	await page.getByRole('button', { name: 'Save access list' }).click();
	await page.getByLabel('Run as user').fill('bob');
	await search(page, 'puppy kennel', 'lexical');
	await expect(page.getByTestId('no-results')).toBeVisible();
	await page.getByLabel('Run as user').fill('alice');
	await search(page, 'puppy kennel', 'lexical');
	await expect(page.getByTestId('hit').first()).toHaveAttribute('data-document', 'pets.txt');
});

test('metadata filters keep other file types out of the results', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByTestId('file-input').setInputFiles([
		{ name: 'bank.txt', mimeType: 'text/plain', buffer: Buffer.from('the bank raised interest') },
		{ name: 'bank.md', mimeType: 'text/markdown', buffer: Buffer.from('# Bank\n\nthe bank cut interest') }
	]);
	await expect(page.getByTestId('index-status')).toContainText('2 documents');
	await page.getByText(/^Filter by document/).click();
	await page.getByLabel('Filter by file type').selectOption('text/markdown');
	await search(page, 'bank interest', 'lexical');
	await expect(page.getByTestId('hit')).toHaveCount(1);
	await expect(page.getByTestId('hit').first()).toHaveAttribute('data-document', 'bank.md');
	await page.getByLabel('Imported from').fill('2000-01-01');
	await page.getByLabel('Imported to').fill('2000-01-02');
	await search(page, 'bank interest', 'lexical');
	await expect(page.getByTestId('no-results')).toBeVisible();
});

test('changing the embedding model embeds the library again with the new model instead of mixing vectors', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByTestId('file-input').setInputFiles(topicFiles());
	await expect(page.getByTestId('index-status')).toContainText('4 documents');
	await pickModels(page, 'static-embed', 'tiny-bert-embed');
	await page.getByLabel('Embedding model', { exact: true }).selectOption('static-embed');
	await page.getByLabel('Embedding dtype').selectOption('fp32');
	await page.getByLabel('Device').selectOption('wasm');
	await page.getByRole('button', { name: 'Save model settings' }).click();
	await expect(page.getByText('Models (embedding static-embed')).toBeVisible();
	await page.getByRole('button', { name: 'Embed chunks' }).click();
	await expect(page.getByTestId('modes-status')).toContainText('4 vectors, 48-d', { timeout: 180_000 });

	await page.getByLabel('Embedding model', { exact: true }).selectOption('tiny-bert-embed');
	await page.getByRole('button', { name: 'Save model settings' }).click();
	await expect(page.getByTestId('modes-status')).toContainText('4 vectors, 64-d', { timeout: 180_000 });
	await expect(page.getByTestId('pending-chunks')).toHaveCount(0);
});

test('with the device on auto and a WebGPU adapter, an on-device probe picks the backend, and the page says which and why', async ({
	page
}) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByTestId('file-input').setInputFiles(topicFiles());
	await expect(page.getByTestId('index-status')).toContainText('4 documents');
	await pickModels(page, 'static-embed');
	await page.getByLabel('Embedding model', { exact: true }).selectOption('static-embed');
	await page.getByLabel('Embedding dtype').selectOption('fp32');
	await expect(page.getByLabel('Device')).toHaveValue('auto');
	await page.getByRole('button', { name: 'Save model settings' }).click();
	await expect(page.getByText('Models (embedding static-embed')).toBeVisible();
	await page.getByRole('button', { name: 'Embed chunks' }).click();
	await expect(page.getByTestId('modes-status')).toContainText(/computed on (webgpu|wasm)/, { timeout: 180_000 });
	// Which backend wins depends on the device (SwiftShader here); the page names the winner and both timings.
	const message = page.getByTestId('semantic-message');
	await expect(message).toContainText(
		/Embedded on (WEBGPU|WASM), chosen by an on-device probe: WASM \d+ ms, WebGPU \d+ ms per probe batch\./
	);
	const chosen = (/Embedded on (WEBGPU|WASM)/.exec((await message.textContent()) ?? '')![1] ?? '').toLowerCase();
	await expect(page.getByTestId('modes-status')).toContainText(`computed on ${chosen}`);
	await search(page, 'my dog', 'dense');
	await expect(page.getByTestId('hit').first()).toHaveAttribute('data-document', 'pets.txt');
	await expect(page.getByTestId('search-meta')).toContainText(`query embedded on ${chosen}`);
});

test('with the HNSW index chosen, the graph is linked in the browser, its recall against the exact scan is shown, and a reload reads it back', async ({
	page
}) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByTestId('file-input').setInputFiles(topicFiles());
	await expect(page.getByTestId('index-status')).toContainText('4 documents');
	await pickModels(page, 'static-embed');
	await page.getByLabel('Embedding model', { exact: true }).selectOption('static-embed');
	await page.getByLabel('Embedding dtype').selectOption('fp32');
	await page.getByLabel('Device').selectOption('wasm');
	await page.getByLabel('Vector index').selectOption('hnsw');
	await page.getByRole('button', { name: 'Save model settings' }).click();
	await page.getByRole('button', { name: 'Embed chunks' }).click();
	await expect(page.getByTestId('modes-status')).toContainText('hnsw index', { timeout: 180_000 });
	await expect(page.getByTestId('vector-graph')).toContainText('HNSW graph: 4 linked, recall@10 1.000 vs exact (50 probes), built in');
	await search(page, 'recipe dinner', 'dense');
	await expect(page.getByTestId('hit').first()).toHaveAttribute('data-document', 'cooking.txt');

	await page.reload();
	await expect(page.getByTestId('vector-graph')).toContainText(
		'HNSW graph: 4 linked, recall@10 1.000 vs exact (50 probes), read from storage',
		{
			timeout: 180_000
		}
	);
});
