import { test, expect } from './support/fixtures.ts';
import { answerAll, openAnswers, routeScriptedModels, useAnsweringModel, useJudge } from './support/answer-scripts.ts';

test('a run another tab is answering shows as running there and cannot be resumed here, so no case is answered twice', async ({
	page,
	context
}) => {
	const bodies = await routeScriptedModels(page, 300);
	await openAnswers(page);
	await useAnsweringModel(page, 'answerer-good');
	await page.getByTestId('answer-run-start').click();
	await expect.poll(() => page.getByTestId('answer-row').count()).toBeGreaterThanOrEqual(1);

	const second = await context.newPage();
	await routeScriptedModels(second);
	await second.goto('./answers/');
	await second.locator('main[data-ready="true"]').waitFor();
	await expect(second.getByTestId('answer-run-status')).toHaveText('running in another tab');
	await expect(second.getByTestId('answer-run-resume')).toBeDisabled();

	await expect(page.getByTestId('answers-notice')).toContainText('Answered 15 cases.', { timeout: 180_000 });
	expect(bodies).toHaveLength(15);
	await second.reload();
	await second.locator('main[data-ready="true"]').waitFor();
	await expect(second.getByTestId('answer-run-status')).toHaveText('complete');
});

test('while grading runs, other runs cannot be opened, so verdicts and labels never land on the wrong run', async ({ page }) => {
	await routeScriptedModels(page);
	await openAnswers(page);
	await answerAll(page, 'answerer-good', 'first');
	await answerAll(page, 'answerer-bad', 'second');
	await page.unroute('http://127.0.0.1:9/v1/chat/completions');
	await routeScriptedModels(page, 200);
	await useJudge(page);
	await page.getByTestId('grade-run').click();
	await expect(page.getByTestId('answer-progress')).toHaveAttribute('data-kind', 'grading');
	const first = page.getByTestId('answer-run').filter({ hasText: 'first' });
	await expect(first.getByRole('button', { name: 'Open' })).toBeDisabled();
	await expect(first.getByRole('button', { name: 'Delete' })).toBeDisabled();
	await page.getByTestId('answer-cancel').click();
	await expect(page.getByTestId('answers-notice')).toContainText('Grading stopped after');
	await expect(page.getByTestId('ungraded')).toBeVisible();
	await first.getByRole('button', { name: 'Open' }).click();
	await expect(page.locator('[data-testid="answer-row"] [data-testid="answer-row-text"]').first()).toContainText('see the handbook');
	await expect(page.locator('[data-testid="answer-row-text"]', { hasText: 'WRONG' })).toHaveCount(0);
});

test('the review queue ignores browser shortcuts and starts each run at its first unlabelled answer', async ({ page }) => {
	await routeScriptedModels(page);
	await openAnswers(page);
	await answerAll(page, 'answerer-good', 'first');
	await page.getByTestId('review-queue').focus();
	for (const key of ['Control+f', 'Control+p', 'Alt+p', 'Meta+f']) await page.keyboard.press(key);
	await expect(page.getByTestId('review-item')).toHaveAttribute('data-case', 'en-01');
	await expect(page.getByTestId('answer-human')).toHaveText(Array(15).fill('—'));
	await page.getByTestId('review-queue').focus();
	await page.keyboard.press('p');
	await page.keyboard.press('p');
	await expect(page.getByTestId('review-item')).toHaveAttribute('data-case', 'en-03');
	await answerAll(page, 'answerer-good', 'second');
	await expect(page.getByTestId('review-item')).toHaveAttribute('data-case', 'en-01');
});

test('an emptied number field stops a run before any model call, with an error naming the field', async ({ page }) => {
	const bodies = await routeScriptedModels(page);
	await openAnswers(page);
	await useAnsweringModel(page, 'answerer-good');
	await page.getByLabel('Top-k chunks').fill('');
	await page.getByTestId('answer-run-start').click();
	await expect(page.getByTestId('answers-error')).toContainText('topK: top-k must be a number');
	await expect(page.getByTestId('answer-run')).toHaveCount(0);
	expect(bodies).toHaveLength(0);
});
