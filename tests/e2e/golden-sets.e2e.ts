import { test, expect } from './support/fixtures.ts';

test('a search result is added to a new golden set with the chosen document, and shows up on the Evaluations page', async ({ page }) => {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByLabel('Search query').fill('overtime approved');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('hit').first()).toBeVisible();

	const add = page.getByTestId('add-to-golden');
	await add.locator('summary').click();
	const first = add.getByRole('checkbox').first();
	const path = (await first.locator('xpath=..').textContent())?.trim() ?? '';
	await first.check();
	await add.getByTestId('add-golden').click();
	await expect(add.getByTestId('add-golden-done')).toContainText('with 1 document');

	await page.getByTestId('evals-link').click();
	await expect(page.getByTestId('golden-select')).toContainText('From search (1)');
	// The demo workspace also has its own golden set: pick the new one.
	await page.getByTestId('golden-select').selectOption({ label: 'From search (1)' });
	await page.getByText('Edit cases (1)').click();
	const row = page.getByTestId('golden-case');
	await expect(row).toHaveCount(1);
	await expect(row).toContainText('overtime approved');
	await expect(row).toContainText(path);
});

test('a JSONL golden set keeps its good rows, lists each bad one by line, and its cases can be added and deleted', async ({ page }) => {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByTestId('evals-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	const jsonl =
		'{"id":"a","query":"leave days","relevant":["handbook.md"]}\n{"id":"b","relevant":[]}\nnot json\n{"id":"c","query":"unanswerable","relevant":[]}\n';
	await page
		.getByTestId('golden-input')
		.setInputFiles({ name: 'mine.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(jsonl) });
	await expect(page.getByTestId('golden-select')).toContainText('mine.jsonl (2)');
	const errors = page.getByTestId('golden-errors');
	await expect(errors).toContainText('2 rejected rows');
	await expect(errors).toContainText('line 2: query');
	await expect(errors).toContainText('line 3: not valid JSON');

	await page.getByText('Edit cases (2)').click();
	await page.getByLabel('Case id').fill('d');
	await page.getByLabel('Case query').fill('overtime');
	await page.getByLabel('Relevant documents').fill('handbook.md:2');
	await page.getByRole('button', { name: 'Add case' }).click();
	await expect(page.getByTestId('golden-select')).toContainText('mine.jsonl (3)');
	await expect(page.getByTestId('golden-case').filter({ hasText: 'overtime' })).toContainText('handbook.md:2');

	await page.getByTestId('golden-case').filter({ hasText: 'unanswerable' }).getByRole('button', { name: 'Delete' }).click();
	await expect(page.getByTestId('golden-select')).toContainText('mine.jsonl (2)');
});
