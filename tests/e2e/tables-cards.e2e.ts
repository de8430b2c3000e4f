import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';

const HOSTILE = [
	'# Pelican handbook',
	'',
	'The **pelican** rule is **bold** and *plain*.',
	'',
	'| bird | wingspan |',
	'| --- | --- |',
	'| pelican | 3 m |',
	'',
	'<script>window.__xss_script=1</script>',
	'',
	'<img src="x" onerror="window.__xss_img=1"> pelican picture',
	'',
	'[Pelican portal](javascript:window.__xss_link=1)'
].join('\n');

test('a search card renders the chunk Markdown (bold, table) with query terms marked, and runs no script from the document', async ({
	page
}) => {
	const fetched: string[] = [];
	page.on('request', (r) => {
		if (r.resourceType() === 'image' || new URL(r.url()).pathname.endsWith('/x')) fetched.push(r.url());
	});
	page.on('dialog', (d) => void d.dismiss());
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await expect(page.getByTestId('no-documents')).toContainText('No documents yet');
	await expect(page.getByTestId('not-searched')).toBeVisible();
	// The empty library's action opens the file picker.
	const chooser = page.waitForEvent('filechooser');
	await page.getByTestId('no-documents').getByRole('button', { name: 'Add files' }).click();
	await (await chooser).setFiles({ name: 'pelican.md', mimeType: 'text/markdown', buffer: Buffer.from(HOSTILE) });
	await expect(page.getByTestId('import-done')).toBeVisible();
	await expect(page.getByTestId('no-documents')).toHaveCount(0);

	await page.getByLabel('Search query').fill('pelican');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	const card = page.getByTestId('hit').first().getByTestId('hit-text');
	await expect(card.locator('strong', { hasText: 'bold' })).toBeVisible();
	await expect(card.locator('table th', { hasText: 'wingspan' })).toBeVisible();
	await expect(card.locator('table td mark', { hasText: 'pelican' })).toBeVisible();
	await expect(card.locator('strong mark', { hasText: 'pelican' })).toBeVisible();
	// Raw HTML is shown as text, never parsed; the javascript: link keeps its text, not its URL.
	await expect(card).toContainText('<script>window.__xss_script=1</script>');
	await expect(card).toContainText('<img src="x" onerror="window.__xss_img=1">');
	await expect(card.locator('script, img, [onerror]')).toHaveCount(0);
	await expect(page.locator('a[href^="javascript" i]')).toHaveCount(0);
	await card.getByText('Pelican portal').click();

	const flags = await page.evaluate(() => Object.keys(window).filter((k) => k.startsWith('__xss')));
	expect(flags).toEqual([]);
	expect(fetched).toEqual([]);

	await page.getByLabel('Search query').fill('zebra');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('no-results')).toContainText('No results');
});

test('the document list sorts by a header (click or Enter, aria-sort set), filters, and shortens long paths in the middle', async ({
	page
}) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	const root = mkdtempSync(join(tmpdir(), 'assay-e2e-tables-'));
	const deep = join(root, 'handbook', 'departments', 'engineering', 'platform', 'runbooks');
	mkdirSync(deep, { recursive: true });
	writeFileSync(join(deep, 'incident-response-checklist.md'), '# Incidents\n\n' + 'Page the on-call engineer. '.repeat(40));
	writeFileSync(join(root, 'handbook', 'a.md'), '# A\n\nShort.');
	writeFileSync(join(root, 'handbook', 'b.md'), '# B\n\n' + 'Medium text here. '.repeat(10));
	await page.getByTestId('folder-input').setInputFiles(join(root, 'handbook'));
	await expect(page.getByTestId('import-done')).toBeVisible();
	const list = page.getByTestId('document-list');
	await expect(list.locator('tbody tr')).toHaveCount(3);

	const names = () => list.locator('tbody tr td:first-child').evaluateAll((tds) => tds.map((td) => td.textContent ?? ''));
	const size = list.locator('thead th', { hasText: 'Size' });
	await expect(size).toHaveAttribute('aria-sort', 'none');
	await size.getByRole('button').click();
	await expect(size).toHaveAttribute('aria-sort', 'ascending');
	expect((await names())[0]).toContain('a.md');
	await size.getByRole('button').press('Enter');
	await expect(size).toHaveAttribute('aria-sort', 'descending');
	expect((await names())[0]).toContain('incident-response-checklist.md');

	// The long path shows its start and file name around an ellipsis; the full path is its title and its accessible name.
	const long = list.getByRole('button', {
		name: 'handbook/departments/engineering/platform/runbooks/incident-response-checklist.md',
		exact: true
	});
	await expect(long).toBeVisible();
	await expect(long.locator('[title]')).toHaveAttribute(
		'title',
		'handbook/departments/engineering/platform/runbooks/incident-response-checklist.md'
	);
	await expect(long.locator('[aria-hidden="true"]')).toHaveText(/^handbook\/.*…\/incident-response-checklist\.md$/);

	await page.getByLabel('Filter documents by path').fill('runbooks');
	await expect(list.locator('tbody tr')).toHaveCount(1);
	await page.getByLabel('Filter documents by path').fill('');
	await expect(list.locator('tbody tr')).toHaveCount(3);
});
