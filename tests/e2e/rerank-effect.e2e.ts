import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';

const root = join(import.meta.dirname, '..', '..');
const topics = join(root, 'tests', 'fixtures', 'datasets', 'topics');
const MODELS = join(root, 'tests', 'fixtures', 'models');

test('the model settings show a preset reranker’s licence and published score; a hybrid-rerank report shows the reranker effect per query', async ({
	page
}) => {
	await page.goto('./evals/');
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await page.getByTestId('beir-folder-input').setInputFiles(topics);
	await expect(page.getByTestId('eval-notice')).toContainText('Imported 16 documents and 13 golden cases');

	await page.getByText(/^Models \(/).click();
	await page.getByLabel('Reranker model').selectOption('Xenova/ms-marco-MiniLM-L-6-v2');
	const info = page.getByTestId('reranker-preset-info');
	await expect(info).toContainText('Apache-2.0');
	await expect(info).toContainText('MRR@10 39.01');
	await page.getByLabel('Reranker model').selectOption('jinaai/jina-reranker-v1-tiny-en');
	await expect(info).toContainText('not published');

	for (const folder of ['static-embed', 'static-reranker']) {
		await page.getByTestId('model-folder-input').setInputFiles(join(MODELS, folder));
		await expect(page.getByTestId('cached-models')).toContainText(folder);
	}
	await page.getByLabel('Embedding model', { exact: true }).selectOption('static-embed');
	await page.getByLabel('Embedding dtype').selectOption('fp32');
	await page.getByLabel('Device').selectOption('wasm');
	await page.getByLabel('Rerank', { exact: true }).check();
	await page.getByLabel('Reranker model').selectOption('static-reranker');
	await expect(info).toHaveCount(0);
	await page.getByLabel('Reranker dtype').selectOption('fp32');
	await page.getByRole('button', { name: 'Save model settings' }).click();
	await expect(page.getByText('embedding static-embed, reranker static-reranker')).toBeVisible();
	await page.getByRole('button', { name: 'Embed chunks' }).click();
	await expect(page.getByTestId('modes-status')).toContainText('hybrid + rerank ✓', { timeout: 180_000 });

	const row = page.getByTestId('config-row').nth(0);
	await row.getByLabel('Configuration label').fill('rerank');
	await row.getByLabel('Retrieval mode').selectOption('hybrid-rerank');
	await row.getByLabel('Rerank pool depth').fill('20');
	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('report-column')).toHaveCount(1, { timeout: 180_000 });

	const effect = page.getByTestId('rerank-effect');
	await expect(effect).toHaveCount(1);
	await expect(effect).toContainText('pool 20');
	const counts = await Promise.all(['rerank-helped', 'rerank-hurt', 'rerank-unchanged'].map((id) => page.getByTestId(id).textContent()));
	expect(counts.reduce((s, c) => s + Number(c), 0)).toBe(13);
	await effect.locator('summary').click();
	await expect(page.getByTestId('rerank-effect-row')).toHaveCount(13);
});
