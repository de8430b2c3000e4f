import { join } from 'node:path';
import type { Route } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { routeLlm, sseBody, useRoutedEngine } from './support/llm-endpoint.ts';

const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST, OPTIONS' };

/** Contexts by chunk: the puppy chunk is about a dog, the kitten chunk gets an empty (malformed) reply, the rest a generic line. */
function contexts(route: Route) {
	const prompt = JSON.stringify((route.request().postDataJSON() as { messages: unknown }).messages);
	const reply = prompt.includes('puppy barked') ? 'A note about a pet dog.' : prompt.includes('kitten purrs') ? '' : 'A short note.';
	return route.fulfill({
		status: 200,
		headers: { ...CORS, 'content-type': 'text/event-stream' },
		body: sseBody(reply ? [reply] : [], { prompt_tokens: 50, completion_tokens: 6 })
	});
}

test('an Evals matrix configuration with contextual chunks writes one context per chunk with the answering endpoint, flags the malformed one, and a second run writes none', async ({
	page
}) => {
	const bodies = await routeLlm(page, contexts);
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

	await page.getByTestId('config-row').first().getByLabel('Contextual chunks').check();
	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('report-column')).toHaveCount(1);
	await expect(page.getByTestId('report-contextual').first()).toContainText(
		'contexts by scripted-test-model (prompt v1): 15 written, 0 stored, 1 failed, 800 + 96 tokens'
	);
	expect(bodies).toHaveLength(16);
	expect(JSON.stringify(bodies[0]?.messages)).toContain('<chunk untrusted=\\"true\\">');

	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('report-column')).toHaveCount(2);
	await expect(page.getByTestId('report-contextual').nth(1)).toContainText('0 written, 15 stored, 1 failed, 50 + 6 tokens');
	expect(bodies).toHaveLength(17);
});
