import { test, expect } from './support/fixtures.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function folderWith(files: Record<string, string | Uint8Array>): string[] {
	const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-files-'));
	return Object.entries(files).map(([name, body]) => {
		const path = join(dir, name);
		writeFileSync(path, body);
		return path;
	});
}

test('a first visit opens the demo workspace in three languages and a Korean query finds the Korean handbook', async ({ page }) => {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByLabel('Search query').fill('연차휴가');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('hit').first()).toHaveAttribute('data-document', 'ko/취업규칙.md');
	await expect(page.getByTestId('hit').first().locator('mark').first()).toBeVisible();
});

test('a search result opens inside its document at the chunk’s offsets', async ({ page }) => {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByLabel('Search query').fill('SYNC_CONFLICT');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	const first = page.getByTestId('hit').first();
	// The card renders the chunk as Markdown, the viewer shows the raw text: the same words, in order, either way.
	const words = (text: string | null) => (text ?? '').match(/[\p{L}\p{N}_]+/gu) ?? [];
	const chunkWords = words(await first.getByTestId('hit-text').textContent());
	expect(chunkWords.length).toBeGreaterThan(3);
	await first.getByRole('button').first().click();
	const viewer = page.getByTestId('document-viewer');
	await expect(viewer).toBeVisible();
	await expect.poll(async () => words(await viewer.getByTestId('focused-chunk').textContent())).toEqual(chunkWords);
	await expect(viewer.getByTestId('focused-chunk')).toBeInViewport();
});

test('bad files each get a status and reason while the good files are indexed', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByText('Workspace settings').click();
	await page.getByLabel('Size limit per file (bytes)').fill('2000');
	await page.getByRole('button', { name: 'Save settings' }).click();
	await expect(page.getByTestId('action-error')).toHaveCount(0);

	const files = folderWith({
		'good.md': '# Kites\n\nThe red kite soars over the valley.',
		'empty.txt': '',
		'huge.txt': 'word '.repeat(1000),
		'photo.txt': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
		'latin1.txt': new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x61, 0x75, 0x20, 0x6c, 0x61, 0x69, 0x74])
	});
	await page.getByTestId('file-input').setInputFiles(files);
	await expect(page.getByTestId('import-done')).toBeVisible();
	const problems = page.getByTestId('import-problems');
	await expect(problems.locator('li')).toHaveCount(3);
	await expect(problems.locator('li', { hasText: 'empty.txt' })).toContainText('FILE_EMPTY');
	await expect(problems.locator('li', { hasText: 'huge.txt' })).toContainText('FILE_TOO_LARGE');
	await expect(problems.locator('li', { hasText: 'photo.txt' })).toContainText('FILE_BINARY');
	// Not UTF-8: decoded with the detected legacy encoding, which is recorded on the document.
	await expect(page.getByTestId('document-list').locator('tr', { hasText: 'latin1.txt' })).toContainText('encoding windows-1252');

	await page.getByLabel('Search query').fill('kite valley');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('hit')).toHaveCount(1);
	await expect(page.getByTestId('hit').first()).toHaveAttribute('data-document', 'good.md');
});

test('importing the same content twice is reported as a duplicate and stored once', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	const [a] = folderWith({ 'a.txt': 'The puppy barked at night.' });
	const [b] = folderWith({ 'b.txt': 'The puppy barked at night.' });
	await page.getByTestId('file-input').setInputFiles([a!, b!]);
	await expect(page.getByTestId('import-done')).toBeVisible();
	await expect(page.getByTestId('import-problems').locator('li', { hasText: 'b.txt' })).toContainText('same content as a.txt');
	await expect(page.getByTestId('document-list').locator('tbody tr')).toHaveCount(1);
});

test('removing a document removes its chunks from search results', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByTestId('file-input').setInputFiles(folderWith({ 'kites.md': '# Kites\n\nThe red kite soars.' }));
	await expect(page.getByTestId('import-done')).toBeVisible();
	await page.getByRole('button', { name: 'Remove kites.md' }).click();
	await expect(page.getByTestId('document-list').locator('tbody tr')).toHaveCount(0);
	await page.getByLabel('Search query').fill('kite');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('no-results')).toBeVisible();
});
