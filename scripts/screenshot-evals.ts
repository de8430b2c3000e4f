/**
 * Regenerate docs/evals-screenshot.png: serve the build, import SciFact as a BEIR folder on
 * the Evaluations page, run two BM25 configurations, compare them.
 * Usage: npm run build && npx tsx scripts/screenshot-evals.ts
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '../tests/e2e/support/chromium.ts';

const port = 4181;
const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
try {
	await new Promise((r) => setTimeout(r, 2500));
	const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs() });
	const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
	await page.goto(`http://localhost:${port}/evals/`);
	await page.locator('main[data-ready="true"]').waitFor();
	await page.getByTestId('beir-folder-input').setInputFiles(join(import.meta.dirname, '..', 'tests', 'fixtures', 'datasets', 'scifact'));
	await page.getByTestId('eval-notice').filter({ hasText: 'Imported' }).waitFor({ timeout: 300_000 });
	await page.getByRole('button', { name: 'Add configuration' }).click();
	const second = page.getByTestId('config-row').nth(1);
	await second.getByLabel('Configuration label').fill('BM25 b=0.75');
	await second.getByLabel('BM25 b').fill('0.75');
	await page.getByTestId('run-eval').click();
	await page.getByTestId('report-column').nth(1).waitFor({ timeout: 300_000 });
	await page.getByTestId('compare-baseline').selectOption({ index: 0 });
	await page.getByTestId('compare-candidate').selectOption({ index: 1 });
	await page.getByTestId('compare').click();
	await page.getByTestId('comparison').waitFor();
	await page.locator('section[aria-label="Reports"]').screenshot({ path: 'docs/evals-screenshot.png' });
	await browser.close();
} finally {
	process.kill(-server.pid!);
}
