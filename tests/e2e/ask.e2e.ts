import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from './support/fixtures.ts';
import { routeLlm, streamed, useRoutedEngine } from './support/llm-endpoint.ts';

async function openDemoThenAsk(page: import('@playwright/test').Page) {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByTestId('ask-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
}

test('an answer streams from an OpenAI-compatible endpoint with citations that open their retrieved chunk in place', async ({ page }) => {
	const bodies = await routeLlm(page, streamed(['Conflicts are ', 'reported as SYNC_CONFLICT ', '[1]', '.']));
	await openDemoThenAsk(page);
	await useRoutedEngine(page);
	await page.getByLabel('Question', { exact: true }).fill('SYNC_CONFLICT');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();

	const answer = page.getByTestId('answer');
	await expect(answer).toHaveAttribute('data-finish', 'stop');
	await expect(page.getByTestId('answer-text')).toContainText('Conflicts are reported as SYNC_CONFLICT [1].');
	// The prompt: sources numbered in the LAST user message, the model and token limit as chosen.
	const messages = bodies[0]!.messages as { role: string; content: string }[];
	expect(messages.at(-1)!.role).toBe('user');
	expect(messages.at(-1)!.content).toMatch(/^Sources:\n<source id="1" title="/);
	expect(bodies[0]).toMatchObject({ model: 'scripted-test-model', stream: true, max_tokens: 512 });

	await page.getByTestId('answer-text').locator('a[data-citation="1"]').click();
	const first = page.getByTestId('source').first();
	await expect(first).toHaveClass(/open/);
	await expect(first.getByTestId('source-text')).toContainText('SYNC_CONFLICT');
	await expect(page.getByTestId('answer-uncited')).toHaveCount(0);
});

test('each answer shows TTFT, TPOT and token counts and records them as GenAI span attributes', async ({ page }) => {
	await routeLlm(page, streamed(['A', ' short', ' answer', ' [1]'], { prompt_tokens: 321, completion_tokens: 4 }));
	await openDemoThenAsk(page);
	await useRoutedEngine(page);
	await page.getByLabel('Question', { exact: true }).fill('SYNC_CONFLICT');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await expect(page.getByTestId('metric-input-tokens')).toHaveText('321');
	await expect(page.getByTestId('metric-output-tokens')).toHaveText('4');
	await expect(page.getByTestId('metric-ttft')).toHaveText(/^\d+ ms$/);
	await page.getByTestId('answer-trace').locator('summary').click();
	const chat = page.locator('tr[data-span="chat scripted-test-model"]');
	await expect(chat).toContainText('gen_ai.usage.input_tokens=321');
	await expect(chat).toContainText('gen_ai.usage.output_tokens=4');
	await expect(chat).toContainText('gen_ai.server.time_to_first_token=');
	await expect(chat).toContainText('gen_ai.response.finish_reasons=stop');
});

test('an answer citing a source that was not retrieved is flagged, and one without citations is marked', async ({ page }) => {
	let call = 0;
	await routeLlm(page, (route) => (call++ === 0 ? streamed(['See [1] and [42].'])(route) : streamed(['I do not know.'])(route)));
	await openDemoThenAsk(page);
	await useRoutedEngine(page);
	await page.getByLabel('Question', { exact: true }).fill('SYNC_CONFLICT');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await expect(page.getByTestId('answer-invalid-citations')).toContainText('[42]');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await expect(page.getByTestId('answer-uncited')).toBeVisible();
});

test('an endpoint that fails shows a typed error instead of a spinner and the page stays usable', async ({ page }) => {
	await routeLlm(page, (route) =>
		route.fulfill({ status: 503, headers: { 'access-control-allow-origin': '*' }, body: 'model is loading' })
	);
	await openDemoThenAsk(page);
	await useRoutedEngine(page);
	await page.getByLabel('Question', { exact: true }).fill('SYNC_CONFLICT');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await expect(page.getByTestId('answer-error')).toContainText('LLM_REQUEST_FAILED');
	await expect(page.getByTestId('answer-error')).toContainText('HTTP 503: model is loading');
	await expect(page.getByRole('button', { name: 'Ask', exact: true })).toBeEnabled();
});

test('the stop button ends a streaming answer and keeps the text so far', async ({ page }) => {
	// A real streaming server on localhost: one token every 100 ms until the client goes away.
	const server: Server = createServer((req, res) => {
		const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' };
		if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
		res.writeHead(200, { ...cors, 'content-type': 'text/event-stream' });
		const timer = setInterval(() => res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: 'tick ' } }] })}\n\n`), 100);
		res.on('close', () => clearInterval(timer));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	try {
		await openDemoThenAsk(page);
		await page.getByLabel('Base URL').fill(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`);
		await page.getByLabel('Model', { exact: true }).fill('slow');
		await page.getByLabel('Question', { exact: true }).fill('SYNC_CONFLICT');
		await page.getByRole('button', { name: 'Ask', exact: true }).click();
		await expect(page.getByTestId('answer-text')).toContainText('tick tick');
		await page.getByRole('button', { name: 'Stop' }).click();
		await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'abort');
		await expect(page.getByTestId('answer-stopped')).toBeVisible();
		await expect(page.getByTestId('answer-text')).toContainText('tick');
	} finally {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}
});

// The default spec is version 2 (sources delimited as data, four rules), so the first edit is version 3.
test('a system prompt edit is saved as a new version with a diff, and the next answer uses it', async ({ page }) => {
	const bodies = await routeLlm(page, streamed(['Done [1].']));
	await openDemoThenAsk(page);
	await useRoutedEngine(page);
	const editor = page.getByTestId('prompt-editor');
	await editor.locator('summary').click();
	const rules = editor.getByLabel('Rules (one per line)');
	await rules.fill(`${await rules.inputValue()}\nAnswer in one sentence.`);
	await editor.getByRole('button', { name: 'Save as new version' }).click();
	await expect(editor.locator('summary')).toContainText('System prompt v3 (2 versions)');
	await expect(page.getByTestId('prompt-diff').locator('.add')).toHaveText(['+ 5. Answer in one sentence.']);

	await page.getByLabel('Question', { exact: true }).fill('SYNC_CONFLICT');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'stop');
	const system = (bodies[0]!.messages as { role: string; content: string }[])[0]!;
	expect(system).toMatchObject({ role: 'system', content: expect.stringContaining('5. Answer in one sentence.') });
	await page.getByTestId('answer-trace').locator('summary').click();
	await expect(page.locator('tr[data-span="rag.answer"]')).toContainText('assay.prompt.version=3');
});
