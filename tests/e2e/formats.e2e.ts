import { test, expect } from './support/fixtures.ts';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flow, makeDocx, makePdf, makeZipBomb } from '../support/ingest-fixtures.ts';

/** A folder named `mixed` with one file of each supported format, a scanned PDF and two broken files. */
async function mixedFolder(): Promise<string> {
	const dir = join(mkdtempSync(join(tmpdir(), 'assay-e2e-mixed-')), 'mixed');
	mkdirSync(dir);
	const files: Record<string, string | Uint8Array> = {
		'report.pdf': await makePdf([flow(72, 700, ['Cover page.']), flow(72, 700, ['The turbine inspection found no cracks.'])]),
		'scan.pdf': await makePdf([[]]),
		'handbook.docx': await makeDocx([{ h1: 'Handbook' }, { p: 'Visitors park on level B2.' }]),
		'page.html':
			'<html><head><title>FAQ</title><script>window.leak = "scriptleak"</script></head><body><p>Bicycles go in the courtyard rack.</p></body></html>',
		'parts.csv': 'sku,name\nA-1,copper flange\nA-2,brass valve\n',
		'events.jsonl': '{"event":"glacier melt"}\n{"event":"avalanche warning"}\n',
		'util.py': 'def levenshtein(a, b):\n    return 0\n',
		'broken.json': '{"not": json',
		'bomb.docx': await makeZipBomb(300_000_000)
	};
	for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
	copyFileSync('tests/fixtures/cases/enc-01-legacy-encodings/input-shift_jis.txt', join(dir, 'notice-sjis.txt'));
	return dir;
}

async function search(page: import('@playwright/test').Page, query: string) {
	await page.getByLabel('Search query').fill(query);
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	return page.getByTestId('hit').first();
}

test('a folder with every format imports each file with its status, and each readable format answers a search', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByTestId('folder-input').setInputFiles(await mixedFolder());
	await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 180_000 });

	const statuses = page.getByTestId('import-status-counts');
	await expect(statuses.locator('[data-status="ready"]')).toHaveText('ready 7');
	await expect(statuses.locator('[data-status="needs-ocr"]')).toHaveText('needs-ocr 1');
	await expect(statuses.locator('[data-status="failed"]')).toHaveText('failed 2');
	const problems = page.getByTestId('import-problems');
	await expect(problems.locator('li', { hasText: 'bomb.docx' })).toContainText('FILE_ZIP_LIMIT');
	await expect(problems.locator('li', { hasText: 'broken.json' })).toContainText('FILE_PARSE');
	await expect(problems.locator('li', { hasText: 'scan.pdf' })).toContainText('needs OCR');

	const expectations: [string, string][] = [
		['turbine cracks', 'mixed/report.pdf'],
		['visitors B2', 'mixed/handbook.docx'],
		['bicycles courtyard', 'mixed/page.html'],
		['brass valve', 'mixed/parts.csv'],
		['avalanche', 'mixed/events.jsonl'],
		['levenshtein', 'mixed/util.py'],
		['検索インデックス', 'mixed/notice-sjis.txt']
	];
	for (const [query, document] of expectations) {
		await expect(await search(page, query)).toHaveAttribute('data-document', document);
	}
	await expect((await search(page, 'turbine cracks')).getByTestId('hit-page')).toHaveText('page 2');
	await expect(page.getByTestId('document-list').locator('tr', { hasText: 'notice-sjis.txt' })).toContainText('encoding shift_jis');
	await search(page, 'scriptleak');
	await expect(page.getByTestId('hit')).toHaveCount(0);
});

