import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { routeScriptedModels } from './support/answer-scripts.ts';
import { ROUTED_LLM_BASE } from './support/llm-endpoint.ts';

/** Record the model and Authorization header of every chat request (after the scripted models answer them). */
async function recordAuth(page: Page): Promise<{ model: unknown; auth: string | null }[]> {
	const seen: { model: unknown; auth: string | null }[] = [];
	await page.route(`${ROUTED_LLM_BASE}/chat/completions`, async (route) => {
		if (route.request().method() === 'POST')
			seen.push({
				model: (route.request().postDataJSON() as { model?: unknown }).model,
				auth: route.request().headers()['authorization'] ?? null
			});
		await route.fallback();
	});
	return seen;
}

const ROUTES: Record<string, RegExp> = {
	'library-link': /\/$/,
	'ask-link': /\/ask\/$/,
	'evals-link': /\/evals\/$/,
	'answers-link': /\/answers\/$/,
	'settings-link': /\/settings\/$/
};

/** Follow a nav link (client-side) and wait until the page it opens is ready. */
async function go(page: Page, link: keyof typeof ROUTES): Promise<void> {
	await page.getByTestId(link).first().click();
	await expect(page).toHaveURL(ROUTES[link]!);
	if (link === 'library-link') await expect(page.getByTestId('index-status')).toContainText('7 documents');
	else await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
}

async function openLibrary(page: Page): Promise<void> {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
}

async function askOnce(page: Page): Promise<void> {
	await page.getByLabel('Question', { exact: true }).fill('How long is the password rotation period?');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'stop');
}

test('moving between every page starts one library worker and at most one model worker for the whole visit', async ({ page }) => {
	const workers: string[] = [];
	page.on('worker', (w) => workers.push(new URL(w.url()).pathname));
	await routeScriptedModels(page);
	await openLibrary(page);
	for (const link of ['ask-link', 'evals-link', 'answers-link', 'settings-link', 'library-link', 'ask-link', 'answers-link'])
		await go(page, link);
	const named = (part: string) => workers.filter((u) => u.includes(part)).length;
	expect(named('library.worker')).toBe(1);
	expect(named('models.worker')).toBeLessThanOrEqual(1);
});

test('an endpoint typed on Ask (with a key kept in memory only) is the one Answer evals uses: nothing is typed again', async ({ page }) => {
	await routeScriptedModels(page);
	const seen = await recordAuth(page);
	await openLibrary(page);
	await go(page, 'ask-link');
	await page.getByLabel('Base URL', { exact: true }).fill(ROUTED_LLM_BASE);
	await page.getByLabel('Model', { exact: true }).fill('answerer-good');
	await page.getByLabel('API key', { exact: true }).fill('sk-typed-once');
	await askOnce(page);

	await go(page, 'answers-link');
	await expect(page.getByLabel('Model', { exact: true })).toHaveValue('answerer-good');
	await expect(page.getByLabel('API key', { exact: true })).toHaveValue('sk-typed-once');
	await page.getByLabel('Run label').fill('from Ask');
	await page.getByTestId('answer-run-start').click();
	await expect(page.getByTestId('answers-notice')).toContainText('Answered 15 cases.');
	expect(seen.length).toBe(16);
	expect(new Set(seen.map((s) => s.auth))).toEqual(new Set(['Bearer sk-typed-once']));
	// The key was never written to storage: it lives in this tab's memory only.
	const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
	expect(stored).not.toContain('sk-typed-once');
});

