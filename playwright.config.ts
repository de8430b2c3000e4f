import { defineConfig } from '@playwright/test';
import { chromiumExecutable, chromiumArgs } from './tests/e2e/support/chromium.ts';
import { e2ePort } from './tests/e2e/support/port.ts';

/**
 * End-to-end tests drive Debian's Chromium (found through CHROMIUM_PATH, then `chromium` on
 * the PATH) against the one production build in `build/`, served by `vite preview` on a free
 * port (ASSAY_E2E_PORT when set), so the tests run while `npm start` holds 4173.
 *
 * Timeouts are bounds that make a hung test fail loudly, not speed checks: they are sized for
 * a 2-core machine whose cores are busy with other work (issue 11, item 20).
 */
const port = e2ePort();

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 600_000,
	expect: { timeout: 60_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL: `http://localhost:${port}/`,
		launchOptions: { executablePath: chromiumExecutable(), args: chromiumArgs() },
		trace: 'off',
		// Requests a service worker answers bypass page.route (the privacy guard, fakes): tests run
		// without it; tests/e2e/offline.e2e.ts opts back in.
		serviceWorkers: 'block'
	},
	webServer: {
		command: `npx vite preview --port ${port} --strictPort`,
		url: `http://localhost:${port}/`,
		reuseExistingServer: false,
		timeout: 180_000
	}
});
