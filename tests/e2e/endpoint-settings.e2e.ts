import { test, expect } from './support/fixtures.ts';
import { routeLlm, streamed, useRoutedEngine } from './support/llm-endpoint.ts';

test('the endpoint idle timeout is a setting: an out-of-range value is refused with CONFIG_INVALID, a valid one is kept after a reload', async ({
	page
}) => {
	await routeLlm(page, streamed(['Fine [1].']));
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByTestId('ask-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await useRoutedEngine(page);
	const idle = page.getByLabel('Idle timeout (s)');
	await expect(idle).toHaveValue('300');
	await page.getByLabel('Question', { exact: true }).fill('SYNC_CONFLICT');

	await idle.fill('0');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await expect(page.getByTestId('answer-error')).toContainText('CONFIG_INVALID');
	await expect(page.getByTestId('answer-error')).toContainText('idleTimeoutMs');

	await idle.fill('42');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'stop');
	await page.reload();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await expect(page.getByLabel('Idle timeout (s)')).toHaveValue('42');
});
