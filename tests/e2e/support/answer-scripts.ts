import type { Page, Route } from '@playwright/test';
import { routeLlm, streamed, ROUTED_LLM_BASE } from './llm-endpoint.ts';

/**
 * Scripted chat models for the answer-evaluation tests, served at the routed OpenAI-compatible
 * endpoint. The page's real HTTP engine streams from them; which script answers depends on the
 * `model` of the request:
 * - `answerer-good`: cites source [1] and repeats the question;
 * - `answerer-bad`: a wrong answer without citations;
 * - `judge`: rubric verdicts as JSON — correctness 5 (2 for the sick-leave case, 1 for a wrong
 *   answer), invalid JSON for case en-05 (twice, so it becomes a typed error), faithfulness 4,
 *   relevancy 5; pairwise always prefers the answer shown first (position bias).
 */
export function question(body: Record<string, unknown>): string {
	const messages = body.messages as { role: string; content: string }[];
	const last = messages.at(-1)!.content;
	return /Question:\s*([^\n]*)/.exec(last)?.[1] ?? last;
}

function judgeReply(body: Record<string, unknown>): string {
	const messages = body.messages as { role: string; content: string }[];
	const system = messages[0]!.content;
	const user = messages.at(-1)!.content;
	if (/compare two answers/.test(system)) return JSON.stringify({ winner: 'A', reason: 'first one' });
	if (/against a reference answer/.test(system)) {
		if (user.includes('E1042')) return 'The answer looks fine to me.';
		if (user.includes('WRONG')) return JSON.stringify({ score: 1, reason: 'contradicts the reference' });
		return JSON.stringify({ score: user.includes('sick leave') ? 2 : 5, reason: 'compared with the reference' });
	}
	if (/supported by the retrieved context/.test(system))
		return JSON.stringify({ score: user.includes('WRONG') ? 1 : 4, reason: 'mostly supported' });
	return JSON.stringify({ score: 5, reason: 'addresses the question' });
}

/** Route the scripted models; `delayMs` slows each answer (for cancel tests). Returns the request bodies. */
export async function routeScriptedModels(page: Page, delayMs = 0): Promise<Record<string, unknown>[]> {
	return routeLlm(page, async (route: Route) => {
		const body = route.request().postDataJSON() as Record<string, unknown>;
		if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
		if (body.model === 'judge') return streamed([judgeReply(body)])(route);
		if (body.model === 'answerer-bad') return streamed(['WRONG answer ', 'without sources.'])(route);
		return streamed(['About "', question(body).slice(0, 30), '": see the handbook ', '[1].'], { prompt_tokens: 400, completion_tokens: 4 })(
			route
		);
	});
}

/** Open the Answers page on the demo workspace. */
export async function openAnswers(page: Page): Promise<void> {
	await page.goto('./');
	await page.getByTestId('index-status').filter({ hasText: '7 documents' }).waitFor();
	await page.getByTestId('answers-link').click();
	await page.locator('main[data-ready="true"]').waitFor();
}

/** Point the answering engine at the scripted endpoint, model `model`. */
export async function useAnsweringModel(page: Page, model: string): Promise<void> {
	await page.getByLabel('Base URL', { exact: true }).fill(ROUTED_LLM_BASE);
	await page.getByLabel('Model', { exact: true }).fill(model);
}

/** Point the judge engine at the scripted endpoint's `judge` model. */
export async function useJudge(page: Page): Promise<void> {
	await page.getByLabel('Judge Base URL').fill(ROUTED_LLM_BASE);
	await page.getByLabel('Judge Model').fill('judge');
}

/** Answer every demo case with `model` under `label`; waits until the run is complete. */
export async function answerAll(page: Page, model: string, label: string): Promise<void> {
	await useAnsweringModel(page, model);
	await page.getByLabel('Run label').fill(label);
	await page.getByTestId('answer-run-start').click();
	await page.getByTestId('answers-notice').filter({ hasText: 'Answered 15 cases.' }).waitFor();
}

/** Grade the open run with the scripted judge. */
export async function gradeAll(page: Page): Promise<void> {
	await useJudge(page);
	await page.getByTestId('grade-run').click();
	await page.getByTestId('answers-notice').filter({ hasText: 'Graded 15 answers.' }).waitFor();
}
