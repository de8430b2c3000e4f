/**
 * Regenerate the screenshots in docs/screenshots/: every page of the app, in the light and the
 * dark theme, as `docs/screenshots/<page>-<theme>.png` (1280×800 CSS pixels, PNG).
 *
 * Usage: npm run build && npm run screenshots   (or: npx tsx scripts/screenshots.ts)
 * It builds nothing: it serves the existing `build/` with `vite preview` on a free port and
 * drives Debian's Chromium (tests/e2e/support/chromium.ts) through playwright.
 *
 * Pages, each taken once per theme in a fresh browser context (empty storage, so the demo
 * workspace is seeded again):
 * - `library`: the demo workspace with a BM25 search and its results;
 * - `ask`: an answer with citations from the scripted endpoint of the e2e tests (routed with
 *   `page.route`; nothing leaves the machine);
 * - `evaluations`: two BM25 configurations (the workspace's chunks, 300-character chunks) run on
 *   the demo golden set (table and chart);
 * - `answer-evals`: an answer run graded by the scripted judge (grading summary);
 * - `models-and-endpoints`: the settings page with the endpoint typed on Ask as its profile;
 * - `command-palette`: the palette open over the library.
 *
 * The theme is chosen the way the shell stores it (localStorage `assay.theme`, which the inline
 * script of src/app.html applies as `data-theme` before first paint) and the operating system's
 * colour scheme is emulated to match. The first-run guide is stored as dismissed so it does not
 * cover the pages. Animations are off (reduced motion, `animations: 'disabled'`), the locale is
 * en-US and the time zone UTC; dates and timings shown on the pages are those of the run.
 * Any request outside localhost is aborted. Japanese and Korean file names need CJK fonts
 * (Debian: `apt-get install fonts-droid-fallback fonts-nanum`). When a step fails, the page as it
 * was is saved to `<tmpdir>/assay-screenshots-failure.png` and the error is rethrown. Not part of
 * `npm test`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '../tests/e2e/support/chromium.ts';
import { answerAll, gradeAll, routeScriptedModels } from '../tests/e2e/support/answer-scripts.ts';
import { ROUTED_LLM_BASE } from '../tests/e2e/support/llm-endpoint.ts';
import { scriptedAgent, searchReadAnswer } from '../tests/e2e/support/agent-endpoint.ts';
import { THEME_STORAGE_KEY } from '../src/lib/app/shell/theme.ts';
import { startLatencyModelServer, type LatencyModelServer } from '../tests/support/latency-model-server.ts';

const ROOT = join(import.meta.dirname, '..');
const OUT_DIR = join(ROOT, 'docs', 'screenshots');
const VIEWPORT = { width: 1280, height: 800 };
/** Bound on any single wait (a hung page fails loudly instead of hanging the script). */
const WAIT_MS = 180_000;
const THEMES = ['light', 'dark'] as const;
/** GUIDE_STORAGE_KEY of src/lib/app/shell/guide.svelte.ts (a runes module, not importable here). */
const GUIDE_STORAGE_KEY = 'assay.guide';
type Theme = (typeof THEMES)[number];
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** True for URLs that stay on this machine or inside the page (as the e2e privacy guard). */
function isLocalUrl(raw: string): boolean {
	const url = new URL(raw);
	return url.protocol === 'blob:' || url.protocol === 'data:' || url.protocol === 'about:' || LOCAL_HOSTS.has(url.hostname);
}

/** A TCP port that is free now (bound to 0 and released). */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** Poll `url` until it answers (bounded by {@link WAIT_MS}). */
async function waitForServer(url: string, server: ChildProcess): Promise<void> {
	for (let waited = 0; waited < WAIT_MS; waited += 250) {
		if (server.exitCode !== null) throw new Error(`vite preview exited with code ${server.exitCode}`);
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`vite preview did not answer at ${url} within ${WAIT_MS / 1000} s`);
}

/** Wait until the page's <main> reports its data as loaded. */
async function ready(page: Page): Promise<void> {
	await page.locator('main[data-ready="true"]').waitFor({ timeout: WAIT_MS });
}

/** Where each nav link leads (navigation is client-side: wait for the new URL before the new page). */
const LINK_PATHS = {
	'library-link': '/',
	'ask-link': '/ask/',
	'agent-link': '/agent/',
	'evals-link': '/evals/',
	'answers-link': '/answers/',
	'bench-link': '/bench/',
	'traces-link': '/traces/',
	'failures-link': '/failures/',
	'settings-link': '/settings/'
} as const;

/**
 * Follow the nav link `testid` (client-side, so in-memory state such as an API key survives) and
 * wait for the new page: the library's index status, or the other pages' `main[data-ready]`.
 */
async function go(page: Page, testid: keyof typeof LINK_PATHS): Promise<void> {
	await page.getByTestId(testid).first().click();
	await page.waitForURL((url) => url.pathname === LINK_PATHS[testid], { timeout: WAIT_MS });
	if (testid === 'library-link') await libraryReady(page);
	else await ready(page);
}

