import type { Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './support/fixtures.ts';

/** Open the palette with the keyboard, type `query`, run the highlighted command with Enter. */
async function runFromPalette(page: Page, query: string) {
	// The shortcut listens once the shell is hydrated (a key pressed before that is the browser's).
	await expect(page.locator('.shell')).toHaveAttribute('data-interactive', 'true');
	await page.keyboard.press('Control+K');
	const palette = page.getByTestId('command-palette');
	await expect(palette).toBeVisible();
	await expect(page.getByRole('combobox', { name: 'Command' })).toBeFocused();
	await page.keyboard.type(query);
	await page.keyboard.press('Enter');
	await expect(palette).toBeHidden();
}

const PAGES = [
	{ query: 'go to ask', path: /\/ask\/$/, link: 'ask-link' },
	{ query: 'evaluations', path: /\/evals\/$/, link: 'evals-link' },
	{ query: 'answer evals', path: /\/answers\/$/, link: 'answers-link' },
	{ query: 'go to library', path: /\/$/, link: 'library-link' }
] as const;

test('the command palette reaches every page by keyboard alone and runs the library’s main actions', async ({ page }) => {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	for (const target of PAGES) {
		await runFromPalette(page, target.query);
		await expect(page).toHaveURL(target.path);
		await expect(page.getByTestId(target.link)).toHaveAttribute('aria-current', 'page');
	}
	await expect(page.getByTestId('index-status')).toContainText('7 documents');

	// "Search the library" puts focus in the search box: a query typed next runs with Enter.
	await runFromPalette(page, 'search the library');
	const query = page.getByLabel('Search query');
	await expect(query).toBeFocused();
	await page.keyboard.type('SYNC_CONFLICT');
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('hit').first()).toBeVisible();

	// Escape closes the palette and focus returns to where it was.
	await query.focus();
	await page.keyboard.press('Control+K');
	await expect(page.getByTestId('command-palette')).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('command-palette')).toBeHidden();
	await expect(query).toBeFocused();

	// Typing filters: a query that matches nothing says so.
	await page.keyboard.press('Control+K');
	await page.keyboard.type('zebra crossing');
	await expect(page.getByTestId('palette-empty')).toBeVisible();
	await page.keyboard.press('Escape');

	// "Import documents" opens the file picker.
	const chooser = page.waitForEvent('filechooser', { timeout: 60_000 });
	await runFromPalette(page, 'import documents');
	expect((await chooser).isMultiple()).toBe(true);
});

test('the top bar’s button opens the palette too, and it lists the pages and themes in groups', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('palette-button')).toContainText(/Ctrl K|⌘K/);
	await page.getByTestId('palette-button').click();
	const palette = page.getByTestId('command-palette');
	for (const heading of ['Go to', 'Actions', 'Settings']) await expect(palette.getByText(heading, { exact: true })).toBeVisible();
	for (const label of [
		'Go to Library',
		'Go to Search',
		'Go to Ask',
		'Go to Evaluations',
		'Go to Answer evals',
		'Go to Models and endpoints',
		'Theme: dark'
	])
		await expect(palette.getByRole('option', { name: label })).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('palette-button')).toBeFocused();
});

