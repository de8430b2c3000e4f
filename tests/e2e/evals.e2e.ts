import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { test, expect } from './support/fixtures.ts';

const root = join(import.meta.dirname, '..', '..');
const scifact = join(root, 'tests', 'fixtures', 'datasets', 'scifact');
const schema = JSON.parse(readFileSync(join(root, 'schemas', 'eval-report.v2.schema.json'), 'utf8')) as object;

/** nDCG@10 of the same configuration from the CLI: `assay bm25` (english, depth 100), then `assay metrics --json`. */
function cliNdcg10(): number {
	const out = join(mkdtempSync(join(tmpdir(), 'assay-e2e-cli-')), 'scifact.run');
	const cli = (...args: string[]) =>
		spawnSync(process.execPath, [join(root, 'bin', 'assay.js'), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
	const bm25 = cli('bm25', '--dataset', scifact, '--analyzer', 'english', '--depth', '100', '--out', out);
	expect(bm25.status, bm25.stderr).toBe(0);
	const metrics = cli('metrics', '--qrels', join(scifact, 'qrels.tsv'), '--run', out, '--json');
	expect(metrics.status, metrics.stderr).toBe(0);
	return (JSON.parse(metrics.stdout) as { all: Record<string, number> }).all.ndcg_cut_10 as number;
}

test('scifact as a BEIR folder: BM25 evaluation in the page equals the CLI, the report exports, validates, re-imports and compares', async ({
	page
}) => {
	await page.goto('./evals/');
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');

	await page.getByTestId('beir-analyzer').selectOption('english');
	await page.getByTestId('beir-folder-input').setInputFiles(scifact);
	await expect(page.getByTestId('eval-notice')).toContainText('Imported 5183 documents and 300 golden cases', { timeout: 300_000 });
	await expect(page.getByTestId('golden-select')).toContainText('(300)');

	await page.getByTestId('run-eval').click();
	const ndcgCell = page.getByTestId('metric-ndcg@10').first();
	await expect(ndcgCell).toBeVisible({ timeout: 240_000 });
	const pageNdcg = Number(await ndcgCell.getAttribute('data-value'));
	const cli = cliNdcg10();
	expect(Math.abs(pageNdcg - cli)).toBeLessThan(1e-12);
	expect(Math.abs(pageNdcg - 0.6767)).toBeLessThan(0.002);

	const downloading = page.waitForEvent('download');
	await page.getByTestId('export-report').click();
	const download = await downloading;
	const path = await download.path();
	const reportText = readFileSync(path, 'utf8');
	const report = JSON.parse(reportText) as {
		id: string;
		metrics: { aggregate: Record<string, { mean: number }> };
		environment: { userAgent: string };
	};
	const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
	expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
	expect(report.metrics.aggregate['ndcg@10']?.mean).toBe(pageNdcg);
	expect(report.environment.userAgent).toMatch(/Chrom/);

	// The TREC run export scores the same with assay metrics (an external tool's view).
	const trecDownload = page.waitForEvent('download');
	await page.getByRole('button', { name: 'TREC run' }).click();
	const trecPath = await (await trecDownload).path();
	const rescored = spawnSync(
		process.execPath,
		[join(root, 'bin', 'assay.js'), 'metrics', '--qrels', join(scifact, 'qrels.tsv'), '--run', trecPath, '--json'],
		{ encoding: 'utf8', maxBuffer: 1 << 26 }
	);
	expect((JSON.parse(rescored.stdout) as { all: Record<string, number> }).all.ndcg_cut_10).toBe(pageNdcg);

	// Remove the stored report, then bring it back from the exported file.
	await page.getByTestId('delete-report').click();
	await expect(page.getByTestId('report-column')).toHaveCount(0);
	await page
		.getByTestId('report-input')
		.setInputFiles({ name: 'report.json', mimeType: 'application/json', buffer: Buffer.from(reportText) });
	await expect(page.getByTestId('report-column')).toHaveCount(1);

	// A second configuration: Lucene's classic b = 0.75.
	const row = page.getByTestId('config-row').first();
	await row.getByLabel('Configuration label').fill('BM25 b=0.75');
	await row.getByLabel('BM25 b').fill('0.75');
	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('report-column')).toHaveCount(2, { timeout: 240_000 });

	await page.getByTestId('compare-baseline').selectOption({ index: 0 });
	await page.getByTestId('compare-candidate').selectOption({ index: 1 });
	await page.getByTestId('compare').click();
	const comparison = page.getByTestId('comparison');
	await expect(comparison).toBeVisible();
	await expect(comparison).toContainText('BM25 b=0.75');
	expect(Number(await comparison.getAttribute('data-p'))).toBeGreaterThan(0);
	await expect(page.getByTestId('diff-chart').locator('canvas')).toBeVisible();
	await expect(page.getByTestId('metric-chart').locator('canvas')).toBeVisible();

	// Drill down into the most regressed query: both ranked lists, relevant documents marked, and the explain view.
	await page.getByTestId('query-diffs').locator('tbody tr').first().getByRole('button').click();
	const drill = page.getByTestId('drill-down');
	await expect(drill.locator('ol')).toHaveCount(2);
	await drill.getByTestId('explain').first().click();
	await expect(page.getByTestId('explain-view')).toContainText('Why');
	expect(await page.getByTestId('explain-contribution').count()).toBeGreaterThan(0);
});

test('an experiment of two configurations runs side by side and labels the known-better one "better", identical ones not significant', async ({
	page
}) => {
	await page.goto('./evals/');
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await page.getByTestId('beir-folder-input').setInputFiles(join(root, 'tests', 'fixtures', 'evals', 'stemming'));
	await expect(page.getByTestId('eval-notice')).toContainText('Imported 60 documents and 30 golden cases');

	await page.getByRole('button', { name: 'Add configuration' }).click();
	await page.getByRole('button', { name: 'Add configuration' }).click();
	const rows = page.getByTestId('config-row');
	await rows.nth(0).getByLabel('Configuration label').fill('no stemming');
	await rows.nth(0).getByLabel('Analyzer').selectOption('segmenter');
	await rows.nth(1).getByLabel('Configuration label').fill('porter');
	await rows.nth(2).getByLabel('Configuration label').fill('porter again');
	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('report-column')).toHaveCount(3, { timeout: 180_000 });

	const compare = async (baseline: number, candidate: number) => {
		await page.getByTestId('compare-baseline').selectOption({ index: baseline });
		await page.getByTestId('compare-candidate').selectOption({ index: candidate });
		await page.getByTestId('compare').click();
	};
	await compare(0, 1);
	await expect(page.getByTestId('comparison')).toHaveAttribute('data-verdict', 'better');
	await expect(page.getByTestId('verdict')).toHaveText('porter: better');
	await compare(1, 2);
	await expect(page.getByTestId('comparison')).toHaveAttribute('data-verdict', 'no significant difference');
	await expect(page.getByTestId('comparison')).toHaveAttribute('data-p', '1');
});
