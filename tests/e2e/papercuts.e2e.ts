import { test, expect } from './support/fixtures.ts';
import { openAnswers, routeScriptedModels, useAnsweringModel } from './support/answer-scripts.ts';

test('a run being answered shows as running in its own tab and, without a reload, in a tab opened before it started', async ({ page, context }) => {
	await routeScriptedModels(page, 300);
	await openAnswers(page);
	const second = await context.newPage();
	await routeScriptedModels(second);
	await second.goto('./answers/');
	await second.locator('main[data-ready="true"]').waitFor();

	await useAnsweringModel(page, 'answerer-good');
	await page.getByTestId('answer-run-start').click();
	await expect.poll(() => page.getByTestId('answer-row').count()).toBeGreaterThanOrEqual(1);
	await expect(page.getByTestId('answer-run-status')).toHaveText('running');
	await expect(second.getByTestId('answer-run-status')).toHaveText('running in another tab');

	await expect(page.getByTestId('answers-notice')).toContainText('Answered 15 cases.', { timeout: 30_000 });
	await expect(page.getByTestId('answer-run-status')).toHaveText('complete');
	await expect(second.getByTestId('answer-run-status')).toHaveText('complete');
});
