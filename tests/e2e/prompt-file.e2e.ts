import { readFile } from 'node:fs/promises';
import { test, expect } from './support/fixtures.ts';
import { routeLlm, streamed, useRoutedEngine } from './support/llm-endpoint.ts';

async function openAskWithEditor(page: import('@playwright/test').Page) {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByTestId('ask-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	const editor = page.getByTestId('prompt-editor');
	await editor.locator('summary').click();
	return editor;
}

// The default spec is version 2, so the first saved edit is v3 and the first import after it v4.
test('a system prompt exported as a file, edited outside the app and imported back becomes the next version the answers use', async ({
	page
}) => {
	const bodies = await routeLlm(page, streamed(['Done [1].']));
	const editor = await openAskWithEditor(page);
	await useRoutedEngine(page);
	const rules = editor.getByLabel('Rules (one per line)');
	await rules.fill(`${await rules.inputValue()}\nAnswer in one sentence.`);
	await editor.getByRole('button', { name: 'Save as new version' }).click();
	await expect(editor.locator('summary')).toContainText('System prompt v3 (2 versions)');

	const download = page.waitForEvent('download');
	await editor.getByTestId('prompt-export').click();
	const file = await download;
	expect(file.suggestedFilename()).toBe('system-prompt-v3.json');
	const exported = JSON.parse(await readFile(await file.path(), 'utf8')) as { schema: string; version: number; rules: string[] };
	expect(exported.schema).toBe('assay.system-prompt.v1');
	expect(exported.version).toBe(3);
	expect(exported.rules.at(-1)).toBe('Answer in one sentence.');

	// The reviewed change, as a colleague would make it in the repository.
	const edited = { ...exported, version: 4, rules: [...exported.rules, 'Name the error code first.'] };
	await editor
		.getByTestId('prompt-import')
		.setInputFiles({ name: 'support-prompt.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(edited, null, 2)) });
	await expect(editor.getByTestId('prompt-notice')).toHaveText('Imported support-prompt.json (file version 4) as v4.');
	await expect(editor.locator('summary')).toContainText('System prompt v4 (3 versions)');
	await expect(rules).toHaveValue(/Name the error code first\.$/);
	await expect(page.getByTestId('prompt-diff').locator('.add')).toHaveText(['+ 6. Name the error code first.']);

	await page.getByLabel('Question', { exact: true }).fill('SYNC_CONFLICT');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'stop');
	const system = (bodies[0]!.messages as { role: string; content: string }[])[0]!;
	expect(system.content).toContain('6. Name the error code first.');
});

test('a bad prompt file is refused with the path of the bad field and changes nothing', async ({ page }) => {
	const editor = await openAskWithEditor(page);
	const bad = {
		schema: 'assay.system-prompt.v1',
		version: 3,
		role: 'R',
		inputFormat: 'I',
		outputFormat: 'O',
		rules: ['ok', 7],
		edgeCases: []
	};
	await editor
		.getByTestId('prompt-import')
		.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
	await expect(editor.getByTestId('prompt-error')).toContainText('bad.json');
	await expect(editor.getByTestId('prompt-error')).toContainText('rules[1]: Invalid input: expected string, received number');
	await expect(editor.locator('summary')).toContainText('System prompt v2 (1 version)');
	await expect(editor.getByTestId('prompt-notice')).toHaveCount(0);
});