test('the theme toggle switches light and dark, survives a reload (applied before the app’s scripts run) and System follows the OS', async ({
	page
}) => {
	await page.addInitScript(() => {
		(window as unknown as { __csp: string[] }).__csp = [];
		document.addEventListener('securitypolicyviolation', (e) =>
			(window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`)
		);
	});
	const surface = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
	await page.emulateMedia({ colorScheme: 'light' });
	await page.goto('./?demo=0');
	const toggle = page.getByTestId('theme-toggle');
	await expect(toggle.getByRole('button', { name: 'System' })).toHaveAttribute('aria-pressed', 'true');
	const light = await surface();

	await toggle.getByRole('button', { name: 'Dark' }).click();
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
	const dark = await surface();
	expect(dark).not.toBe(light);

	await page.reload();
	await expect(toggle.getByRole('button', { name: 'Dark' })).toHaveAttribute('aria-pressed', 'true');
	expect(await surface()).toBe(dark);
	expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);

	// Without the app's scripts only the inline script of app.html runs: it alone applies the choice
	// (the styles come with the scripts, so only the attribute is there to see).
	await page.route('**/_app/**', (route) => route.abort());
	await page.reload();
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
	expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
	await page.unroute('**/_app/**');

	// The palette sets it too; System follows the operating system's setting.
	await page.reload();
	await runFromPalette(page, 'theme light');
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
	expect(await surface()).toBe(light);
	await toggle.getByRole('button', { name: 'System' }).click();
	await expect(page.locator('html')).not.toHaveAttribute('data-theme', /.*/);
	await page.emulateMedia({ colorScheme: 'dark' });
	await expect.poll(surface).toBe(dark);
});

test('the navigation marks the current page, in workflow order', async ({ page }) => {
	await page.goto('./?demo=0');
	const nav = page.getByRole('navigation', { name: 'Pages' });
	await expect(nav.getByRole('link')).toHaveText([
		'Library',
		'Search',
		'Ask',
		'Agent',
		'Evaluations',
		'Answer evals',
		'Benchmarks',
		'Traces',
		'Failures',
		'Models and endpoints'
	]);
	await expect(nav.locator('[aria-current="page"]')).toHaveText(['Library']);
	await page.getByTestId('evals-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await expect(nav.locator('[aria-current="page"]')).toHaveText(['Evaluations']);
	await expect(nav.getByRole('link', { name: 'Models and endpoints' })).toHaveAttribute('href', /settings\/$/);
});

test('the first-run guide shows over the demo workspace until dismissed, and the palette shows it again', async ({ page }) => {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	const guide = page.getByTestId('first-run-guide');
	await expect(guide).toBeVisible();
	await expect(guide.getByRole('listitem')).toHaveCount(4);
	// It follows the user to the other pages until dismissed.
	await guide.getByRole('link', { name: 'Ask it' }).click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await expect(guide).toBeVisible();
	await guide.getByRole('button', { name: 'Dismiss the guide' }).click();
	await expect(guide).toBeHidden();
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await expect(guide).toBeHidden();
	await runFromPalette(page, 'show the guide');
	await expect(guide).toBeVisible();
});

test('under 900px the navigation collapses into a menu', async ({ page }) => {
	await page.setViewportSize({ width: 600, height: 800 });
	await page.goto('./?demo=0');
	const nav = page.getByRole('navigation', { name: 'Pages' });
	await expect(nav).toBeHidden();
	await page.getByRole('button', { name: 'Menu' }).click();
	await expect(nav).toBeVisible();
	await nav.getByRole('link', { name: 'Evaluations' }).click();
	await expect(page).toHaveURL(/\/evals\/$/);
});

test('the document viewer is a modal dialog: Escape closes it and focus returns to the result that opened it', async ({ page }) => {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByLabel('Search query').fill('SYNC_CONFLICT');
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	const opener = page.getByTestId('hit').first().getByRole('button').first();
	await opener.click();
	const viewer = page.getByRole('dialog');
	await expect(viewer).toBeVisible();
	await expect(viewer).toHaveAttribute('data-testid', 'document-viewer');
	await expect(viewer.getByRole('heading')).toHaveText(/\S/);
	// Focus is inside the dialog and stays there on Tab.
	await page.keyboard.press('Tab');
	expect(await viewer.evaluate((el) => el.contains(document.activeElement))).toBe(true);
	await page.keyboard.press('Escape');
	await expect(viewer).toBeHidden();
	await expect(opener).toBeFocused();
	await opener.click();
	await page.getByTestId('document-viewer').getByRole('button', { name: 'Close' }).click();
	await expect(page.getByTestId('document-viewer')).toHaveCount(0);
});

test('an import shows in the jobs tray with its progress, and keeps going and showing on the other pages', async ({ page }) => {
	await page.goto('./?demo=0');
	await expect(page.getByTestId('index-status')).toContainText('lexical ready');
	const tray = page.getByTestId('jobs-tray');
	await expect(tray).toContainText('No jobs.');
	const dir = mkdtempSync(join(tmpdir(), 'assay-e2e-shell-'));
	const files = ['a.md', 'b.md'].map((name) => {
		writeFileSync(join(dir, name), `# ${name}\n\nThe red kite soars over the valley.`);
		return join(dir, name);
	});
	await page.getByTestId('file-input').setInputFiles(files);
	await expect(tray.getByTestId('job')).toContainText('Import of 2 files');
	// Leave the library at once: the import goes on and the tray on Evaluations follows it to the end.
	await page.getByTestId('evals-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	const job = page.getByTestId('jobs-tray').getByTestId('job');
	await expect(job).toHaveAttribute('data-status', 'done');
	await expect(job).toContainText('2 added');
	await expect(job.getByRole('link', { name: 'Import of 2 files' })).toHaveAttribute('href', /\.\/$|\/$/);
	await job.getByRole('link', { name: 'Import of 2 files' }).click();
	await expect(page.getByTestId('document-list')).toContainText('a.md');
});
