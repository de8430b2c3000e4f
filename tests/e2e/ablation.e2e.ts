import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';
import { startMirror } from './support/model-mirror.ts';
import { computeAblation } from '../../src/lib/evals/ablation/index.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const list = (...ids: string[]) => ids.map((id, i) => ({ id, score: 1 / (i + 1) }));

/** The gate fixture's baseline as a v2 report with a stage ablation of two queries: d1 is lost by fusion, d2 kept. */
function reportWithAblation(): Buffer {
	const baseline = JSON.parse(readFileSync(join(fixtures, 'gate', 'baseline.json'), 'utf8')) as Record<string, unknown>;
	const ablation = computeAblation(
		[
			{ id: 'q01', stages: { lexical: list('x', 'd1'), dense: list('y'), fused: list('x', 'y', 'd1'), rerank: list('y', 'x') } },
			{ id: 'q02', stages: { lexical: list('d2'), dense: list('d2'), fused: list('d2'), rerank: list('d2') } }
		],
		new Map([
			['q01', new Map([['d1', 1]])],
			['q02', new Map([['d2', 1]])]
		]),
		{ topK: 2, paired: { resamples: 1000, permutations: 1000 } }
	);
	return Buffer.from(JSON.stringify({ ...baseline, id: 'abl', schema: 'assay.eval-report/v2', ablation }));
}

test('a report with a stage ablation shows each stage, the paired stage tests and where each relevant document was lost', async ({
	page
}) => {
	await page.goto('./evals/');
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await page.getByTestId('beir-folder-input').setInputFiles(join(fixtures, 'evals', 'stemming'));
	await expect(page.getByTestId('eval-notice')).toContainText('Imported 60 documents and 30 golden cases');
	await page.getByTestId('report-input').setInputFiles([{ name: 'abl.json', mimeType: 'application/json', buffer: reportWithAblation() }]);
	const panel = page.getByTestId('ablation');
	await expect(panel).toBeVisible();
	await expect(page.getByTestId('ablation-stages').locator('tbody tr')).toHaveCount(4);
	// lexical: q01 finds d1 at 2 (nDCG 1/log2(3)), q02 at 1; the reranker drops d1 out of q01's list.
	await expect(page.getByTestId('ablation-lexical-ndcg@10')).toHaveText(((1 / Math.log2(3) + 1) / 2).toFixed(4));
	await expect(page.getByTestId('ablation-rerank-ndcg@10')).toHaveText('0.5000');
	await expect(page.getByTestId('ablation-comparisons').locator('tbody th')).toHaveText([
		'lexical → fused',
		'dense → fused',
		'fused → rerank'
	]);
	await expect(page.getByTestId('ablation-lost')).toHaveText('Relevant documents: 1 kept to the end; lost at fused 1.');
	const q01 = page.getByTestId('ablation-queries').locator('tr[data-query="q01"]');
	await expect(q01.locator('[data-lost]')).toHaveAttribute('data-lost', 'fused');
	await expect(q01).toContainText('d1: lost at fused lexical 2 · dense — · fused 3 · rerank —');
});

test('a hybrid run with "Stage ablation" ticked scores lexical, dense and fused on the page, the fused stage as the run itself', async ({
	page
}) => {
	const mirror = await startMirror();
	try {
		await page.goto('./evals/');
		await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
		await page.getByTestId('beir-folder-input').setInputFiles(join(fixtures, 'datasets', 'topics'));
		await expect(page.getByTestId('eval-notice')).toContainText('Imported 16 documents and 13 golden cases');
		await page.getByText(/^Models \(/).click();
		await page.getByLabel('Mirror base URL').fill(mirror.baseUrl);
		await page.getByRole('radio', { name: /Mirror/ }).check();
		await page.getByLabel('Embedding model id').fill('static-embed');
		await page.getByLabel('Embedding dtype').selectOption('fp32');
		await page.getByLabel('Device').selectOption('wasm');
		await page.getByRole('button', { name: 'Save model settings' }).click();
		await page.getByRole('button', { name: 'Embed chunks' }).click();
		await expect(page.getByTestId('modes-status')).toContainText('dense, hybrid ✓', { timeout: 180_000 });
		const row = page.getByTestId('config-row').nth(0);
		await row.getByLabel('Configuration label').fill('hybrid');
		await row.getByLabel('Retrieval mode').selectOption('hybrid');
		await page.getByTestId('ablation-toggle').check();
		await page.getByTestId('run-eval').click();
		await expect(page.getByTestId('ablation')).toBeVisible({ timeout: 180_000 });
		await expect(page.getByTestId('ablation-stages').locator('tbody tr')).toHaveCount(3);
		await expect(page.getByTestId('ablation-lexical-ndcg@10')).toHaveText('0.1538');
		const fused = await page.getByTestId('ablation-fused-ndcg@10').getAttribute('data-value');
		expect(Number(fused)).toBe(Number(await page.getByTestId('metric-ndcg@10').first().getAttribute('data-value')));
		await expect(page.getByTestId('ablation-comparisons').locator('tbody th')).toHaveText(['lexical → fused', 'dense → fused']);
	} finally {
		mirror.server.close();
	}
});
