import { readFileSync } from 'node:fs';
import { test, expect } from './support/fixtures.ts';
import { openAskRouted, routeLlm, streamed } from './support/llm-endpoint.ts';

const fixture = readFileSync(new URL('../fixtures/cache/negation-pairs.jsonl', import.meta.url), 'utf8');
const repeat = JSON.stringify({
	id: 'same',
	kind: 'repeat',
	first: { question: 'How are conflicts reported?', reference: 'As SYNC_CONFLICT.' },
	second: { question: 'How are conflicts reported?', reference: 'As SYNC_CONFLICT.' }
});

test('the cache check replays question pairs through the exact cache: only the repeated question hits, no wrong hit, and the report downloads', async ({
	page
}) => {
	const bodies = await routeLlm(page, streamed(['As SYNC_CONFLICT.'], { prompt_tokens: 20, completion_tokens: 4 }));
	await openAskRouted(page);
	await page.getByLabel('Answer cache', { exact: true }).selectOption('exact');
	await page.getByTestId('cache-quality').locator('summary').click();
	await page
		.getByLabel('Question pairs')
		.setInputFiles({ name: 'pairs.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(`${fixture.trim()}\n${repeat}\n`) });
	await page.getByRole('button', { name: 'Check the cache' }).click();
	const report = page.getByTestId('cache-quality-report');
	await expect(report).toContainText('exact cache at threshold');
	await expect(report).toContainText('1 hits of 12 questions, 0 wrong');
	await expect(report).toHaveAttribute('data-wrong-hits', '0');
	await expect(page.getByTestId('cache-quality-row')).toHaveCount(12);
	// 12 questions with the cache off, 11 misses with it on; each one user message.
	expect(bodies).toHaveLength(23);
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Download report' }).click();
	expect((await download).suggestedFilename()).toBe('cache-quality.json');
	// The workspace's own cache counters are untouched by the check.
	await expect(page.getByTestId('answer-cache-stats')).toHaveCount(0);
});
