import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, expect } from '@playwright/test';
import { formatReportHtml } from '../../src/cli/eval/report-html.ts';
import { HOSTILE, sampleOutcome } from '../support/system-eval-outcome.ts';

/**
 * `report.html` of `assay eval --config` is one self-contained file: opened from disk in
 * Chromium with the network off, it shows the summary, the gate and the cases, loads nothing
 * (every request but the file itself is recorded and aborted), runs no script, and shows a
 * hostile answer as text.
 */
test('report.html opened offline from disk shows the summary and the gate, and requests nothing', async ({ page, context }) => {
	const dir = mkdtempSync(join(tmpdir(), 'assay-report-html-'));
	const file = join(dir, 'report.html');
	writeFileSync(file, formatReportHtml(await sampleOutcome()));
	const url = pathToFileURL(file).href;

	const requests: string[] = [];
	await context.route('**/*', (route) => {
		const r = route.request().url();
		if (r === url) return route.continue();
		requests.push(r);
		return route.abort('blockedbyclient');
	});
	context.on('request', (r) => {
		if (r.url() !== url && !requests.includes(r.url())) requests.push(r.url());
	});
	const dialogs: string[] = [];
	page.on('dialog', (d) => {
		dialogs.push(d.message());
		void d.dismiss();
	});
	const errors: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') errors.push(m.text());
	});
	await context.setOffline(true);
	await page.goto(url);

	await expect(page.locator('#verdict')).toHaveText('Gate: FAIL');
	await expect(page.locator('#summary')).toContainText('fake <app> (http)');
	await expect(page.locator('#summary')).toContainText('Case errors');
	await expect(page.locator('#gate')).toContainText('candidate mean 0.3333 is below the floor 0.9');
	await expect(page.locator('#metrics svg')).toHaveCount(2);
	await expect(page.locator('#cases tbody tr')).toHaveCount(3);
	await expect(page.locator('#cases tbody tr').first()).toContainText(HOSTILE.slice(0, 40));
	// The hostile answer is text: no element came from it, no script ran.
	await expect(page.locator('#cases img, #cases script, script')).toHaveCount(0);
	expect(await page.evaluate(() => document.querySelectorAll('[onerror]').length)).toBe(0);
	expect(dialogs).toEqual([]);
	expect(requests).toEqual([]);
	expect(errors).toEqual([]);
});
