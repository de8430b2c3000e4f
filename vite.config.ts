import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { precacheList } from './scripts/precache-list.ts';

export default defineConfig({
	// precacheList: the service worker's list of worker chunks and wasm (src/service-worker.ts).
	plugins: [sveltekit(), precacheList()],
	worker: { format: 'es' },
	// voy-search ships wasm imported as an ES module: pre-bundling breaks it in dev.
	optimizeDeps: { exclude: ['voy-search'] },
	server: { fs: { allow: ['workers'] } },
	// Timeouts bound a hung test so it fails loudly; they are not speed checks and are sized for
	// a 2-core machine with both cores busy (issue 11, item 20). Vitest's 5 s / 10 s defaults
	// failed property tests and hooks on such a machine.
	test: {
		testTimeout: 120_000,
		hookTimeout: 120_000,
		projects: [
			{
				extends: true,
				test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' }
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					testTimeout: 300_000,
					hookTimeout: 300_000
				}
			}
		]
	}
});
