import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { answerAll, gradeAll, openAnswers, routeScriptedModels } from './support/answer-scripts.ts';
import { ROUTED_LLM_BASE, routeLlm, streamed } from './support/llm-endpoint.ts';

/**
 * Accessibility audit (issue 13, item 4): axe-core runs in the page on every page and its main
 * states, against WCAG 2.0/2.1 A and AA and axe's best practices. A state passes with no
 * violation of impact `serious` or `critical`; the rest are printed for information. axe-core is
 * evaluated from node_modules (no network, and through the debugger protocol so the site's CSP
 * stays on), so the privacy guard stays on too.
 */
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeNode {
	target: unknown[];
}
interface AxeViolation {
	id: string;
	impact: string | null;
	help: string;
	nodes: AxeNode[];
}

/** Run axe on the whole document; returns its violations. */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
	if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
	return page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
		const result = await axe.run(document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
			resultTypes: ['violations']
		});
		return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
	});
}

/** One line per violation: rule id, impact, help, and the target selectors of its nodes. */
function describe(violations: AxeViolation[]): string {
	return violations
		.map((v) => {
			const targets = v.nodes.map((n) => n.target.map(String).join(' >> '));
			return `${v.id} [${v.impact}] ${v.help} — ${v.nodes.length} node(s): ${targets.slice(0, 8).join(' | ')}${targets.length > 8 ? ' | …' : ''}`;
		})
		.join('\n');
}

/**
 * Audit the page in state `state`: print every violation, and fail listing the serious and
 * critical ones (rule id, impact, target selectors).
 */
async function audit(page: Page, state: string): Promise<void> {
	const violations = await axeViolations(page);
	const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	const nodes = (list: AxeViolation[]) => list.reduce((n, v) => n + v.nodes.length, 0);
	console.log(
		`[a11y] ${state}: ${blocking.length} serious/critical rule(s) (${nodes(blocking)} nodes), ${violations.length} rule(s) in all (${nodes(violations)} nodes)` +
			(violations.length ? `\n${describe(violations)}` : '')
	);
	expect.soft(blocking, `serious or critical axe violations in "${state}":\n${describe(blocking)}`).toEqual([]);
}

/** Wait until the shell is hydrated (its keyboard shortcuts listen from then on). */
async function shellReady(page: Page): Promise<void> {
	await expect(page.locator('.shell')).toHaveAttribute('data-interactive', 'true');
}

async function openLibrary(page: Page): Promise<void> {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await shellReady(page);
}

/** Where each nav link goes: navigation is client-side, so the test waits for the new URL before the new page's `main`. */
const LINK_PATHS: Record<string, string> = {
	'library-link': '/',
	'ask-link': '/ask/',
	'agent-link': '/agent/',
	'evals-link': '/evals/',
	'answers-link': '/answers/',
	'bench-link': '/bench/',
	'traces-link': '/traces/',
	'failures-link': '/failures/',
	'settings-link': '/settings/'
};

async function gotoPage(page: Page, link: string): Promise<void> {
	await page.getByTestId(link).first().click();
	await expect(page).toHaveURL((url) => url.pathname === LINK_PATHS[link]);
	// The library's readiness shows in its index status; the other pages mark their `main`.
	if (link === 'library-link') await expect(page.getByTestId('index-status')).toContainText('ready');
	else await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
}

test('the library, a search with results and the open document viewer have no serious or critical axe violations', async ({ page }) => {
	await openLibrary(page);
	await audit(page, 'library with the demo');
	await page.getByLabel('Search query').fill('password rotation');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('hit').first()).toBeVisible();
	await audit(page, 'library search results');
	await page.getByTestId('hit').first().getByRole('button').first().click();
	await expect(page.getByTestId('document-viewer')).toBeVisible();
	await audit(page, 'library document viewer');
});

