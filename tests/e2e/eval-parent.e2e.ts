import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';

const root = join(import.meta.dirname, '..', '..');
const parent = join(root, 'tests', 'fixtures', 'datasets', 'parent');

/** What `assay run --expand parent-section` returns on the parent fixture (chunks ≤ 40 code units, no overlap): spans per query. */
function cliSpans(): Record<string, { doc: string; startOffset: number; endOffset: number; tokens: number; kind: string }[]> {
	const cli = spawnSync(
		process.execPath,
		[
			join(root, 'bin', 'assay.js'),
			'run',
			'--dataset',
			parent,
			'--mode',
			'lexical',
			'--top-k',
			'10',
			'--chunk-size',
			'40',
			'--chunk-overlap',
			'0',
			'--expand',
			'parent-section',
			'--out',
			join(mkdtempSync(join(tmpdir(), 'assay-e2e-parent-')), 'parent.run'),
			'--spans-out',
			'-'
		],
		{ encoding: 'utf8' }
	);
	expect(cli.status, cli.stderr).toBe(0);
	const queries = (
		JSON.parse(cli.stdout) as {
			queries: Record<string, { doc: string; startOffset: number; endOffset: number; tokens: number; kind: string }[]>;
		}
	).queries;
	return Object.fromEntries(
		Object.entries(queries).map(([q, spans]) => [
			q,
			spans.map(({ doc, startOffset, endOffset, tokens, kind }) => ({ doc, startOffset, endOffset, tokens, kind }))
		])
	);
}

test('parent-section retrieval from the experiment matrix returns the parent spans, the same as assay run --expand', async ({ page }) => {
	await page.goto('./evals/');
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await page.getByTestId('beir-analyzer').selectOption('english');
	await page.getByTestId('beir-folder-input').setInputFiles(parent);
	await expect(page.getByTestId('eval-notice')).toContainText('Imported 3 documents and 2 golden cases');

	const row = page.getByTestId('config-row').first();
	await row.getByLabel('Configuration label').fill('parent');
	await row.getByLabel('Chunking mode').selectOption('recursive');
	await row.getByLabel('Chunk size (chars)').fill('40');
	await row.getByLabel('Chunk overlap (chars)').fill('0');
	await row.getByLabel('Expand hits').selectOption('parent-section');
	await expect(row.getByLabel('Expansion token budget')).toHaveValue('512');
	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('report-column')).toHaveCount(1);
	await expect(page.getByTestId('report-column')).toContainText('expand parent-section ≤ 512 tokens (average 28.5)');

	const downloading = page.waitForEvent('download');
	await page.getByTestId('export-report').click();
	const report = JSON.parse(readFileSync((await (await downloading).path())!, 'utf8')) as {
		perQuery: { id: string; spans?: unknown[] }[];
		expansion?: unknown;
	};
	const spans = Object.fromEntries(report.perQuery.map((q) => [q.id, q.spans]));
	expect(spans).toEqual({
		'q-dawn': [{ doc: 'garden', startOffset: 0, endOffset: 75, tokens: 25, kind: 'parent-section' }],
		'q-boards': [{ doc: 'kitchen', startOffset: 0, endOffset: 95, tokens: 32, kind: 'parent-section' }]
	});
	expect(spans).toEqual(cliSpans());
	expect(report.expansion).toEqual({ spans: 2, averageTokens: 28.5 });
});
