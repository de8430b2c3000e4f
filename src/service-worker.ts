/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * Assay's service worker: makes the site open and search offline after one visit.
 * Install precaches the shell: `$service-worker`'s built files, prerendered pages and static
 * files (the demo workspace, attack suites), plus the build's list of every `_app/immutable/`
 * file (module workers' chunks, the ONNX Runtime and voy wasm). Activate deletes only older
 * `assay-shell-*` caches (never WebLLM's `webllm/*`, transformers.js' or local model caches).
 * Fetch answers precached same-origin GETs cache-first and navigations network-first with the
 * cached page as fallback; everything else, cross-origin above all, passes through untouched
 * and is never cached. A new worker waits until the page asks it to take over
 * (`src/lib/app/offline/updates.ts`: "An update is ready" → Reload).
 * Every response it serves carries COOP/COEP (`$lib/shared/isolation.ts`).
 * The decisions live in `$lib/app/offline/policy.ts` (unit-tested).
 */
import { base, build, files, prerendered, version } from '$service-worker';
import {
	PRECACHE_LIST_FILE,
	SKIP_WAITING_MESSAGE,
	cachesToDelete,
	navigationFallback,
	parsePrecacheList,
	routeRequest,
	shellAssetTest,
	shellCacheName
} from '$lib/app/offline/policy.ts';
import { withIsolation } from '$lib/shared/isolation.ts';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = shellCacheName(version);
/** The static adapter's fallback page (`fallback: '404.html'` in svelte.config.js): boots the SPA for any path. */
const FALLBACK = `${base}/404.html`;
const SHELL = [...new Set([...build, ...files, ...prerendered])];
const scope = { origin: sw.location.origin, base };
/** Pathnames as `URL.pathname` spells them (percent-encoded), so `/demo/ja/就業規則.md` matches. */
const pathname = (p: string) => new URL(p, sw.location.origin).pathname;
const isPrecached = shellAssetTest([...SHELL, FALLBACK].map(pathname), base);
const PAGES = prerendered.map(pathname);

/** The built files `$service-worker` does not name (worker chunks, wasm), from the build's list. */
async function extraFiles(): Promise<string[]> {
	const response = await fetch(`${base}/${PRECACHE_LIST_FILE}`, { cache: 'no-store' }).catch(() => null);
	return response?.ok ? parsePrecacheList(await response.text(), base) : [];
}

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(CACHE);
			await cache.addAll([...new Set([...SHELL, ...(await extraFiles())])]);
			// Optional: a site built without the fallback page still installs.
			const fallback = await fetch(FALLBACK).catch(() => null);
			if (fallback?.ok) await cache.put(FALLBACK, fallback);
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const name of cachesToDelete(await caches.keys(), CACHE)) await caches.delete(name);
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('message', (event) => {
	if (event.data === SKIP_WAITING_MESSAGE) void sw.skipWaiting();
});

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	const route = routeRequest(request, scope, isPrecached);
	if (route === 'passthrough') return; // untouched: the browser fetches it, nothing is cached
	// COOP/COEP on what this worker serves: the page is cross-origin isolated (threaded ONNX wasm)
	// from its second load on, even on a host that cannot set headers (see isolation.ts).
	event.respondWith((route === 'page' ? page(request) : cacheFirst(request)).then(withIsolation));
});

async function cacheFirst(request: Request): Promise<Response> {
	const cache = await caches.open(CACHE);
	return (await cache.match(request, { ignoreSearch: true })) ?? fetch(request);
}

async function page(request: Request): Promise<Response> {
	try {
		return await fetch(request);
	} catch (error) {
		const cache = await caches.open(CACHE);
		const path = navigationFallback(new URL(request.url).pathname, base, PAGES, FALLBACK, isPrecached);
		const cached = path === null ? undefined : await cache.match(path);
		if (cached) return cached;
		throw error;
	}
}