test('an empty workspace on every page, an import with rejected files, and the open settings and traces have no serious or critical axe violations', async ({
	page
}) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	await expect(page.getByTestId('no-documents')).toBeVisible();
	await audit(page, 'library of an empty workspace');
	for (const link of ['ask-link', 'agent-link', 'evals-link', 'answers-link', 'bench-link', 'traces-link', 'failures-link']) {
		await gotoPage(page, link);
		await audit(page, `${link.replace('-link', '')} on an empty workspace`);
	}
	await gotoPage(page, 'library-link');
	const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-a11y-'));
	const files = Object.entries({ 'good.md': '# Kites\n\nThe red kite soars over the valley.', 'empty.txt': '' }).map(([name, body]) => {
		writeFileSync(join(dir, name), body);
		return join(dir, name);
	});
	await page.getByTestId('file-input').setInputFiles(files);
	await expect(page.getByTestId('import-done')).toBeVisible();
	await expect(page.getByTestId('import-problems').locator('li')).toHaveCount(1);
	await page.getByText('Workspace settings').click();
	await page.getByText('Traces (recent spans)').click();
	await audit(page, 'library after an import with a rejected file, settings and traces open');
});

test('Ask before and after a scripted answer, and Models and endpoints, have no serious or critical axe violations', async ({ page }) => {
	await routeScriptedModels(page);
	await openLibrary(page);
	await gotoPage(page, 'ask-link');
	await audit(page, 'ask before an answer');
	await page.getByLabel('Base URL', { exact: true }).fill(ROUTED_LLM_BASE);
	await page.getByLabel('Model', { exact: true }).fill('answerer-good');
	await page.getByLabel('Question', { exact: true }).fill('How long is the password rotation period?');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'stop');
	await audit(page, 'ask after an answer');
	await gotoPage(page, 'settings-link');
	await audit(page, 'models and endpoints');
});

test('Evaluations with the demo golden set, after two runs (report table, chart) and a comparison, have no serious or critical axe violations', async ({
	page
}) => {
	await openLibrary(page);
	await gotoPage(page, 'evals-link');
	await expect(page.getByTestId('golden-select')).toContainText('Demo questions');
	await audit(page, 'evaluations with the demo golden set');
	await page.getByRole('button', { name: 'Add configuration' }).click();
	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('report-column')).toHaveCount(2, { timeout: 180_000 });
	await audit(page, 'evaluations after a run');
	await page.getByTestId('compare-baseline').selectOption({ index: 0 });
	await page.getByTestId('compare-candidate').selectOption({ index: 1 });
	await page.getByTestId('compare').click();
	await expect(page.getByTestId('comparison')).toBeVisible();
	await audit(page, 'evaluations comparison');
});

test('Evaluations with synthetic cases waiting for review, and one being edited, have no serious or critical axe violations', async ({
	page
}) => {
	let n = 0;
	await routeLlm(page, (route) =>
		streamed([JSON.stringify({ question: `Generated question number ${++n} here?`, answer: 'An answer.' })])(route)
	);
	await openLibrary(page);
	await gotoPage(page, 'ask-link');
	await page.getByLabel('Base URL', { exact: true }).fill(ROUTED_LLM_BASE);
	await page.getByLabel('Model', { exact: true }).fill('writer');
	await gotoPage(page, 'evals-link');
	await page.getByLabel('Synthetic questions', { exact: true }).fill('2');
	await page.getByTestId('synthetic-generate').click();
	await expect(page.getByTestId('synthetic-case')).toHaveCount(2);
	await audit(page, 'evaluations with synthetic cases pending review');
	await page.getByTestId('synthetic-case').first().getByRole('button', { name: 'Edit' }).click();
	await audit(page, 'evaluations editing a synthetic case');
});

test('Answer evals after an answer run and its grading have no serious or critical axe violations', async ({ page }) => {
	await routeScriptedModels(page);
	await openAnswers(page);
	await audit(page, 'answer evals before a run');
	await answerAll(page, 'answerer-good', 'good run');
	await audit(page, 'answer evals after an answer run');
	await gradeAll(page);
	await audit(page, 'answer evals after grading');
});

