import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import type { Connect, Plugin } from 'vite';
import { precacheList } from './scripts/precache-list.ts';
import { ISOLATION_HEADERS } from './src/lib/shared/isolation.ts';

/**
 * COOP/COEP on every response of `npm start` (vite preview) and `npm run dev`: the page is
 * cross-origin isolated from the first load, so ONNX Runtime's wasm runs threaded. A middleware,
 * not `preview.headers`: SvelteKit serves the prerendered pages itself, without those headers.
 */
function isolationHeaders(): Plugin {
	const add = (server: { middlewares: Connect.Server }): void => {
		server.middlewares.use((_req, res, next) => {
			for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
			next();
		});
	};
	return { name: 'assay-isolation-headers', configureServer: add, configurePreviewServer: add };
}

export default defineConfig({
	// precacheList: the service worker's list of worker chunks and wasm (src/service-worker.ts).
	// isolationHeaders first: its middleware must run before SvelteKit's file serving.
	plugins: [isolationHeaders(), sveltekit(), precacheList()],
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
