/**
 * Regenerate docs/screenshot-answers.png: serve the build, answer the demo golden set with the
 * scripted endpoint of the e2e tests, grade with the scripted judge, label three answers, and
 * capture the grading summary with judge–human agreement.
 * Usage: npm run build && npx tsx scripts/screenshot-answers.ts
 */
import { spawn } from 'node:child_process';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '../tests/e2e/support/chromium.ts';
import { answerAll, gradeAll, routeScriptedModels } from '../tests/e2e/support/answer-scripts.ts';

const port = 4178;
const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
try {
	await new Promise((r) => setTimeout(r, 2500));
	const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs() });
	const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
	await routeScriptedModels(page);
	await page.goto(`http://localhost:${port}/`);
	await page.getByTestId('index-status').getByText('7 documents').waitFor();
	await page.goto(`http://localhost:${port}/answers/`);
	await page.locator('main[data-ready="true"]').waitFor();
	await answerAll(page, 'answerer-good', 'lexical · prompt v1');
	await gradeAll(page);
	await page.getByTestId('review-queue').focus();
	for (const key of ['p', 'f', 'f']) await page.keyboard.press(key);
	await page.getByTestId('agreement-pass-fail').waitFor();
	await page.locator('section[aria-label="Grading"]').screenshot({ path: 'docs/screenshot-answers.png' });
	await browser.close();
} finally {
	process.kill(-server.pid!);
}