test('the import report can be exported as JSON with counts per status and per-file reasons', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-report-'));
	writeFileSync(join(dir, 'ok.md'), '# Fine\n\nAll good.');
	writeFileSync(join(dir, 'bad.json'), '{');
	await page.getByTestId('file-input').setInputFiles([join(dir, 'ok.md'), join(dir, 'bad.json')]);
	await expect(page.getByTestId('import-done')).toBeVisible();
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Export report (JSON)' }).click();
	const file = await download;
	expect(file.suggestedFilename()).toMatch(/^assay-import-.*\.json$/);
	const report = JSON.parse(await (await file.createReadStream()).toArray().then((parts) => Buffer.concat(parts).toString('utf8')));
	expect(report.statusCounts).toMatchObject({ ready: 1, failed: 1 });
	expect(report.files.find((f: { relativePath: string }) => f.relativePath === 'bad.json').error.code).toBe('FILE_PARSE');
});

test('an import interrupted by a reload resumes on reopening without picking again and without duplicates', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-resume-'));
	const paths: string[] = [];
	const paragraph = 'The harbour crane lifts containers onto the quay while gulls circle overhead. ';
	for (let i = 0; i < 60; i++) {
		const path = join(dir, `log-${String(i).padStart(2, '0')}.txt`);
		writeFileSync(path, `Entry ${i} uniqueword${i}\n\n${paragraph.repeat(1500)}`);
		paths.push(path);
	}
	await page.getByTestId('file-input').setInputFiles(paths);
	// Reload once some files are done but not all: the tab "closes" mid-import.
	await expect(page.getByTestId('import-count')).toHaveText(/^([1-9]|[1-4][0-9]) \/ 60 files$/, { timeout: 180_000 });
	await page.reload();

	await expect(page.getByTestId('import-resumed')).toBeVisible();
	await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 180_000 });
	await expect(page.getByTestId('index-status')).toContainText('60 documents');
	await expect(page.getByTestId('document-list').locator('tbody tr')).toHaveCount(60);
	await expect(await search(page, 'uniqueword7')).toHaveAttribute('data-document', 'log-07.txt');
	await expect(page.getByTestId('hit')).toHaveCount(1);
});

test('a file that parses past its time budget fails alone and the files after it still import', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page.getByText('Workspace settings').click();
	await page.getByLabel('Parse time budget per file (ms)').fill('100');
	await page.getByRole('button', { name: 'Save settings' }).click();
	await expect(page.getByTestId('action-error')).toHaveCount(0);
	const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-timeout-'));
	// ~12 MB of CSV: parsing it takes far longer than 100 ms, so its parser worker is terminated.
	const rows = Array.from({ length: 200_000 }, (_, i) => `${i},"quoted, field ${i}",${'x'.repeat(40)}`).join('\n');
	writeFileSync(join(dir, 'a-huge.csv'), `id,name,pad\n${rows}\n`);
	writeFileSync(join(dir, 'b-small.md'), '# After\n\nThe ferry timetable changes in spring.');
	await page.getByTestId('file-input').setInputFiles([join(dir, 'a-huge.csv'), join(dir, 'b-small.md')]);
	await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 180_000 });
	await expect(page.getByTestId('import-problems').locator('li', { hasText: 'a-huge.csv' })).toContainText('FILE_PARSE_TIMEOUT');
	await expect(await search(page, 'ferry timetable')).toHaveAttribute('data-document', 'b-small.md');
});

test('a document whose encoding was uncertain asks the user, and re-decodes with the chosen encoding', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-enc-'));
	copyFileSync('tests/fixtures/cases/enc-01-legacy-encodings/input-windows-1252.txt', join(dir, 'menu.txt'));
	await page.getByTestId('file-input').setInputFiles([join(dir, 'menu.txt')]);
	await expect(page.getByTestId('import-done')).toBeVisible();
	const row = page.getByTestId('document-list').locator('tr', { hasText: 'menu.txt' });
	await expect(row.locator('.pill')).toHaveText('ready-with-warnings');
	await expect(row.locator('[data-warning="encoding-uncertain"]')).toContainText('windows-1252');

	await row.getByLabel('Encoding of menu.txt').selectOption('windows-1252');
	await expect(row.locator('.pill')).toHaveText('ready');
	await expect(row).toContainText('encoding windows-1252');
	await expect(await search(page, 'café résumé')).toHaveAttribute('data-document', 'menu.txt');
});
