import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';
import { cranfieldQueries, cranfieldRelevant, writeCranfieldFolder } from './support/cranfield.ts';

test.describe.configure({ mode: 'serial' });

test('a Cranfield folder is indexed with progress, survives reloads without a rebuild, and a query finds a relevant document in the top 10', async ({
	page
}) => {
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

test('Cranfield as a BEIR folder: the BM25 evaluation in the page stores a report that validates, every metric within [0, 1] (capped_recall@100 once rounded to 1.0000000000000002 and was refused)', async ({
	page
}) => {
	await page.goto('./evals/');
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await page.getByTestId('beir-analyzer').selectOption('english');
	await page.getByTestId('beir-folder-input').setInputFiles(join(import.meta.dirname, '..', 'fixtures', 'datasets', 'cranfield'));
	await expect(page.getByTestId('eval-notice')).toContainText('Imported 1400 documents and 225 golden cases', { timeout: 240_000 });
	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('metric-ndcg@10').first()).toBeVisible({ timeout: 120_000 });
	await expect(page.getByTestId('eval-error')).toHaveCount(0);
	const downloading = page.waitForEvent('download');
	await page.getByTestId('export-report').click();
	const report = JSON.parse(readFileSync((await (await downloading).path()) as string, 'utf8')) as {
		metrics: { aggregate: Record<string, { mean: number }> };
		perQuery: { metrics: Record<string, number> }[];
	};
	expect(report.perQuery).toHaveLength(225);
	const outside = report.perQuery.flatMap((q) => Object.entries(q.metrics).filter(([, v]) => v < 0 || v > 1));
	expect(outside).toEqual([]);
	// Queries whose relevant documents are all in the top 100 score exactly 1.
	expect(report.perQuery.filter((q) => q.metrics['capped_recall@100'] === 1).length).toBeGreaterThan(0);
	expect(report.metrics.aggregate['capped_recall@100']!.mean).toBeLessThanOrEqual(1);
});
