import { test, expect } from './support/fixtures.ts';
import { routeLlm, streamed, useRoutedEngine } from './support/llm-endpoint.ts';

// At the default chunk size (800) each section is one chunk: 0 [0,36) Guide; 1 [38,127) Guide › Install; 2 [129,168) Guide › Usage.
const GUIDE =
	'# Guide\n\nIntro line about the guide.\n\n## Install\n\nRun the installer first. Then restart the machine.\n\nCheck the log afterwards.\n\n## Usage\n\nOpen the app and pick a file.';

test('with neighbour expansion saved for the workspace, search explains the returned span and Ask sends it as the source', async ({
	page
}) => {
	const bodies = await routeLlm(page, streamed(['Restart after installing [1].']));
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByTestId('file-input').setInputFiles([{ name: 'guide.md', mimeType: 'text/markdown', buffer: Buffer.from(GUIDE) }]);
	await expect(page.getByTestId('index-status')).toContainText('1 document');

	await page.getByText(/^Models \(/).click();
	await page.getByTestId('expand-settings').getByLabel('Expand hits').selectOption('neighbours');
	await expect(page.getByLabel('Neighbour window (chunks)')).toHaveValue('1');
	await page.getByRole('button', { name: 'Save model settings' }).click();

	await page.getByLabel('Retrieval mode').selectOption('lexical');
	await page.getByLabel('Search query').fill('restart');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('hit')).toHaveCount(1);
	await page.getByTestId('hit').first().getByText('Why this rank?').click();
	await expect(page.getByTestId('hit-parent')).toHaveText(
		'Returned a window of neighbouring chunks: characters 0–168, chunks 1–3, 56 tokens (estimated).'
	);

	await page.getByTestId('ask-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await useRoutedEngine(page);
	await page.getByLabel('Question', { exact: true }).fill('restart');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'stop');
	const prompt = (bodies[0]!.messages as { role: string; content: string }[]).at(-1)!.content;
	expect(prompt).toContain('Intro line about the guide.');
	expect(prompt).toContain('Open the app and pick a file.');
});