test('a profile made once under Models and endpoints answers on Ask and, picked by name, judges on Answer evals', async ({ page }) => {
	await routeScriptedModels(page);
	const seen = await recordAuth(page);
	await openLibrary(page);
	await go(page, 'settings-link');
	await page.getByLabel('New profile name').fill('Lab server');
	await page.getByRole('button', { name: 'Add profile' }).click();
	const lab = page.getByTestId('profile').filter({ hasText: 'Lab server' });
	await lab.locator('summary').click();
	await lab.getByLabel('Lab server Base URL').fill(ROUTED_LLM_BASE);
	await lab.getByLabel('Lab server Model').fill('judge');
	await lab.getByLabel('Lab server API key').fill('sk-lab');

	await go(page, 'ask-link');
	await page.getByLabel('Endpoint profile', { exact: true }).selectOption({ label: 'Lab server' });
	await expect(page.getByLabel('Model', { exact: true })).toHaveValue('judge');
	await askOnce(page);
	expect(seen.at(-1)).toEqual({ model: 'judge', auth: 'Bearer sk-lab' });

	await go(page, 'answers-link');
	// Ask's pick is the answering role's: choose the answering profile back, and the judge picks Lab server by name.
	await page.getByLabel('Endpoint profile', { exact: true }).selectOption({ label: 'Answering endpoint' });
	await page.getByLabel('Base URL', { exact: true }).fill(ROUTED_LLM_BASE);
	await page.getByLabel('Model', { exact: true }).fill('answerer-good');
	await page.getByLabel('Run label').fill('judged by the lab profile');
	await page.getByTestId('answer-run-start').click();
	await expect(page.getByTestId('answers-notice')).toContainText('Answered 15 cases.');
	await page.getByLabel('Judge endpoint profile').selectOption({ label: 'Lab server' });
	await expect(page.getByLabel('Judge Model')).toHaveValue('judge');
	const before = seen.length;
	await page.getByTestId('grade-run').click();
	await expect(page.getByTestId('answers-notice')).toContainText('Graded 15 answers.');
	const judged = seen.slice(before);
	expect(judged.length).toBeGreaterThan(0);
	expect(judged.every((s) => s.model === 'judge' && s.auth === 'Bearer sk-lab')).toBe(true);
});

test('the command palette runs the main action of Evaluations and Answer evals by keyboard alone', async ({ page }) => {
	await routeScriptedModels(page);
	await openLibrary(page);
	await expect(page.locator('.shell')).toHaveAttribute('data-interactive', 'true');
	const palette = async (query: string) => {
		await page.keyboard.press('Control+K');
		await expect(page.getByTestId('command-palette')).toBeVisible();
		await page.keyboard.type(query);
		await page.keyboard.press('Enter');
		await expect(page.getByTestId('command-palette')).toBeHidden();
	};
	await palette('go to evaluations');
	await expect(page).toHaveURL(/\/evals\/$/);
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await palette('run the experiment');
	await expect(page.getByTestId('report-column')).toHaveCount(1);
	// The chart follows the theme: switched from the palette, it is drawn again in the dark tokens.
	const chart = page.getByTestId('metric-chart');
	await expect(chart).toHaveAttribute('data-colours', /rgb/);
	const light = await chart.getAttribute('data-colours');
	await palette('theme dark');
	await expect(chart).not.toHaveAttribute('data-colours', light!);

	await palette('go to answer evals');
	await expect(page).toHaveURL(/\/answers\/$/);
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await page.getByLabel('Base URL', { exact: true }).fill(ROUTED_LLM_BASE);
	await page.getByLabel('Model', { exact: true }).fill('answerer-good');
	await page.getByLabel('Run label').focus();
	await palette('answer every case');
	await expect(page.getByTestId('answers-notice')).toContainText('Answered 15 cases.');
	// The notice comes just before the job lets go of the run; grading is offered once it has.
	await expect(page.getByTestId('answer-progress')).toHaveCount(0);
	await expect(page.getByTestId('answer-run-start')).toBeEnabled();
	await page.getByLabel('Judge Base URL').fill(ROUTED_LLM_BASE);
	await page.getByLabel('Judge Model').fill('judge');
	await palette('grade the open run');
	await expect(page.getByTestId('answers-notice')).toContainText('Graded 15 answers.');
});
