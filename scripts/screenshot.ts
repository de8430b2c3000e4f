/**
 * Regenerate docs/screenshot.png: serve the build, open the demo workspace, run a search.
 * Usage: npm run build && npx tsx scripts/screenshot.ts
 */
import { spawn } from 'node:child_process';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '../tests/e2e/support/chromium.ts';

const port = 4179;
const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
try {
	await new Promise((r) => setTimeout(r, 2500));
	const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs() });
	const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
	await page.goto(`http://localhost:${port}/`);
	await page.getByTestId('index-status').getByText('7 documents').waitFor();
	await page.getByLabel('Search query').fill('overtime approval');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await page.getByTestId('hit').first().waitFor();
	await page.screenshot({ path: 'docs/screenshot.png' });
	await browser.close();
} finally {
	process.kill(-server.pid!);
}
