import { test, expect } from './support/fixtures.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

function folderWith(files: Record<string, string>): string[] {
	const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-tabs-'));
	return Object.entries(files).map(([name, body]) => {
		const path = join(dir, name);
		writeFileSync(path, body);
		return path;
	});
}

/** Search in `page` and wait until the hits are exactly `expected` (relative paths, any order). */
async function expectFound(page: Page, query: string, expected: string[]): Promise<void> {
	await page.getByLabel('Search query').fill(query);
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect
		.poll(async () => (await page.getByTestId('hit').evaluateAll((hits) => hits.map((h) => h.getAttribute('data-document') ?? ''))).sort())
		.toEqual(expected);
}

test('two tabs importing into one workspace at once each find the documents of both', async ({ context }) => {
	const first = await context.newPage();
	await first.goto('./?demo=0');
	await expect(first.getByTestId('index-status')).toContainText('lexical ready');
	const second = await context.newPage();
	await second.goto('./?demo=0');
	await expect(second.getByTestId('index-status')).toContainText('lexical ready');

	const mine = Object.fromEntries(
		['apple', 'apricot', 'avocado', 'almond', 'anise', 'artichoke'].map((w) => [`one-${w}.txt`, `tab one imported the shared topic ${w}`])
	);
	const theirs = Object.fromEntries(
		['banana', 'blueberry', 'basil', 'beet', 'broccoli', 'barley'].map((w) => [`two-${w}.txt`, `tab two imported the shared topic ${w}`])
	);
	await Promise.all([
		first.getByTestId('file-input').setInputFiles(folderWith(mine)),
		second.getByTestId('file-input').setInputFiles(folderWith(theirs))
	]);
	await expect(first.getByTestId('import-done')).toBeVisible();
	await expect(second.getByTestId('import-done')).toBeVisible();

	// Each tab finds the other tab's documents as well as its own.
	await expectFound(first, 'banana apple', ['one-apple.txt', 'two-banana.txt']);
	await expectFound(first, 'barley broccoli', ['two-barley.txt', 'two-broccoli.txt']);
	await expectFound(second, 'apple banana', ['one-apple.txt', 'two-banana.txt']);
	await expectFound(second, 'almond artichoke', ['one-almond.txt', 'one-artichoke.txt']);
	// The library list of each tab shows the other tab's documents too (announced over BroadcastChannel).
	await expect(first.getByTestId('index-status')).toContainText('12 documents');
	await expect(second.getByTestId('index-status')).toContainText('12 documents');
});
