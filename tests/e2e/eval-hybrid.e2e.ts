import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';
import { startMirror } from './support/model-mirror.ts';

const root = join(import.meta.dirname, '..', '..');
const topics = join(root, 'tests', 'fixtures', 'datasets', 'topics');

/** nDCG@10 of hybrid (RRF k 60 unless `fusion` flags say otherwise, 100 deep) from the CLI: `assay run` with the fixture model, then `assay metrics --json -c`. */
function cliHybridNdcg10(...fusion: string[]): number {
	const out = join(mkdtempSync(join(tmpdir(), 'assay-e2e-hybrid-')), 'topics.run');
	const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'assay.js'), ...args], { encoding: 'utf8' });
	const run = cli(
		'run',
		'--dataset',
		topics,
		'--mode',
		'hybrid',
		'--embed-model',
		join(root, 'tests', 'fixtures', 'models', 'static-embed'),
		'--dtype',
		'fp32',
		'--top-k',
		'100',
		'--depth',
		'100',
		...fusion,
		'--out',
		out
	);
	expect(run.status, run.stderr).toBe(0);
	const metrics = cli('metrics', '--qrels', join(topics, 'qrels.tsv'), '--run', out, '-c', '--json');
	expect(metrics.status, metrics.stderr).toBe(0);
	return (JSON.parse(metrics.stdout) as { all: Record<string, number> }).all.ndcg_cut_10 as number;
}

test('the topics BEIR folder embedded from a mirror: hybrid evaluated beside lexical is labelled better, with the numbers of assay run + metrics', async ({
	page
}) => {
	const mirror = await startMirror();
	try {
		await page.goto('./evals/');
		await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
		await page.getByTestId('beir-folder-input').setInputFiles(topics);
		await expect(page.getByTestId('eval-notice')).toContainText('Imported 16 documents and 13 golden cases');
		await expect(page.getByTestId('dense-note')).toContainText('need every chunk embedded');

		// Model settings and embedding, on the Evaluations page.
		await page.getByText(/^Models \(/).click();
		await page.getByLabel('Mirror base URL').fill(mirror.baseUrl);
		await page.getByRole('radio', { name: /Mirror/ }).check();
		await page.getByLabel('Embedding model id').fill('static-embed');
		await page.getByLabel('Embedding dtype').selectOption('fp32');
		await page.getByLabel('Device').selectOption('wasm');
		await page.getByRole('button', { name: 'Save model settings' }).click();
		await expect(page.getByText('Models (embedding static-embed')).toBeVisible();
		await page.getByRole('button', { name: 'Embed chunks' }).click();
		await expect(page.getByTestId('modes-status')).toContainText('dense, hybrid ✓', { timeout: 180_000 });
		expect(mirror.requests).toContain('/static-embed/resolve/main/onnx/model.onnx');
		await expect(page.getByTestId('dense-note')).toContainText('Dense modes use static-embed (fp32): 16 vectors');

		const rows = page.getByTestId('config-row');
		await rows.nth(0).getByLabel('Configuration label').fill('lexical');
		await page.getByRole('button', { name: 'Add configuration' }).click();
		await rows.nth(1).getByLabel('Configuration label').fill('hybrid');
		await rows.nth(1).getByLabel('Retrieval mode').selectOption('hybrid');
		await page.getByRole('button', { name: 'Add configuration' }).click();
		await rows.nth(2).getByLabel('Configuration label').fill('mnz');
		await rows.nth(2).getByLabel('Retrieval mode').selectOption('hybrid');
		await rows.nth(2).getByLabel('Fusion').selectOption('combmnz');
		await rows.nth(2).getByLabel('Score normalization').selectOption('zscore');
		await rows.nth(2).getByLabel('Lexical weight').fill('0.3');
		await rows.nth(2).getByLabel('Dense weight').fill('0.7');
		await page.getByTestId('run-eval').click();
		await expect(page.getByTestId('report-column')).toHaveCount(3, { timeout: 180_000 });
		await expect(page.getByTestId('report-column').nth(2)).toContainText('hybrid (CombMNZ z-score 0.3/0.7)');
		expect(Number(await page.getByTestId('metric-ndcg@10').nth(2).getAttribute('data-value'))).toBe(
			cliHybridNdcg10('--fusion', 'combmnz', '--normalization', 'zscore', '--weights', '0.3,0.7')
		);
		await expect(page.getByTestId('report-column').nth(1)).toContainText('hybrid (RRF k 60)');
		await expect(page.getByTestId('report-column').nth(1)).toContainText('static-embed fp32 on wasm');

		const ndcg = page.getByTestId('metric-ndcg@10');
		const [lexical, hybrid] = [Number(await ndcg.nth(0).getAttribute('data-value')), Number(await ndcg.nth(1).getAttribute('data-value'))];
		expect(hybrid).toBe(cliHybridNdcg10());
		expect(lexical).toBeLessThan(hybrid);

		await page.getByTestId('compare-baseline').selectOption({ index: 0 });
		await page.getByTestId('compare-candidate').selectOption({ index: 1 });
		await page.getByTestId('compare').click();
		await expect(page.getByTestId('comparison')).toHaveAttribute('data-verdict', 'better');
		await expect(page.getByTestId('verdict')).toHaveText('hybrid: better');
		expect(Number(await page.getByTestId('comparison').getAttribute('data-p'))).toBeLessThan(0.01);
	} finally {
		mirror.server.close();
	}
});
