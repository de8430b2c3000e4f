import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { openAnswers, routeScriptedModels, useAnsweringModel } from './support/answer-scripts.ts';

test('a run being answered shows as running in its own tab and, without a reload, in a tab opened before it started', async ({
	page,
	context
}) => {
	await routeScriptedModels(page, 300);
	await openAnswers(page);
	const second = await context.newPage();
	await routeScriptedModels(second);
	await second.goto('./answers/');
	await second.locator('main[data-ready="true"]').waitFor();

	await useAnsweringModel(page, 'answerer-good');
	await page.getByTestId('answer-run-start').click();
	await expect.poll(() => page.getByTestId('answer-row').count()).toBeGreaterThanOrEqual(1);
	await expect(page.getByTestId('answer-run-status')).toHaveText('running');
	await expect(second.getByTestId('answer-run-status')).toHaveText('running in another tab');

	await expect(page.getByTestId('answers-notice')).toContainText('Answered 15 cases.', { timeout: 30_000 });
	await expect(page.getByTestId('answer-run-status')).toHaveText('complete');
	await expect(second.getByTestId('answer-run-status')).toHaveText('complete');
});

const gateFile = (name: string) => ({
	name,
	mimeType: 'application/json',
	buffer: readFileSync(join(import.meta.dirname, '..', 'fixtures', 'gate', name))
});

async function evalsWithReports(page: Page): Promise<void> {
	await page.goto('./evals/');
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await page.getByTestId('beir-folder-input').setInputFiles(join(import.meta.dirname, '..', 'fixtures', 'evals', 'stemming'));
	await expect(page.getByTestId('eval-notice')).toContainText('Imported 60 documents and 30 golden cases');
	await page
		.getByTestId('report-input')
		.setInputFiles([gateFile('baseline.json'), gateFile('candidate-fail.json'), gateFile('candidate-pass.json')]);
	await expect(page.getByTestId('report-column')).toHaveCount(3);
}

test('the compare and gate report pickers have their own labels and keep their choice after a reload', async ({ page }) => {
	await evalsWithReports(page);
	await page.getByLabel('Compare baseline').selectOption('cand-pass');
	await page.getByLabel('Compare candidate').selectOption('cand-fail');
	await page.getByLabel('Gate baseline').selectOption('cand-fail');
	await page.getByLabel('Gate candidate').selectOption('base');

	await page.reload();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await expect(page.getByLabel('Compare baseline')).toHaveValue('cand-pass');
	await expect(page.getByLabel('Compare candidate')).toHaveValue('cand-fail');
	await expect(page.getByLabel('Gate baseline')).toHaveValue('cand-fail');
	await expect(page.getByLabel('Gate candidate')).toHaveValue('base');
	await page.getByTestId('gate-run').click();
	await expect(page.getByTestId('gate-result')).toBeVisible();
});

test('experiment configurations the user added survive a reload, and unreadable stored ones are ignored with a notice', async ({
	page
}) => {
	await evalsWithReports(page);
	await page.getByRole('button', { name: 'Add configuration' }).click();
	const rows = page.getByTestId('config-row');
	await expect(rows).toHaveCount(2);
	await rows.nth(1).getByLabel('Configuration label').fill('k1 high');
	await rows.nth(1).getByLabel('BM25 k1').fill('1.6');

	await page.reload();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await expect(rows).toHaveCount(2);
	await expect(rows.nth(1).getByLabel('Configuration label')).toHaveValue('k1 high');
	await expect(rows.nth(1).getByLabel('BM25 k1')).toHaveValue('1.6');

	await page.evaluate(() => localStorage.setItem(`assay.evalDrafts.${localStorage.getItem('assay.workspaceId')}`, '{ not json'));
	await page.reload();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await expect(page.getByTestId('eval-notice')).toContainText('could not be read and were ignored');
	await expect(rows).toHaveCount(1);
	await expect(page.getByTestId('eval-error')).toHaveCount(0);
});

test('imported files appear in the document list as they finish, before the import ends', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-live-'));
	const total = 150;
	const files = Array.from({ length: total }, (_, i) => {
		const path = join(dir, `note-${String(i).padStart(3, '0')}.md`);
		writeFileSync(path, `# Note ${i}\n\n${'The kite flies over the valley. '.repeat(200)}`);
		return path;
	});
	// Record the progress counter at the moment the first row is added to the document list.
	await page.evaluate(() => {
		const w = window as unknown as { firstRowAt?: string };
		new MutationObserver((_, observer) => {
			if (document.querySelector('[data-testid="document-list"] tbody tr')) {
				w.firstRowAt = document.querySelector('[data-testid="import-count"]')?.textContent ?? 'no progress shown';
				observer.disconnect();
			}
		}).observe(document.body, { childList: true, subtree: true });
	});
	await page.getByTestId('file-input').setInputFiles(files);
	await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 60_000 });
	await expect(page.getByTestId('document-list').locator('tbody tr')).toHaveCount(total);
	const firstRowAt = await page.evaluate(() => (window as unknown as { firstRowAt?: string }).firstRowAt);
	const done = Number(/^(\d+) \//.exec(firstRowAt ?? '')?.[1]);
	expect(done, `first row appeared at "${firstRowAt}"`).toBeLessThan(total);
});

test('the Ask page says which stage the answer is in: waiting for the first token after the request is sent, then generating', async ({
	page
}) => {
	let sendFirst!: () => void;
	let finish!: () => void;
	const firstGate = new Promise<void>((r) => (sendFirst = r));
	const finishGate = new Promise<void>((r) => (finish = r));
	const server: Server = createServer((req, res) => {
		const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' };
		if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
		const chunk = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
		void firstGate.then(() => {
			res.writeHead(200, { ...cors, 'content-type': 'text/event-stream' });
			res.write(chunk({ choices: [{ index: 0, delta: { content: 'First words ' }, finish_reason: null }] }));
			return finishGate.then(() =>
				res.end(chunk({ choices: [{ index: 0, delta: { content: '[1].' }, finish_reason: 'stop' }] }) + 'data: [DONE]\n\n')
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		await page.goto('./');
		await expect(page.getByTestId('index-status')).toContainText('7 documents');
		await page.getByTestId('ask-link').click();
		await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
		await page.getByLabel('Base URL').fill(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`);
		await page.getByLabel('Model', { exact: true }).fill('held');
		await page.getByLabel('Question', { exact: true }).fill('SYNC_CONFLICT');
		await page.getByRole('button', { name: 'Ask', exact: true }).click();

		const stage = page.getByTestId('answer-stage');
		await expect(stage).toHaveAttribute('data-stage', 'waiting');
		await expect(stage).toContainText('Waiting for the first token');
		sendFirst();
		await expect(stage).toHaveAttribute('data-stage', 'generating');
		await expect(page.getByTestId('answer-text')).toContainText('First words');
		finish();
		await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'stop');
		await expect(stage).toHaveCount(0);
	} finally {
		sendFirst();
		finish();
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	}
});
