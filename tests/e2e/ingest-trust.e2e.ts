import { test, expect } from './support/fixtures.ts';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';

test('an extensionless text file is offered "Read as text", a binary one is not, and reading it makes it searchable', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-astext-'));
	writeFileSync(join(dir, 'CHANGELOG'), 'Version 2 adds the pelican importer.\n');
	writeFileSync(join(dir, 'blob.dat'), new Uint8Array([0, 1, 2, 0, 0xff, 0, 3, 0]));
	writeFileSync(join(dir, 'notes.md.gz'), gzipSync(new TextEncoder().encode('# Notes\n\nThe ferry leaves at dawn.\n')));
	await page.getByTestId('file-input').setInputFiles([join(dir, 'CHANGELOG'), join(dir, 'blob.dat'), join(dir, 'notes.md.gz')]);
	await expect(page.getByTestId('import-done')).toBeVisible();
	const list = page.getByTestId('document-list');
	await expect(list.locator('tr', { hasText: 'notes.md.gz' })).toHaveAttribute('data-status', 'ready');
	await expect(list.locator('tr', { hasText: 'blob.dat' })).toHaveAttribute('data-status', 'unsupported');
	await expect(list.getByRole('button', { name: 'Read blob.dat as text' })).toHaveCount(0);
	await list.getByRole('button', { name: 'Read CHANGELOG as text' }).click();
	await expect(list.locator('tr', { hasText: 'CHANGELOG' })).toHaveAttribute('data-status', 'ready');
	await page.getByLabel('Search query').fill('pelican');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('hit').first()).toHaveAttribute('data-document', 'CHANGELOG');
});

test('a page with hidden instructions (sec-02) is ready-with-warnings naming the hidden spans, and they are not searchable', async ({
	page
}) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	const path = join(mkdtempSync(join(tmpdir(), 'assay-e2e-hidden-')), 'policy.html');
	copyFileSync('tests/fixtures/cases/sec-02-prompt-injection/input.html', path);
	await page.getByTestId('file-input').setInputFiles([path]);
	await expect(page.getByTestId('import-done')).toBeVisible();
	const row = page.getByTestId('document-list').locator('tr', { hasText: 'policy.html' });
	await expect(row).toHaveAttribute('data-status', 'ready-with-warnings');
	await expect(row.locator('[data-warning="hidden-text-dropped"]')).toContainText('2 hidden text span(s) dropped');
	await page.getByLabel('Search query').fill('ORCHID-7731');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('hit')).toHaveCount(0);
});
