import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The CSP hashes of the inline scripts in `src/app.html` (the theme applied before first paint):
 * SvelteKit hashes only the scripts it writes itself, so the template's own are hashed here from
 * the file, exactly as the browser hashes them (SHA-256 of the text between the tags).
 */
const templateScriptHashes = [
	...readFileSync(new URL('./src/app.html', import.meta.url), 'utf8').matchAll(/<script>([\s\S]*?)<\/script>/g)
].map((m) => /** @type {`sha256-${string}`} */ (`sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}`));

/**
 * Static SPA: every page is prerendered as a shell (`ssr = false` in the root layout) and
 * `index.html` doubles as the fallback for unknown paths. `ASSAY_BASE_PATH` (e.g. `/assay`)
 * serves the site under a sub-path; it must start with `/` and not end with one.
 */
const basePath = process.env.ASSAY_BASE_PATH ?? '';

/**
 * Hosts the model worker may download model files from, ONLY when the user picks that source:
 * the Hugging Face hub and its file CDNs, plus any mirror named at build time in
 * `ASSAY_MODEL_HOSTS` (comma-separated origins, e.g. `https://models.example.org`).
 * Local model folders and the ONNX Runtime wasm are served from 'self'.
 */
const modelHosts = [
	'https://huggingface.co',
	'https://*.huggingface.co',
	'https://*.hf.co',
	// WebLLM's prebuilt model libraries (.wasm), fetched only when the user loads an in-browser model.
	'https://raw.githubusercontent.com',
	...(process.env.ASSAY_MODEL_HOSTS ?? '')
		.split(',')
		.map((h) => h.trim())
		.filter((h) => h !== '')
];

/**
 * Hosts the Ask page may send chat requests to (an OpenAI-compatible endpoint the user sets up):
 * local servers on any port (`http://localhost:*`, `http://127.0.0.1:*` — llama.cpp, vLLM,
 * Ollama, LM Studio) plus origins named at build time in `ASSAY_LLM_HOSTS` (comma-separated,
 * e.g. `https://llm.example.org`). A meta CSP cannot change at runtime, so remote endpoints
 * must be named here.
 */
const llmHosts = [
	'http://localhost:*',
	'http://127.0.0.1:*',
	...(process.env.ASSAY_LLM_HOSTS ?? '')
		.split(',')
		.map((h) => h.trim())
		.filter((h) => h !== '')
];

/**
 * Origins of systems under test the Answer evals page may call ("Evaluate a system", type
 * `http`): origins named at build time in `ASSAY_SYSTEM_HOSTS` (comma-separated, e.g.
 * `https://rag.example.org`). Local servers are already allowed above; never `*`.
 */
const systemHosts = (process.env.ASSAY_SYSTEM_HOSTS ?? '')
	.split(',')
	.map((h) => h.trim())
	.filter((h) => h !== '');
for (const h of systemHosts) {
	if (!/^https?:\/\/[^*/\s]+$/.test(h))
		throw new Error(`ASSAY_SYSTEM_HOSTS: "${h}" is not an origin (expected e.g. https://rag.example.org; wildcards and paths are refused)`);
}

/**
 * Origins of MCP servers the Agent page may connect to ("MCP servers" panel): origins named at
 * build time in `ASSAY_MCP_HOSTS` (comma-separated, e.g. `https://mcp.example.org`). Local servers
 * are already allowed above; never `*`. The server must also send CORS headers (docs/mcp-client.md).
 */
const mcpHosts = (process.env.ASSAY_MCP_HOSTS ?? '')
	.split(',')
	.map((h) => h.trim())
	.filter((h) => h !== '');
for (const h of mcpHosts) {
	if (!/^https?:\/\/[^*/\s]+$/.test(h))
		throw new Error(`ASSAY_MCP_HOSTS: "${h}" is not an origin (expected e.g. https://mcp.example.org; wildcards and paths are refused)`);
}

/**
 * Origins of OpenTelemetry Collectors the Traces page may POST OTLP/JSON to ("Send to a
 * collector"): origins named at build time in `ASSAY_OTLP_HOSTS` (comma-separated, e.g.
 * `https://otel.example.org`). Local collectors are already allowed above; never `*`. The
 * collector must also allow the site's origin (receivers.otlp.protocols.http.cors, docs/observability.md).
 */
const otlpHosts = (process.env.ASSAY_OTLP_HOSTS ?? '')
	.split(',')
	.map((h) => h.trim())
	.filter((h) => h !== '');
for (const h of otlpHosts) {
	if (!/^https?:\/\/[^*/\s]+$/.test(h))
		throw new Error(`ASSAY_OTLP_HOSTS: "${h}" is not an origin (expected e.g. https://otel.example.org; wildcards and paths are refused)`);
}

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ pages: 'build', assets: 'build', fallback: '404.html', strict: true }),
		paths: { base: basePath, relative: true },
		// Registered by the app (src/lib/components/shell/UpdateNotice.svelte) so it can offer waiting updates.
		serviceWorker: { register: false },
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval', ...templateScriptHashes],
				'worker-src': ['self', 'blob:'],
				'connect-src': ['self', ...modelHosts, ...llmHosts, ...systemHosts, ...mcpHosts, ...otlpHosts],
				'img-src': ['self', 'data:', 'blob:'],
				'style-src': ['self', 'unsafe-inline'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['none']
			}
		}
	}
};

export default config;
