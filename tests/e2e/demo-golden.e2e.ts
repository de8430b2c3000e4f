import { test, expect } from './support/fixtures.ts';

test('the demo workspace comes with its trilingual golden set, and a BM25 evaluation of it finds every question’s document', async ({
	page
}) => {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByTestId('evals-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await expect(page.getByTestId('golden-select')).toContainText('Demo questions (EN/KO/JA) (15)');
	await page.getByTestId('run-eval').click();
	const recall = page.getByTestId('metric-recall@10').first();
	await expect(recall).toBeVisible({ timeout: 180_000 });
	// Every case's most relevant document is in the top 10 (some cases list three documents,
	// so recall@10 itself may be below 1); hit rate@10 must be exactly 1.
	await expect(page.getByTestId('metric-hit_rate@10').first()).toHaveAttribute('data-value', '1');
});
