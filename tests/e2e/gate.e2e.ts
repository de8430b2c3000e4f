import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';

const gateFixtures = join(import.meta.dirname, '..', 'fixtures', 'gate');
const file = (name: string) => ({ name, mimeType: 'application/json', buffer: readFileSync(join(gateFixtures, name)) });

test('the regression gate on the Evals page fails a regressed candidate with reasons and passes it under looser thresholds', async ({ page }) => {
	await page.goto('./evals/');
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	// Reports live in a workspace: make one from a small BEIR folder first.
	await page.getByTestId('beir-folder-input').setInputFiles(join(import.meta.dirname, '..', 'fixtures', 'evals', 'stemming'));
	await expect(page.getByTestId('eval-notice')).toContainText('Imported 60 documents and 30 golden cases');
	await page.getByTestId('report-input').setInputFiles([file('baseline.json'), file('candidate-fail.json')]);
	await expect(page.getByTestId('report-column')).toHaveCount(2);

	await page.getByTestId('gate-baseline').selectOption('base');
	await page.getByTestId('gate-candidate').selectOption('cand-fail');
	await page.getByTestId('gate-run').click();
	await expect(page.getByTestId('gate-result')).toHaveAttribute('data-verdict', 'FAIL');
	await expect(page.getByTestId('gate-result')).toContainText('ndcg@10: dropped 0.1500');

	await page.getByTestId('gate-config').fill(JSON.stringify({ metrics: { 'ndcg@10': { maxAbsoluteDrop: 0.2 } } }));
	await page.getByTestId('gate-run').click();
	await expect(page.getByTestId('gate-result')).toHaveAttribute('data-verdict', 'PASS');

	await page.getByTestId('gate-config').fill('{ not json');
	await page.getByTestId('gate-run').click();
	await expect(page.getByTestId('gate-error')).toContainText('not JSON');
	await expect(page.getByTestId('gate-result')).toHaveCount(0);
});
