import { test, expect } from './support/fixtures.ts';
import { routeLlm, streamed, askRouted } from './support/llm-endpoint.ts';

test('case cite-01: a lenticular 【1】 marker links to source 1, and a bracketed year is named, not flagged as an invented source', async ({
	page
}) => {
	await routeLlm(page, streamed(['Conflicts are reported ', '【1】 since [2019].']));
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await askRouted(page, 'SYNC_CONFLICT');
	const text = page.getByTestId('answer-text');
	await expect(text.locator('a[data-citation="1"]')).toHaveCount(1);
	await expect(text.locator('a[data-citation="2019"]')).toHaveCount(0);
	await expect(page.getByTestId('answer-unrecognized-citations')).toContainText('[2019] (a year)');
	await expect(page.getByTestId('answer-invalid-citations')).toHaveCount(0);
	await expect(page.getByTestId('answer-uncited')).toHaveCount(0);
	await text.locator('a[data-citation="1"]').click();
	await expect(page.getByTestId('source').first()).toHaveClass(/open/);
});
