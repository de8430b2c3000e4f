import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Route } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { routeLlm, sseBody, useRoutedEngine } from './support/llm-endpoint.ts';
import { startMirror } from './support/model-mirror.ts';

const root = join(import.meta.dirname, '..', '..');
const topics = join(root, 'tests', 'fixtures', 'datasets', 'topics');

const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST, OPTIONS' };

/** The context of a chunk (here: a whole topics document): the puppy one is about a dog, the kitten one gets an empty (malformed) reply, the rest a generic line. */
const contextOf = (text: string) =>
	text.includes('puppy barked') ? 'A note about a pet dog.' : text.includes('kitten purrs') ? '' : 'A short note.';

/** Contexts by chunk, as {@link contextOf} (the prompt carries the chunk). */
function contexts(route: Route) {
	const reply = contextOf(JSON.stringify((route.request().postDataJSON() as { messages: unknown }).messages));
	return route.fulfill({
		status: 200,
		headers: { ...CORS, 'content-type': 'text/event-stream' },
		body: sseBody(reply ? [reply] : [], { prompt_tokens: 50, completion_tokens: 6 })
	});
}

test('an Evals matrix configuration with contextual chunks writes one context per chunk with the answering endpoint, flags the malformed one, a second run writes none, the trace viewer shows the context tokens of each run and the drill-down explains the dog hit through its context', async ({
	page
}) => {
	const bodies = await routeLlm(page, contexts);
	await page.goto('./evals/');
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await page.getByTestId('beir-analyzer').selectOption('english');
	await page.getByTestId('beir-folder-input').setInputFiles(join(import.meta.dirname, '..', 'fixtures', 'datasets', 'topics'));
	await expect(page.getByTestId('eval-notice')).toContainText('Imported 16 documents and 13 golden cases');
	await page.getByTestId('ask-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await useRoutedEngine(page);
	await page.getByTestId('evals-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');

	await page.getByTestId('config-row').first().getByLabel('Contextual chunks').check();
	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('report-column')).toHaveCount(1);
	await expect(page.getByTestId('report-contextual').first()).toContainText(
		'contexts by scripted-test-model (prompt v1): 15 written, 0 stored, 1 failed, 800 + 96 tokens'
	);
	expect(bodies).toHaveLength(16);
	expect(JSON.stringify(bodies[0]?.messages)).toContain('<chunk untrusted=\\"true\\">');

	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('report-column')).toHaveCount(2);
	await expect(page.getByTestId('report-contextual').nth(1)).toContainText('0 written, 15 stored, 1 failed, 50 + 6 tokens');
	expect(bodies).toHaveLength(17);

	// The trace viewer shows each evaluation's context calls as a chunk.context span with their tokens.
	await page.getByTestId('traces-link').first().click();
	await page.getByTestId('trace-kind').selectOption('other');
	const runs = page.getByTestId('trace-row').filter({ hasText: 'eval.run' });
	await expect(runs).toHaveCount(2);
	const tokens: string[] = [];
	for (const i of [0, 1]) {
		await runs.nth(i).getByTestId('trace-open').click();
		await page.getByTestId('waterfall').getByTestId('waterfall-row').filter({ hasText: 'chunk.context' }).click();
		tokens.push((await page.getByTestId('span-detail').textContent()) ?? '');
	}
	expect(tokens.map((t) => /tokens in (\d+) \/ out (\d+)/.exec(t)?.slice(1)).sort()).toEqual([
		['50', '6'],
		['800', '96']
	]);
	// The drill-down explains the contextual run's "dog" hit against the stored contexts, showing the one that matched.
	await page.getByTestId('evals-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await page.getByTestId('config-row').first().getByLabel('Contextual chunks').uncheck();
	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('report-column')).toHaveCount(3);
	expect(bodies).toHaveLength(17);
	await page.getByTestId('compare-baseline').selectOption({ index: 2 });
	await page.getByTestId('compare-candidate').selectOption({ index: 0 });
	await page.getByTestId('compare').click();
	await page.getByTestId('query-diffs').locator('tbody tr').filter({ hasText: 'q-dog' }).getByRole('button').click();
	await page.getByTestId('drill-down').getByTestId('explain').first().click();
	await expect(page.getByTestId('explain-view')).toContainText('Why pets-1 scored');
	await expect(page.getByTestId('explain-contextual')).toContainText('15 of 16 chunks have one');
	await expect(page.getByTestId('explain-context')).toHaveText('A note about a pet dog.');
	await expect(page.getByTestId('explain-contribution').first()).not.toHaveText('0.0000');
});

