import { test, expect } from './support/fixtures.ts';
import { routeLlm, streamed, useRoutedEngine } from './support/llm-endpoint.ts';

async function openStructured(page: import('@playwright/test').Page) {
	await page.goto('./ask/');
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await useRoutedEngine(page);
	await page.getByLabel('Structured output (JSON Schema)').check();
	await page.getByLabel('Question', { exact: true }).fill('The app crashes every time I save a file. Please fix ASAP.');
}

test('structured output returns a ticket validated against the JSON Schema, sent for constrained decoding', async ({ page }) => {
	const bodies = await routeLlm(page, streamed(['{"category":"bug",', '"urgency":5,', '"summary":"Crash on save"}']));
	await openStructured(page);
	await page.getByRole('button', { name: 'Extract' }).click();
	await expect(page.getByTestId('structured-valid')).toBeVisible();
	expect(JSON.parse(await page.getByTestId('structured-value').innerText())).toEqual({
		category: 'bug',
		urgency: 5,
		summary: 'Crash on save'
	});
	expect(bodies[0]!.response_format).toMatchObject({
		type: 'json_schema',
		json_schema: { schema: { required: ['category', 'urgency', 'summary'] } }
	});
});

test('structured output that fails the schema becomes a typed error naming the field', async ({ page }) => {
	await routeLlm(page, streamed(['{"category":"bug","urgency":9,"summary":"x"}']));
	await openStructured(page);
	await page.getByRole('button', { name: 'Extract' }).click();
	await expect(page.getByTestId('structured-error')).toContainText('LLM_OUTPUT_INVALID');
	await expect(page.getByTestId('structured-error')).toContainText('/urgency: 9 is greater than 5.');
});

test('structured output cut by the token limit becomes a typed truncation error', async ({ page }) => {
	await routeLlm(page, streamed(['{"category":"bug","urg'], undefined, 'length'));
	await openStructured(page);
	await page.getByRole('button', { name: 'Extract' }).click();
	await expect(page.getByTestId('structured-error')).toContainText('LLM_OUTPUT_TRUNCATED');
	await expect(page.getByRole('button', { name: 'Extract' })).toBeEnabled();
});