/** Wait until the library shows the demo workspace indexed and the shell is hydrated. */
async function libraryReady(page: Page): Promise<void> {
	await page.getByTestId('index-status').filter({ hasText: '7 documents' }).waitFor({ timeout: WAIT_MS });
	await page.getByTestId('index-status').filter({ hasText: 'ready' }).waitFor({ timeout: WAIT_MS });
	await page.locator('.shell[data-interactive="true"]').waitFor({ timeout: WAIT_MS });
}

/** Write `docs/screenshots/<name>-<theme>.png` of the viewport, after fonts and layout settle. */
async function shot(page: Page, name: string, theme: Theme): Promise<void> {
	await page.evaluate(() => document.fonts.ready.then(() => undefined));
	// Move the mouse away so no hover state shows, and drop focus rings from the last click.
	await page.mouse.move(0, 0);
	const path = join(OUT_DIR, `${name}-${theme}.png`);
	await page.screenshot({ path, type: 'png', animations: 'disabled', caret: 'hide' });
	console.log(`${path.slice(ROOT.length + 1)}  ${Math.round(statSync(path).size / 1024)} KB`);
}

/**
 * Scroll so `selector` sits `marginPx` CSS pixels below the top of the viewport (for sections
 * below the fold; the margin keeps what leads into it, or a sticky top bar, in view).
 */
