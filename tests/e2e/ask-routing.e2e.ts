import { test, expect } from './support/fixtures.ts';
import { routeLlm, streamed, ROUTED_LLM_BASE } from './support/llm-endpoint.ts';

test('live routing answers an easy question with the cheap profile and a "why" question with the strong one, and says why', async ({
	page
}) => {
	const profiles = {
		version: 1,
		profiles: [
			{ id: 'p-cheap', name: 'Cheap', baseUrl: ROUTED_LLM_BASE, model: 'small-1b', storeKey: false, idleTimeoutMs: 300000 },
			{ id: 'p-strong', name: 'Strong', baseUrl: ROUTED_LLM_BASE, model: 'large-70b', storeKey: false, idleTimeoutMs: 300000 }
		]
	};
	await page.addInitScript((text) => {
		if (localStorage.getItem('assay.profiles.v1') === null) localStorage.setItem('assay.profiles.v1', text);
	}, JSON.stringify(profiles));
	const bodies = await routeLlm(page, async (route) => {
		const model = (route.request().postDataJSON() as { model: string }).model;
		return streamed([`Answer from ${model} `, '[1].'])(route);
	});
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByTestId('ask-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');

	const settings = page.getByTestId('routing-settings');
	await settings.getByRole('checkbox').check();
	await settings.getByLabel('Cheap model').selectOption('p-cheap');
	await settings.getByLabel('Strong model').selectOption('p-strong');
	const ask = async (q: string) => {
		await page.getByLabel('Question', { exact: true }).fill(q);
		await page.getByRole('button', { name: 'Ask', exact: true }).click();
		await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'stop');
	};
	await ask('How are conflicts reported?');
	await expect(page.getByTestId('answer-route')).toHaveText('Routed to cheap (small-1b) · default route · router hard-to-strong@1');
	await expect(page.getByTestId('answer-text')).toContainText('Answer from small-1b [1].');
	await ask('Why are conflicts reported?');
	await expect(page.getByTestId('answer-route')).toContainText(
		'Routed to strong (large-70b) · rule 1: keyword compare|why|explain|difference'
	);
	await expect(page.getByTestId('answer-text')).toContainText('Answer from large-70b [1].');
	expect(bodies.map((b) => b.model)).toEqual(['small-1b', 'large-70b']);

	await settings.getByLabel('Router spec').fill('{"kind": "rules"}');
	await settings.getByLabel('Router spec').blur();
	await expect(settings.getByRole('alert')).toContainText('Router spec:');
});
