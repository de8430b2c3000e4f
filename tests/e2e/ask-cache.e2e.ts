import { test, expect } from './support/fixtures.ts';
import { openAskRouted, routeLlm, streamed } from './support/llm-endpoint.ts';

test('the exact answer cache serves a repeated question without a request, and Regenerate sends one more', async ({ page }) => {
	const bodies = await routeLlm(
		page,
		streamed(['Conflicts are ', 'reported as SYNC_CONFLICT ', '[1]', '.'], { prompt_tokens: 300, completion_tokens: 4 })
	);
	await openAskRouted(page);
	await page.getByLabel('Answer cache', { exact: true }).selectOption('exact');
	const ask = async () => {
		await page.getByLabel('Question', { exact: true }).fill('How are conflicts reported?');
		await page.getByRole('button', { name: 'Ask', exact: true }).click();
		await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'stop');
	};
	await ask();
	await expect(page.getByTestId('answer-cache-hit')).toHaveCount(0);
	await ask();
	await expect(page.getByTestId('answer-cache-hit')).toContainText('From cache (exact, cached');
	await expect(page.getByTestId('answer-text')).toContainText('Conflicts are reported as SYNC_CONFLICT [1].');
	expect(bodies).toHaveLength(1);
	await expect(page.getByTestId('answer-cache-stats')).toHaveText('Answer cache: hit rate 50 % (1 of 2 lookups), 304 tokens saved');
	await page.getByTestId('answer-trace').locator('summary').click();
	await expect(page.locator('tr[data-span="rag.answer"]')).toContainText('assay.cache.hit=true');

	await page.getByRole('button', { name: 'Regenerate' }).click();
	await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'stop');
	await expect(page.getByTestId('answer-cache-hit')).toHaveCount(0);
	expect(bodies).toHaveLength(2);
});
