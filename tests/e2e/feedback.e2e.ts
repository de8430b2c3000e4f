import { test, expect } from './support/fixtures.ts';
import { askRouted, routeLlm, streamed } from './support/llm-endpoint.ts';

test('a 👎 with a note on an answer shows up in Failures and is promoted to a golden case with its trace as the source', async ({
	page
}) => {
	await routeLlm(page, streamed(['Conflicts are reported as ', 'SYNC_OK [1].']));
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await askRouted(page, 'SYNC_CONFLICT');

	await page.getByRole('button', { name: 'Bad answer' }).click();
	await page.getByLabel('Feedback note').fill('The code is SYNC_CONFLICT, not SYNC_OK');
	await page.getByRole('button', { name: 'Save feedback' }).click();
	await expect(page.getByTestId('feedback-saved')).toContainText('👎');

	await page.getByTestId('failures-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	const failure = page.getByTestId('failure').filter({ hasText: 'SYNC_CONFLICT' });
	await expect(failure).toHaveCount(1);
	await expect(failure).toHaveAttribute('data-reasons', 'feedback');
	await expect(failure.getByTestId('failure-detail')).toHaveText('The code is SYNC_CONFLICT, not SYNC_OK');
	await expect(failure.getByTestId('failure-answer')).toHaveText('Conflicts are reported as SYNC_OK [1].');
	// The filter by reason: errors only hides it.
	await page.getByRole('checkbox', { name: /^Errors \(/ }).check();
	await expect(failure).toHaveCount(0);
	await page.getByRole('checkbox', { name: /^Errors \(/ }).uncheck();

	await failure.getByRole('button', { name: 'Promote to golden set' }).click();
	const dialog = page.getByTestId('promote-dialog');
	await expect(dialog.getByLabel('Case query')).toHaveValue('SYNC_CONFLICT');
	const candidate = dialog.getByTestId('promote-candidate').first();
	const ref = (await candidate.locator('code').textContent())?.trim() ?? '';
	expect(ref).not.toBe('');
	await candidate.getByRole('checkbox').check();
	await expect(dialog.getByLabel('Reference answer')).toHaveValue('Conflicts are reported as SYNC_OK [1].');
	await dialog.getByLabel('Reference answer').fill('Conflicts are reported as SYNC_CONFLICT [1].');
	await dialog.getByLabel('Golden set').selectOption({ label: 'New golden set…' });
	await dialog.getByLabel('New golden set name').fill('From failures');
	await dialog.getByRole('button', { name: 'Add to golden set' }).click();
	await expect(dialog.getByTestId('promote-saved')).toContainText('to “From failures”');
	await dialog.getByRole('button', { name: 'Close' }).click();

	await page.getByTestId('evals-link').click();
	await expect(page.getByTestId('golden-select')).toContainText('From failures (1)');
	await page.getByTestId('golden-select').selectOption({ label: 'From failures (1)' });
	await page.getByText('Edit cases (1)').click();
	const row = page.getByTestId('golden-case');
	await expect(row).toHaveCount(1);
	await expect(row).toContainText('SYNC_CONFLICT');
	await expect(row).toContainText(ref);
	await expect(row.getByTestId('case-reference')).toContainText('Conflicts are reported as SYNC_CONFLICT [1].');
	await expect(row.getByTestId('case-source')).toContainText(/from trace [0-9a-f]{8}…/);
});
