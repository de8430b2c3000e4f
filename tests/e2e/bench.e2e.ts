import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';
import { ROUTED_LLM_BASE, routeLlm, streamed } from './support/llm-endpoint.ts';

test('the Benchmarks page sweeps a scripted endpoint at concurrency 1,2, draws both curves, and downloads, reopens and compares reports', async ({
	page
}) => {
	const bodies = await routeLlm(page, streamed(['a', 'b', 'c', 'd'], { prompt_tokens: 16, completion_tokens: 4 }));
	await page.goto('./?demo=0');
	await page.getByTestId('bench-link').click();
	await expect(page).toHaveURL(/\/bench\/$/);
	await expect(page.getByTestId('bench-limits')).toContainText('6 connections per origin');
	await page.getByLabel('Base URL').fill(ROUTED_LLM_BASE);
	await page.getByLabel('Model', { exact: true }).fill('scripted-bench-model');
	await page.getByLabel('Concurrency', { exact: true }).fill('1,2');
	await page.getByLabel('Prompt length (words)').fill('16');
	await page.getByLabel('Output length (tokens)').fill('4');
	await page.getByLabel('Requests per point').fill('3');
	await page.getByLabel('Warm-up requests').fill('1');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await expect(page.getByTestId('bench-notice')).toContainText('Done: 2 of 2 points, 0 failed requests.');
	// 2 points × (1 warm-up + 3 measured), each a streamed chat request with usage asked for.
	expect(bodies).toHaveLength(8);
	expect(bodies[0]).toMatchObject({
		model: 'scripted-bench-model',
		stream: true,
		stream_options: { include_usage: true },
		max_completion_tokens: 4
	});
	const rows = page.getByTestId('bench-row');
	await expect(rows).toHaveCount(2);
	await expect(rows.nth(0)).toHaveAttribute('data-concurrency', '1');
	await expect(rows.nth(1)).toContainText('3 / 0');
	for (const chart of ['bench-curve', 'bench-ttft']) await expect(page.getByTestId(chart).locator('canvas')).toBeVisible();
	const curve = JSON.parse((await page.getByTestId('bench-curve').getAttribute('data-series'))!) as { name: string; points: unknown[] }[];
	expect(curve.map((s) => [s.name, s.points.length])).toEqual([
		['A E2E p50', 2],
		['A E2E p99', 2]
	]);

	const downloading = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Download report (A)' }).click();
	const file = join(tmpdir(), `assay-e2e-bench-${Date.now()}.json`);
	await (await downloading).saveAs(file);
	const report = JSON.parse(readFileSync(file, 'utf8')) as {
		schema: string;
		points: { outputTokensPerS: number; totalOutputTokens: number }[];
	};
	expect(report.schema).toBe('assay.serving-bench/v1');
	expect(report.points.map((p) => p.totalOutputTokens)).toEqual([12, 12]);

	// Opened back, it is compared with the run: the same numbers, ratio 1.
	await page.getByTestId('bench-open').setInputFiles(file);
	const compare = page.getByTestId('bench-compare');
	await expect(compare).toBeVisible();
	await expect(compare.locator('[data-point="c=2"][data-metric="outputTokensPerS"] td').last()).toHaveText('1.000');

	// A second report (a "faster server": twice the throughput) compared side by side, both curves on one chart.
	const faster = { ...report, points: report.points.map((p) => ({ ...p, outputTokensPerS: p.outputTokensPerS * 2 })) };
	const second = join(tmpdir(), `assay-e2e-bench-faster-${Date.now()}.json`);
	writeFileSync(second, JSON.stringify(faster));
	await page.getByTestId('bench-open').setInputFiles(second);
	await page.getByLabel('Compare with (B)').selectOption({ label: second.split('/').at(-1)! });
	await expect(compare.locator('[data-point="c=2"][data-metric="outputTokensPerS"] td').last()).toHaveText('2.000');
	const e2e = compare.locator('[data-point="c=1"][data-metric="e2eMs.p50"] td');
	await expect(e2e.nth(2)).toHaveText((await e2e.nth(1).textContent())!);
	const both = JSON.parse((await page.getByTestId('bench-curve').getAttribute('data-series'))!) as { name: string }[];
	expect(both.map((s) => s.name)).toEqual(['A E2E p50', 'A E2E p99', 'B E2E p50', 'B E2E p99']);

	// Not a report: said so, nothing held.
	const bad = join(tmpdir(), `assay-e2e-bench-bad-${Date.now()}.json`);
	writeFileSync(bad, '{"schema":"other"}');
	await page.getByTestId('bench-open').setInputFiles(bad);
	await expect(page.getByTestId('bench-error')).toContainText('Not a serving benchmark report');
});