test('the command palette open, and the dark theme on the library, a search, the viewer, Ask and Evaluations, have no serious or critical axe violations', async ({
	page
}) => {
	await routeScriptedModels(page);
	await openLibrary(page);
	await page.keyboard.press('Control+K');
	await expect(page.getByTestId('command-palette')).toBeVisible();
	await audit(page, 'command palette open');
	await page.keyboard.type('theme');
	await audit(page, 'command palette filtered');
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('command-palette')).toBeHidden();

	await page.getByTestId('theme-toggle').getByRole('button', { name: 'Dark' }).click();
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
	await audit(page, 'dark: library with the demo');
	await page.keyboard.press('Control+K');
	await expect(page.getByTestId('command-palette')).toBeVisible();
	await audit(page, 'dark: command palette open');
	await page.keyboard.press('Escape');
	await page.getByLabel('Search query').fill('password rotation');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('hit').first()).toBeVisible();
	await audit(page, 'dark: library search results');
	await page.getByTestId('hit').first().getByRole('button').first().click();
	await expect(page.getByTestId('document-viewer')).toBeVisible();
	await audit(page, 'dark: library document viewer');
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('document-viewer')).toBeHidden();

	await gotoPage(page, 'ask-link');
	await page.getByLabel('Base URL', { exact: true }).fill(ROUTED_LLM_BASE);
	await page.getByLabel('Model', { exact: true }).fill('answerer-good');
	await page.getByLabel('Question', { exact: true }).fill('How long is the password rotation period?');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await expect(page.getByTestId('answer')).toHaveAttribute('data-finish', 'stop');
	await audit(page, 'dark: ask after an answer');

	await gotoPage(page, 'evals-link');
	await page.getByTestId('run-eval').click();
	await expect(page.getByTestId('report-column')).toHaveCount(1, { timeout: 180_000 });
	await audit(page, 'dark: evaluations after a run');
});

interface Focused {
	/** Tag, then the accessible name as far as the DOM tells it (aria-label, label, text). */
	name: string;
	testid: string | null;
	outline: string;
	visible: boolean;
}

/** Press Tab and describe the element that then has focus, with its computed outline. */
async function tab(page: Page, key = 'Tab'): Promise<Focused> {
	await page.keyboard.press(key);
	return page.evaluate(() => {
		const el = document.activeElement as HTMLElement | null;
		if (!el || el === document.body) return { name: 'body', testid: null, outline: 'none', visible: false };
		const label =
			el.getAttribute('aria-label') ??
			(el as HTMLInputElement).labels?.[0]?.textContent ??
			(el.getAttribute('aria-labelledby') ? document.getElementById(el.getAttribute('aria-labelledby')!)?.textContent : null) ??
			el.textContent ??
			'';
		const style = getComputedStyle(el);
		const width = parseFloat(style.outlineWidth);
		return {
			name: `${el.tagName.toLowerCase()} ${label.replace(/\s+/g, ' ').trim().slice(0, 60)}`,
			testid: el.getAttribute('data-testid'),
			outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
			visible: style.outlineStyle !== 'none' && width >= 1
		};
	});
}

test('Tab reaches the library’s main controls, a result’s scrolling chunk text and the viewer’s text, each with a visible focus outline', async ({
	page
}) => {
	await openLibrary(page);
	// Bounds on presses, not on time: the page has fewer stops than these.
	const walk = async (until: (f: Focused) => boolean): Promise<Focused[]> => {
		const seen: Focused[] = [];
		for (let i = 0; i < 200 && !seen.some(until); i++) seen.push(await tab(page));
		return seen;
	};
	const top = await walk((f) => f.name === 'button Search');
	await page.getByLabel('Search query').fill('password rotation');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(page.getByTestId('hit').first()).toBeVisible();
	const results = await walk((f) => f.testid === 'hit-text');
	const seen = [...top, ...results];
	const names = seen.map((f) => f.name);
	for (const wanted of [/^select /, /^a Ask/, /^input Search query/, /^button Search$/, /^button Document/, /^div Chunk \d+ of /])
		expect(
			names.some((n) => wanted.test(n)),
			`Tab never reached ${wanted}; it reached:\n${names.join('\n')}`
		).toBe(true);
	const hidden = seen.filter((f) => !f.visible);
	expect(hidden, `focused without a visible outline:\n${hidden.map((f) => `${f.name} (${f.outline})`).join('\n')}`).toEqual([]);

	// The document viewer opened from the keyboard (the result's title, just before its text): Tab goes from Close to the scrolling text.
	await tab(page, 'Shift+Tab');
	await page.keyboard.press('Enter');
	const viewer = page.getByTestId('document-viewer');
	await expect(viewer).toBeVisible();
	await expect(viewer.getByRole('button', { name: 'Close' })).toBeFocused();
	const text = await tab(page);
	expect(text.name).toMatch(/^pre Text of /);
	expect(text.visible, `the viewer's text has no visible outline (${text.outline})`).toBe(true);
});
