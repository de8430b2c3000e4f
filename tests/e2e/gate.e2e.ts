import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';
import type { Page } from '@playwright/test';

const gateFixtures = join(import.meta.dirname, '..', 'fixtures', 'gate');
const file = (name: string) => ({ name, mimeType: 'application/json', buffer: readFileSync(join(gateFixtures, name)) });

async function openWithReports(page: Page): Promise<void> {
	await page.goto('./evals/');
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	// Reports live in a workspace: make one from a small BEIR folder first.
	await page.getByTestId('beir-folder-input').setInputFiles(join(import.meta.dirname, '..', 'fixtures', 'evals', 'stemming'));
	await expect(page.getByTestId('eval-notice')).toContainText('Imported 60 documents and 30 golden cases');
	await page.getByTestId('report-input').setInputFiles([file('baseline.json'), file('candidate-fail.json'), file('candidate-pass.json')]);
	await expect(page.getByTestId('report-column')).toHaveCount(3);
}

const rule = (page: Page, metric: string) => page.locator(`[data-testid="gate-rule"][data-metric="${metric}"]`);
const row = (page: Page, metric: string) => page.locator(`[data-testid="gate-row"][data-metric="${metric}"]`);

test('the regression gate on the Evals page fails a breached limit with baseline, candidate, delta, limit, p-value and reason, and passes under a looser rule', async ({
	page
}) => {
	await openWithReports(page);
	await page.getByTestId('gate-baseline').selectOption('base');
	await page.getByTestId('gate-candidate').selectOption('cand-fail');
	await expect(page.getByTestId('gate-rule')).toHaveCount(2);
	await page.getByTestId('gate-run').click();
	await expect(page.getByTestId('gate-result')).toHaveAttribute('data-verdict', 'FAIL');
	const ndcg = row(page, 'ndcg@10');
	await expect(ndcg).toHaveAttribute('data-decision', 'FAIL');
	await expect(ndcg.locator('td')).toHaveText([
		/ndcg@10/,
		'0.6089',
		'0.4589',
		'−0.1500',
		'drop ≤ 0.02, drop ≤ 5 %',
		/^0\.\d{4}$/,
		'FAIL',
		/^dropped 0\.1500 \(0\.6089 → 0\.4589\), more than the allowed 0\.02/
	]);

	await rule(page, 'ndcg@10').getByLabel('Max drop', { exact: true }).fill('0.2');
	await rule(page, 'ndcg@10').getByLabel('Max drop %').fill('');
	await rule(page, 'recall@10')
		.getByRole('button', { name: /Remove/ })
		.click();
	await page.getByTestId('gate-run').click();
	await expect(page.getByTestId('gate-result')).toHaveAttribute('data-verdict', 'PASS');
	await expect(row(page, 'ndcg@10').locator('td').nth(4)).toHaveText('drop ≤ 0.2');

	// A floor fails below it whatever the baseline did.
	await rule(page, 'ndcg@10').getByLabel('Floor').fill('0.5');
	await page.getByTestId('gate-run').click();
	await expect(page.getByTestId('gate-result')).toHaveAttribute('data-verdict', 'FAIL');
	await expect(row(page, 'ndcg@10')).toContainText('candidate mean 0.4589 is below the floor 0.5');
});

test('a breach that is not significant fails by default and passes only when its rule is set to fail only when significant', async ({
	page
}) => {
	await openWithReports(page);
	// cand-pass → base: nDCG@10 falls by 0.0006 on a few queries, far from significant.
	await page.getByTestId('gate-baseline').selectOption('cand-pass');
	await page.getByTestId('gate-candidate').selectOption('base');
	await rule(page, 'recall@10')
		.getByRole('button', { name: /Remove/ })
		.click();
	await rule(page, 'ndcg@10').getByLabel('Max drop', { exact: true }).fill('0.0001');
	await page.getByTestId('gate-run').click();
	await expect(page.getByTestId('gate-result')).toHaveAttribute('data-verdict', 'FAIL');
	const p = Number(await row(page, 'ndcg@10').getByTestId('gate-p').textContent());
	expect(p).toBeGreaterThan(0.05);
	await expect(row(page, 'ndcg@10')).toContainText('a breached limit fails whatever the p-value');

	await rule(page, 'ndcg@10').getByLabel('Fail only when significant').check();
	await page.getByTestId('gate-run').click();
	await expect(page.getByTestId('gate-result')).toHaveAttribute('data-verdict', 'PASS');
	await expect(row(page, 'ndcg@10')).toContainText('not significant');
	await expect(row(page, 'ndcg@10').locator('td').nth(4)).toHaveText('drop ≤ 0.0001, drop ≤ 5 %, drops fail only when significant');
});

test('the gate rules can be pasted as assay gate --config JSON; bad JSON and the old field names are refused with a message', async ({
	page
}) => {
	await openWithReports(page);
	await page.getByTestId('gate-baseline').selectOption('base');
	await page.getByTestId('gate-candidate').selectOption('cand-fail');
	await page.getByText('As JSON').click();
	await page.getByTestId('gate-config').fill(JSON.stringify({ metrics: { 'ndcg@10': { maxDrop: 0.2 }, 'mrr@10': { min: 0.4 } } }));
	await page.getByTestId('gate-run').click();
	await expect(page.getByTestId('gate-result')).toHaveAttribute('data-verdict', 'PASS');
	await expect(page.getByTestId('gate-rule')).toHaveCount(2);
	await expect(rule(page, 'mrr@10').getByLabel('Floor')).toHaveValue('0.4');

	await page.getByTestId('gate-config').fill('{ not json');
	await page.getByTestId('gate-run').click();
	await expect(page.getByTestId('gate-error')).toContainText('not JSON');
	await expect(page.getByTestId('gate-result')).toHaveCount(0);

	await page.getByTestId('gate-config').fill(JSON.stringify({ metrics: { 'ndcg@10': { maxAbsoluteDrop: 0.2 } } }));
	await page.getByTestId('gate-config-apply').click();
	await expect(page.getByTestId('gate-error')).toContainText('maxAbsoluteDrop is no longer a gate field: use "maxDrop"');
});
