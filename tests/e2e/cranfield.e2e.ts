import { test, expect } from './support/fixtures.ts';
import { cranfieldQueries, cranfieldRelevant, writeCranfieldFolder } from './support/cranfield.ts';

test.describe.configure({ mode: 'serial' });

test('a Cranfield folder is indexed with progress, survives reloads without a rebuild, and a query finds a relevant document in the top 10', async ({ page }) => {
	test.setTimeout(300_000);
	const folder = writeCranfieldFolder();
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');

	await page.getByTestId('folder-input').setInputFiles(folder);
	const progress = page.getByTestId('import-progress');
	await expect(progress.locator('progress')).toBeVisible();
	await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 240_000 });
	await expect(page.getByTestId('import-count')).toHaveText('1400 / 1400 files');
	// The collection has two empty documents (471, 995): they are reported, not indexed.
	await expect(progress.getByText('added 1398')).toBeVisible();
	await expect(page.getByTestId('import-problems').locator('li')).toHaveCount(2);
	await expect(page.getByTestId('import-problems')).toContainText('FILE_EMPTY');
	await expect(page.getByTestId('index-status')).toContainText('1398 documents');

	await page.reload();
	await expect(page.getByTestId('index-status')).toHaveAttribute('data-source', 'snapshot');
	await expect(page.getByTestId('index-status')).toContainText('1398 documents');

	const queryId = '1';
	await page.getByLabel('Search query').fill(cranfieldQueries().get(queryId)!);
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	const hits = page.getByTestId('hit');
	await expect(hits).toHaveCount(10);
	const paths = await hits.evaluateAll((els) => els.map((e) => e.getAttribute('data-document') ?? ''));
	const ids = paths.map((p) => p.replace(/^cranfield\//, '').replace(/\.txt$/, ''));
	const relevant = cranfieldRelevant(queryId);
	expect(ids.some((id) => relevant.has(id))).toBe(true);

	await page.reload();
	await expect(page.getByTestId('index-status')).toHaveAttribute('data-source', 'snapshot');
	await expect(page.getByTestId('index-status')).not.toContainText('reconciled');
});
