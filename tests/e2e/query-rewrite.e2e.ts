import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';
import { routeLlm, streamed, useRoutedEngine } from './support/llm-endpoint.ts';

function topicFiles(): string[] {
	const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-rewrite-'));
	const files: Record<string, string> = {
		'pets.txt': 'the puppy barked at the kennel and wagged its tail',
		'cooking.txt': 'bake the bread in a hot oven with flour butter and salt',
		'deploy.txt': 'deploy failed with error code ZX4471 on the server'
	};
	return Object.entries(files).map(([name, body]) => {
		writeFileSync(join(dir, name), body);
		return join(dir, name);
	});
}

test('keyword expansion with the answering endpoint finds a document the typed query misses, shows the rewritten BM25 query, and sends the query as delimited data', async ({
	page
}) => {
	const bodies = await routeLlm(page, streamed(['{"keywords": ', '["puppy", "kennel"]}'], { prompt_tokens: 60, completion_tokens: 9 }));
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByTestId('file-input').setInputFiles(topicFiles());
	await expect(page.getByTestId('index-status')).toContainText('3 documents');
	await page.getByTestId('ask-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await useRoutedEngine(page);
	await page.getByTestId('library-link').click();
	await expect(page.getByTestId('index-status')).toContainText('3 documents');

	await page.getByLabel('Search query').fill('dog');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('no-results')).toBeVisible();

	await page.getByLabel('Query rewriting').selectOption('expand');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('rewrite-variant')).toContainText('dog puppy kennel');
	await expect(page.getByTestId('hit').first()).toHaveAttribute('data-document', 'pets.txt');
	await page.getByTestId('explain').first().locator('summary').click();
	await expect(page.getByTestId('found-by').first()).toContainText('original:lexical');
	const prompt = JSON.stringify(bodies[0]?.messages);
	expect(prompt).toContain('<query untrusted=\\"true\\">\\ndog\\n</query>');
});

test('an Evals matrix configuration with keyword expansion records the rewrite calls and tokens in its report, and a second run is answered from the response cache', async ({
	page
}) => {
	const bodies = await routeLlm(page, streamed(['{"keywords": ["puppy"]}'], { prompt_tokens: 60, completion_tokens: 9 }));
	await page.goto('./evals/');
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await page.getByTestId('beir-analyzer').selectOption('english');
	await page.getByTestId('beir-folder-input').setInputFiles(join(import.meta.dirname, '..', 'fixtures', 'datasets', 'topics'));
	await expect(page.getByTestId('eval-notice')).toContainText('Imported 16 documents and 13 golden cases');
	await page.getByTestId('ask-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await useRoutedEngine(page);
	await page.getByTestId('evals-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');

	await page.getByTestId('config-row').first().getByLabel('Query rewriting').selectOption('expand');
	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('report-column')).toHaveCount(1);
	await expect(page.getByTestId('report-rewrite').first()).toContainText(
		'rewrite expand ×3 by scripted-test-model: 13 calls, 780 + 117 tokens, no price for model scripted-test-model'
	);
	expect(bodies).toHaveLength(13);

	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('report-column')).toHaveCount(2);
	await expect(page.getByTestId('report-rewrite').nth(1)).toContainText('0 calls, 0 + 0 tokens');
	expect(bodies).toHaveLength(13);
});
