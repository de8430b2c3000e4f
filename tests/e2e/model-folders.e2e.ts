import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';

const MODELS = join(process.cwd(), 'tests/fixtures/models');

test('a reranker folder picked in the model settings sets the reranker only; an embedding folder takes the dtype it has and says no prefixes are known', async ({
	page
}) => {
	await page.goto('./?demo=0');
	await page.getByText(/^Models \(/).click();
	const embedding = page.getByLabel('Embedding model', { exact: true });
	const before = await embedding.inputValue();

	const rerankChooser = page.waitForEvent('filechooser');
	await page.getByTestId('pick-reranker-folder').click();
	await (await rerankChooser).setFiles(join(MODELS, 'tiny-bert-reranker'));
	await expect(page.getByTestId('cached-models')).toContainText('tiny-bert-reranker');
	await expect(page.getByLabel('Reranker model')).toHaveValue('tiny-bert-reranker');
	await expect(page.getByLabel('Reranker dtype')).toHaveValue('fp32');
	await expect(embedding).toHaveValue(before);

	const embedChooser = page.waitForEvent('filechooser');
	await page.getByTestId('pick-embedding-folder').click();
	await (await embedChooser).setFiles(join(MODELS, 'static-embed'));
	await expect(embedding).toHaveValue('static-embed');
	await expect(page.getByLabel('Embedding dtype')).toHaveValue('fp32');
	await expect(page.getByTestId('pick-note')).toContainText('dtype set to fp32');
	await expect(page.getByTestId('recipe-unknown')).toBeVisible();
	await expect(page.getByTestId('recipe-source')).toContainText('none known — set it');
	await expect(page.getByLabel('Reranker model')).toHaveValue('tiny-bert-reranker');
});