/** nDCG@10 of hybrid (RRF k 60, 100 deep) with the same contexts from the CLI: `assay run --contextual --scripted-contexts` with the fixture model, then `assay metrics --json -c`. */
function cliContextualHybridNdcg10(): number {
	const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-contextual-'));
	const scripted: Record<string, string> = {};
	for (const line of readFileSync(join(topics, 'corpus.jsonl'), 'utf8').split('\n').filter(Boolean)) {
		const { text } = JSON.parse(line) as { text: string };
		scripted[text] = contextOf(text);
	}
	writeFileSync(join(dir, 'contexts.json'), JSON.stringify(scripted));
	const out = join(dir, 'topics.run');
	const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'assay.js'), ...args], { encoding: 'utf8' });
	const model = ['--embed-model', join(root, 'tests', 'fixtures', 'models', 'static-embed'), '--dtype', 'fp32'];
	const run = cli(
		'run',
		'--dataset',
		topics,
		'--mode',
		'hybrid',
		...model,
		'--top-k',
		'100',
		'--depth',
		'100',
		'--contextual',
		'--scripted-contexts',
		join(dir, 'contexts.json'),
		'--out',
		out
	);
	expect(run.status, run.stderr).toBe(0);
	const metrics = cli('metrics', '--qrels', join(topics, 'qrels.tsv'), '--run', out, '-c', '--json');
	expect(metrics.status, metrics.stderr).toBe(0);
	return (JSON.parse(metrics.stdout) as { all: Record<string, number> }).all.ndcg_cut_10 as number;
}

test('a hybrid configuration with contextual chunks embeds context + chunk with the workspace model once: nDCG@10 equals assay run --contextual, and a second run embeds and writes nothing', async ({
	page
}) => {
	const mirror = await startMirror();
	try {
		const bodies = await routeLlm(page, contexts);
		await page.goto('./evals/');
		await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
		await page.getByTestId('beir-folder-input').setInputFiles(topics);
		await expect(page.getByTestId('eval-notice')).toContainText('Imported 16 documents and 13 golden cases');
		await page.getByTestId('ask-link').click();
		await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
		await useRoutedEngine(page);
		await page.getByTestId('evals-link').click();
		await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
		await page.getByText(/^Models \(/).click();
		await page.getByLabel('Mirror base URL').fill(mirror.baseUrl);
		await page.getByRole('radio', { name: /Mirror/ }).check();
		await page.getByLabel('Embedding model id').fill('static-embed');
		await page.getByLabel('Embedding dtype').selectOption('fp32');
		await page.getByLabel('Device').selectOption('wasm');
		await page.getByRole('button', { name: 'Save model settings' }).click();
		await page.getByRole('button', { name: 'Embed chunks' }).click();
		await expect(page.getByTestId('modes-status')).toContainText('dense, hybrid ✓', { timeout: 180_000 });

		const row = page.getByTestId('config-row').first();
		await row.getByLabel('Configuration label').fill('hybrid + contexts');
		await row.getByLabel('Retrieval mode').selectOption('hybrid');
		await row.getByLabel('Contextual chunks').check();
		await page.getByTestId('run-eval').click();
		await expect(page.getByTestId('report-column')).toHaveCount(1, { timeout: 180_000 });
		await expect(page.getByTestId('report-contextual').first()).toContainText('15 written, 0 stored, 1 failed');
		await expect(page.getByTestId('report-contextual').first()).toContainText('; 16 vectors embedded, 0 stored');
		expect(bodies).toHaveLength(16);
		expect(Number(await page.getByTestId('metric-ndcg@10').first().getAttribute('data-value'))).toBe(cliContextualHybridNdcg10());

		await page.getByTestId('run-eval').click();
		await expect(page.getByTestId('report-column')).toHaveCount(2, { timeout: 180_000 });
		await expect(page.getByTestId('report-contextual').nth(1)).toContainText('0 written, 15 stored, 1 failed');
		await expect(page.getByTestId('report-contextual').nth(1)).toContainText('; 0 vectors embedded, 16 stored');
		expect(bodies).toHaveLength(17);
		const ndcg = page.getByTestId('metric-ndcg@10');
		expect(await ndcg.nth(1).getAttribute('data-value')).toBe(await ndcg.nth(0).getAttribute('data-value'));
	} finally {
		mirror.server.close();
	}
});
