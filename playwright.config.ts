import { defineConfig } from '@playwright/test';
import { chromiumExecutable, chromiumArgs } from './tests/e2e/support/chromium.ts';

/**
 * End-to-end tests drive Debian's Chromium (found through CHROMIUM_PATH, then `chromium` on
 * the PATH) against the one production build in `build/`, served by `vite preview`.
 */
const port = Number(process.env.ASSAY_E2E_PORT ?? 4173);

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 120_000,
	expect: { timeout: 15_000 },
	reporter: process.env.CI ? [['list']] : [['list']],
	use: {
		baseURL: `http://localhost:${port}/`,
		launchOptions: { executablePath: chromiumExecutable(), args: chromiumArgs() },
		trace: 'off'
	},
	webServer: {
		command: `npx vite preview --port ${port} --strictPort`,
		url: `http://localhost:${port}/`,
		reuseExistingServer: false,
		timeout: 60_000
	}
});
