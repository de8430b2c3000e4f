import { expect, type Page, type Route } from '@playwright/test';

/** Base URL the e2e tests give the Ask page; requests to it are answered by `page.route`. */
export const ROUTED_LLM_BASE = 'http://127.0.0.1:9/v1';

/** An OpenAI-compatible SSE body: one chunk per token, a finish chunk, a usage chunk, `[DONE]`. */
export function sseBody(tokens: readonly string[], usage: { prompt_tokens: number; completion_tokens: number }, finish = 'stop'): string {
	const chunk = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
	return (
		tokens.map((t) => chunk({ choices: [{ index: 0, delta: { content: t }, finish_reason: null }] })).join('') +
		chunk({ choices: [{ index: 0, delta: {}, finish_reason: finish }] }) +
		chunk({ choices: [], usage }) +
		'data: [DONE]\n\n'
	);
}

const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': 'POST, OPTIONS' };

/**
 * Serve `/chat/completions` under {@link ROUTED_LLM_BASE} with `respond` (the real HTTP engine
 * runs; only the server is scripted). Returns the JSON bodies the page sent.
 */
export async function routeLlm(page: Page, respond: (route: Route) => Promise<void>): Promise<Record<string, unknown>[]> {
	const bodies: Record<string, unknown>[] = [];
	await page.route(`${ROUTED_LLM_BASE}/chat/completions`, async (route) => {
		if (route.request().method() === 'OPTIONS') return route.fulfill({ status: 204, headers: CORS });
		bodies.push(route.request().postDataJSON() as Record<string, unknown>);
		return respond(route);
	});
	return bodies;
}

/** Fulfil with a streamed answer. */
export function streamed(tokens: readonly string[], usage = { prompt_tokens: 321, completion_tokens: tokens.length }, finish = 'stop') {
	return (route: Route) =>
		route.fulfill({ status: 200, headers: { ...CORS, 'content-type': 'text/event-stream' }, body: sseBody(tokens, usage, finish) });
}

/** Fill the engine settings on the Ask page. */
export async function useRoutedEngine(page: Page, model = 'scripted-test-model'): Promise<void> {
	await page.getByLabel('Base URL').fill(ROUTED_LLM_BASE);
	await page.getByLabel('Model', { exact: true }).fill(model);
}

/** Open the demo workspace, wait for its 7 documents, go to Ask and point it at {@link ROUTED_LLM_BASE}. */
export async function openAskRouted(page: Page): Promise<void> {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByTestId('ask-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await useRoutedEngine(page);
}

/**
 * From the library page: open Ask, point it at {@link ROUTED_LLM_BASE}, ask `question` and wait
 * until the answer has finished with `stop` (the route must already answer, see {@link routeLlm}).
 */
export async function askRouted(page: Page, question: string): Promise<void> {
	await page.getByTestId('ask-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await useRoutedEngine(page);
	await page.getByLabel('Question', { exact: true }).fill(question);
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'stop');
}
