import { test, expect } from './support/fixtures.ts';
import { routeLlm, streamed, useRoutedEngine } from './support/llm-endpoint.ts';

test('case cite-01: a lenticular 【1】 marker links to source 1, and a bracketed year is named, not flagged as an invented source', async ({ page }) => {
	await routeLlm(page, streamed(['Conflicts are reported ', '【1】 since [2019].']));
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByTestId('ask-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await useRoutedEngine(page);
	await page.getByLabel('Question', { exact: true }).fill('SYNC_CONFLICT');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();

	await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'stop');
	const text = page.getByTestId('answer-text');
	await expect(text.locator('a[data-citation="1"]')).toHaveCount(1);
	await expect(text.locator('a[data-citation="2019"]')).toHaveCount(0);
	await expect(page.getByTestId('answer-unrecognized-citations')).toContainText('[2019] (a year)');
	await expect(page.getByTestId('answer-invalid-citations')).toHaveCount(0);
	await expect(page.getByTestId('answer-uncited')).toHaveCount(0);
	await text.locator('a[data-citation="1"]').click();
	await expect(page.getByTestId('source').first()).toHaveClass(/open/);
});