async function scrollTo(page: Page, selector: string, marginPx = 16): Promise<void> {
	await page
		.locator(selector)
		.first()
		.evaluate((el, margin) => {
			el.scrollIntoView({ block: 'start', behavior: 'instant' });
			// The nearest ancestor that scrolls (the shell's content pane, else the document).
			let box: Element | null = el.parentElement;
			while (box && !(box.scrollHeight > box.clientHeight && /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
			(box ?? document.scrollingElement ?? document.documentElement).scrollBy({ top: -margin, behavior: 'instant' });
		}, marginPx);
}

/** Every page in one theme, in a fresh context. */
async function capture(browser: Browser, base: string, theme: Theme): Promise<void> {
	const context = await browser.newContext({
		viewport: VIEWPORT,
		deviceScaleFactor: 1,
		colorScheme: theme,
		reducedMotion: 'reduce',
		locale: 'en-US',
		timezoneId: 'UTC',
		// Requests a service worker answers would bypass page.route (the scripted endpoint, the guard).
		serviceWorkers: 'block'
	});
	await context.route('**/*', (route) => (isLocalUrl(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
	await context.addInitScript(
		({ themeKey, guideKey, value }) => {
			try {
				localStorage.setItem(themeKey, value);
				if (localStorage.getItem(guideKey) === null) localStorage.setItem(guideKey, 'dismissed');
			} catch {
				// storage refused: the OS colour scheme (emulated) still applies
			}
		},
		{ themeKey: THEME_STORAGE_KEY, guideKey: GUIDE_STORAGE_KEY, value: theme }
	);
	const page = await context.newPage();
	page.setDefaultTimeout(WAIT_MS);
	const pageErrors: string[] = [];
	page.on('pageerror', (e) => pageErrors.push(e.message));
	try {
		await capturePages(page, base, theme);
	} catch (error) {
		const path = join(tmpdir(), 'assay-screenshots-failure.png');
		await page.screenshot({ path, fullPage: true }).catch(() => undefined);
		console.error(`Failed in the ${theme} theme at ${page.url()}; the page as it was: ${path}`);
		for (const message of pageErrors) console.error(`page error: ${message}`);
		throw error;
	} finally {
		await context.close();
	}
}

/** The steps of {@link capture} on its page. */
async function capturePages(page: Page, base: string, theme: Theme): Promise<void> {
	await routeScriptedModels(page);

	// Library: the demo workspace and a search with results.
	await page.goto(base);
	await libraryReady(page);
	await page.getByLabel('Search query').fill('overtime approval');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await page.getByTestId('hit').first().waitFor();
	await page.getByLabel('Search query').blur();
	await shot(page, 'library', theme);

	// Ask: the scripted endpoint answers with a citation.
	await go(page, 'ask-link');
	await page.getByLabel('Base URL', { exact: true }).fill(ROUTED_LLM_BASE);
	await page.getByLabel('Model', { exact: true }).fill('answerer-good');
	await page.getByLabel('Question', { exact: true }).fill('Who approves overtime?');
	await page.getByRole('button', { name: 'Ask', exact: true }).click();
	await page.locator('[data-testid="answer"][data-finish="stop"]').waitFor();
	await scrollTo(page, 'textarea[aria-label="Question"], [data-testid="answer"]', 120);
	await shot(page, 'ask', theme);

	// Agent: a scripted tool-calling model searches, reads a chunk and answers citing it.
	await page.route(`${ROUTED_LLM_BASE}/chat/completions`, (route) =>
		route.request().method() === 'POST' && (route.request().postDataJSON() as { model?: string }).model === 'agent-scripted'
			? scriptedAgent(
					searchReadAnswer(
						'overtime approval',
						(ref) =>
							`The manager approves overtime; in a production incident it may be worked first and submitted within 2 business days (${ref}).`
					)
				)(route)
			: route.fallback()
	);
	await go(page, 'agent-link');
	await page.getByLabel('Model', { exact: true }).fill('agent-scripted');
	await page.getByLabel('Task', { exact: true }).fill('Who approves overtime, and when?');
	await page.getByRole('button', { name: 'Run agent' }).click();
	await page.locator('[data-testid="agent-result"][data-stop="final_answer"]').waitFor();
	await scrollTo(page, '[data-testid="agent-trajectory"]', 80);
	await shot(page, 'agent', theme);

	// Evaluations: two BM25 configurations on the demo golden set.
	await go(page, 'evals-link');
	await page.getByTestId('golden-select').filter({ hasText: 'Demo questions' }).waitFor();
	await page.getByRole('button', { name: 'Add configuration' }).click();
	const second = page.getByTestId('config-row').nth(1);
	await second.getByLabel('Configuration label').fill('BM25, 300-char chunks');
	await second.getByLabel('Chunk size (chars)').fill('300');
	await second.getByLabel('Chunk overlap (chars)').fill('0');
	await page.getByTestId('run-eval').click();
	await page.getByTestId('metric-chart').waitFor();
	await page.getByTestId('metric-recall@10').nth(1).waitFor();
	await scrollTo(page, 'section[aria-label="Reports"]');
	await shot(page, 'evaluations', theme);

	// Answer evals: answer the demo golden set, grade it with the scripted judge.
	await go(page, 'answers-link');
	await answerAll(page, 'answerer-good', 'lexical · prompt v1');
	await gradeAll(page);
	await scrollTo(page, '[data-testid="run-summary"]', 80);
	await shot(page, 'answer-evals', theme);

	// Traces: the answers and searches above, as traces; the Ask answer's waterfall open.
	await go(page, 'traces-link');
	await page.getByTestId('trace-row').first().waitFor();
	await page.getByTestId('trace-open').first().click();
	await page.getByTestId('waterfall').waitFor();
	await shot(page, 'traces', theme);

	// Failures: the graded answer run's low judge scores and failed checks.
	await go(page, 'failures-link');
	await page.locator('main[data-ready="true"]').waitFor();
	await shot(page, 'failures', theme);

	// Benchmarks: a local server whose latency follows a known model, swept over concurrency.
	await go(page, 'bench-link');
	await page.getByLabel('Base URL').fill(`${latency.baseUrl}/v1`);
	await page.getByLabel('Model', { exact: true }).fill('latency-model');
	await page.getByLabel('Concurrency', { exact: true }).fill('1,2,4,6');
	await page.getByLabel('Prompt length (words)').fill('64,256,512');
	await page.getByLabel('Output length (tokens)').fill('24');
	await page.getByLabel('Requests per point').fill('6');
	await page.getByLabel('Warm-up requests').fill('1');
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await page.getByTestId('bench-notice').filter({ hasText: 'Done:' }).waitFor({ timeout: 180_000 });
	await scrollTo(page, '[data-testid="bench-curve"]', 80);
	await shot(page, 'benchmarks', theme);

	// Models and endpoints: the profile the Ask page's endpoint went into.
	await go(page, 'settings-link');
	await page.getByTestId('profile').first().waitFor();
	await shot(page, 'models-and-endpoints', theme);

	// Command palette over the library.
	await go(page, 'library-link');
	await page.keyboard.press('Control+K');
	await page.getByTestId('command-palette').waitFor();
	await shot(page, 'command-palette', theme);
}

if (!existsSync(join(ROOT, 'build', 'index.html'))) {
	console.error('Usage: npm run build && npx tsx scripts/screenshots.ts   (no build/index.html: build the app first)');
	process.exit(2);
}
mkdirSync(OUT_DIR, { recursive: true });
// TTFT = 30 + 0.1 · prompt words ms, TPOT = 8 + 2 · (in flight − 1) ms (docs/serving-bench.md's model).
const latency: LatencyModelServer = await startLatencyModelServer({
	ttftBaseMs: 30,
	ttftPerPromptTokenMs: 0.1,
	tpotBaseMs: 8,
	tpotPerConcurrentMs: 2,
	cors: true
});
const port = await freePort();
const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { cwd: ROOT, stdio: 'ignore', detached: true });
try {
	const base = `http://localhost:${port}/`;
	await waitForServer(base, server);
	const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs() });
	try {
		for (const theme of THEMES) await capture(browser, base, theme);
	} finally {
		await browser.close();
	}
} finally {
	if (server.pid) process.kill(-server.pid);
	await latency.close();
}
