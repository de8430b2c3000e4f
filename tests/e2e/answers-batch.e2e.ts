import { readFileSync } from 'node:fs';
import { test, expect } from './support/fixtures.ts';
import { openAnswers, routeScriptedModels, useAnsweringModel } from './support/answer-scripts.ts';

test('a run answered 4 at a time shows its throughput; its pending cases go out as Batch JSONL and come back as answers', async ({
	page
}) => {
	const bodies = await routeScriptedModels(page, 400);
	await openAnswers(page);
	await useAnsweringModel(page, 'answerer-good');
	await page.getByTestId('answer-concurrency').fill('4');
	await page.getByTestId('answer-run-start').click();
	await expect.poll(() => page.getByTestId('answer-row').count()).toBeGreaterThanOrEqual(1);
	await page.getByTestId('answer-cancel').click();
	await expect(page.getByTestId('answers-notice')).toContainText('Stopped after');
	await expect(page.getByTestId('answer-throughput')).toContainText('cases/s');
	const online = await page.getByTestId('answer-row').count();
	expect(online).toBeLessThan(15);

	const download = page.waitForEvent('download');
	await page.getByTestId('batch-export-answers').click();
	const file = await (await download).path();
	const lines = readFileSync(file, 'utf8')
		.trim()
		.split('\n')
		.map((l) => JSON.parse(l) as Record<string, unknown>);
	expect(lines).toHaveLength(15 - online);
	expect(Object.keys(lines[0]!)).toEqual(['custom_id', 'method', 'url', 'body']);
	expect(lines[0]).toMatchObject({ method: 'POST', url: '/v1/chat/completions', body: { model: 'answerer-good' } });
	expect(lines[0]!.body).not.toHaveProperty('stream');

	const output = lines
		.map((l, i) =>
			JSON.stringify({
				id: `batch_req_${i}`,
				custom_id: l.custom_id,
				response: {
					status_code: 200,
					request_id: `req_${i}`,
					body: {
						object: 'chat.completion',
						choices: [{ index: 0, message: { role: 'assistant', content: 'From the batch [1].' }, finish_reason: 'stop' }],
						usage: { prompt_tokens: 40, completion_tokens: 5 }
					}
				},
				error: null
			})
		)
		.concat(['not json'])
		.join('\n');
	const sent = bodies.length;
	await page
		.getByTestId('batch-import-answers')
		.setInputFiles({ name: 'batch_output.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(output) });
	await expect(page.getByTestId('answers-notice')).toContainText(`Imported ${15 - online} answers from the batch. 1 line(s) not applied`);
	await expect(page.getByTestId('batch-report')).toContainText('line');
	await expect(page.getByTestId('answer-row')).toHaveCount(15);
	await expect(page.locator('[data-testid="answer-row-text"]', { hasText: 'From the batch' })).toHaveCount(15 - online);
	await expect(page.getByTestId('answer-run-status')).toHaveText('complete');
	expect(bodies.length).toBe(sent);
});
