import { readFileSync } from 'node:fs';
import { test, expect } from './support/fixtures.ts';
import { askRouted, routeLlm, streamed } from './support/llm-endpoint.ts';

async function openTraces(page: import('@playwright/test').Page) {
	await page.getByTestId('traces-link').first().click();
	await expect(page).toHaveURL(/\/traces\/$/);
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
}

test('an answer is a trace: its waterfall shows the prompt and the retrieved chunks, and it exports as OTLP/JSON', async ({ page }) => {
	await routeLlm(page, streamed(['Conflicts are ', 'reported as SYNC_CONFLICT ', '[1]', '.']));
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await askRouted(page, 'SYNC_CONFLICT');
	await openTraces(page);

	await page.getByTestId('trace-kind').selectOption('answer');
	const row = page.getByTestId('trace-row').filter({ hasText: 'rag.answer' }).first();
	await expect(row).toContainText('scripted-test-model');
	await row.getByTestId('trace-open').click();
	const waterfall = page.getByTestId('waterfall');
	await expect(waterfall.getByTestId('waterfall-row')).toHaveCount(2);
	// The root span carries the retrieved chunks with their scores; the chat span the rendered prompt.
	await expect(waterfall.getByTestId('span-chunks')).toContainText('SYNC_CONFLICT');
	await expect(waterfall.getByTestId('span-chunks')).toContainText('score');
	await waterfall.getByTestId('waterfall-row').filter({ hasText: 'chat scripted-test-model' }).click();
	await expect(waterfall.getByTestId('span-prompt')).toContainText('<source id="1"');
	await expect(waterfall.getByTestId('span-output')).toContainText('Conflicts are reported as SYNC_CONFLICT [1].');

	const download = page.waitForEvent('download');
	await page.getByTestId('otlp-export').click();
	const file = await (await download).path();
	const otlp = JSON.parse(readFileSync(file, 'utf8')) as { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] };
	const names = otlp.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name)));
	expect(names).toEqual(expect.arrayContaining(['rag.answer', 'chat scripted-test-model']));
});

test('an OTLP/JSON file from a Python RAG app is imported, listed as imported and shown as a waterfall', async ({ page }) => {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await openTraces(page);
	await page.getByTestId('otlp-file').setInputFiles('tests/fixtures/otlp/python-rag-app.json');
	await expect(page.getByTestId('traces-notice')).toContainText('Imported 1 trace');
	await page.getByTestId('trace-kind').selectOption('imported');
	const row = page.getByTestId('trace-row').first();
	await expect(row).toHaveAttribute('data-kind', 'imported');
	await expect(row).toContainText('POST /ask');
	await row.getByTestId('trace-open').click();
	const waterfall = page.getByTestId('waterfall');
	await expect(waterfall.getByTestId('waterfall-row')).toHaveCount(4);
	await waterfall.getByTestId('waterfall-row').filter({ hasText: 'ChatOpenAI' }).click();
	await expect(waterfall.getByTestId('span-detail')).toContainText('gen_ai');
	// The imported answer is scored with the default checks.
	await page.getByTestId('trace-score-run').click();
	await expect(page.getByTestId('trace-check')).toHaveCount(4);
	await expect(page.getByTestId('trace-check').filter({ hasText: 'citations-valid' })).toHaveAttribute('data-pass', 'true');
});

test('a 👎 with a note filters the Traces list: 👎 lists only that answer, 👍 shows the empty state', async ({ page }) => {
	await routeLlm(page, streamed(['Conflicts are reported as ', 'SYNC_OK [1].']));
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await askRouted(page, 'SYNC_CONFLICT');
	await page.getByRole('button', { name: 'Bad answer' }).click();
	await page.getByLabel('Feedback note').fill('The code is SYNC_CONFLICT');
	await page.getByRole('button', { name: 'Save feedback' }).click();
	await expect(page.getByTestId('feedback-saved')).toContainText('👎');
	await openTraces(page);

	const rows = page.getByTestId('trace-row');
	// Unfiltered, the demo's import and the answer (at least) are listed.
	await expect(rows.nth(1)).toBeVisible();
	await page.getByLabel('Feedback', { exact: true }).selectOption({ label: '👎 Bad' });
	await expect(rows).toHaveCount(1);
	await expect(rows.first()).toHaveAttribute('data-feedback', 'bad');
	await expect(rows.first()).toContainText('rag.answer');
	await expect(rows.first().getByTestId('trace-feedback-cell')).toHaveText('👎Bad answer');
	await page.getByLabel('Feedback', { exact: true }).selectOption({ label: '👍 Good' });
	await expect(rows).toHaveCount(0);
	await expect(page.getByTestId('no-matching-traces')).toContainText('No traces match these filters');
});

test('a search is a trace with its chunks and scores; with content capture off it keeps ids and scores only', async ({ page }) => {
	// Each search is a fresh page load (the worker hears the stored choice when the workspace opens),
	// and the Traces page is opened once per load, in the same tab, so the worker's buffered spans are kept.
	const search = async () => {
		await page.goto('./');
		await expect(page.getByTestId('index-status')).toContainText('7 documents');
		await page.getByLabel('Search query').fill('SYNC_CONFLICT');
		await page.getByRole('button', { name: 'Search', exact: true }).click();
		await expect(page.getByTestId('hit').first()).toBeVisible();
	};
	const openNewestSearch = async (searches: number) => {
		await openTraces(page);
		await page.getByTestId('trace-kind').selectOption('search');
		await expect(page.getByTestId('trace-row')).toHaveCount(searches);
		await page.getByTestId('trace-row').first().getByTestId('trace-open').click();
		return page.getByTestId('waterfall').getByTestId('span-detail');
	};
	await search();
	let detail = await openNewestSearch(1);
	await expect(detail).toContainText('Query: SYNC_CONFLICT');
	const chunks = detail.getByTestId('span-chunk');
	await expect(chunks.first()).toContainText('SYNC_CONFLICT');
	await expect(chunks.first().getByTestId('span-chunk-scores')).toContainText(/bm25 \d+\.\d{4}/);
	const shown = await chunks.count();

	await page.getByTestId('capture-content').uncheck();
	await search();
	detail = await openNewestSearch(2);
	await expect(detail.getByTestId('span-chunk')).toHaveCount(shown);
	await expect(detail.getByTestId('span-chunk').first().getByTestId('span-chunk-scores')).toContainText('bm25');
	await expect(detail.getByTestId('span-chunks').locator('pre')).toHaveCount(0);
	await expect(detail).not.toContainText('Query:');
	await expect(detail).toContainText('assay.content.captured');
});
