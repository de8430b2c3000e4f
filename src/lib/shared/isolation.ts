/**
 * Cross-origin isolation (COOP + COEP), which gives the page `SharedArrayBuffer` and so lets
 * ONNX Runtime's WebAssembly run on several threads (embeddings on every core). `npm start`
 * sends the headers itself (vite.config.ts `preview.headers`); on a static host that cannot set
 * headers, the service worker adds them to the pages and files it serves (the coi-serviceworker
 * pattern, https://github.com/gzuidhof/coi-serviceworker), so the page is isolated from the
 * second load on. `require-corp` is the policy every current browser supports; Assay loads no
 * cross-origin subresource without CORS (model downloads and endpoints are CORS fetches).
 * See https://web.dev/articles/coop-coep and docs/deploy.md for host header examples.
 */

/** The two response headers that make a document cross-origin isolated. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp'
};

/**
 * `response` with {@link ISOLATION_HEADERS} set (same body, status and other headers). An
 * opaque response (status 0, a no-cors cross-origin fetch) cannot be rebuilt and is returned as
 * it is; so is a response that already carries both headers.
 */
export function withIsolation(response: Response): Response {
	if (response.status === 0 || response.type === 'opaque' || response.type === 'opaqueredirect') return response;
	const entries = Object.entries(ISOLATION_HEADERS);
	if (entries.every(([name, value]) => response.headers.get(name) === value)) return response;
	const headers = new Headers(response.headers);
	for (const [name, value] of entries) headers.set(name, value);
	return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * ONNX Runtime WebAssembly threads for this context: `hardwareConcurrency` (at most 8, at least
 * 1) when the context is cross-origin isolated (threads need `SharedArrayBuffer`), else 1.
 */
export function onnxThreads(isolated: boolean, hardwareConcurrency: number | undefined): number {
	if (!isolated) return 1;
	const cores = Number.isInteger(hardwareConcurrency) && hardwareConcurrency! > 0 ? hardwareConcurrency! : 1;
	return Math.min(8, cores);
}
