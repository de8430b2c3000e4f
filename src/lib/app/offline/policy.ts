/**
 * Pure decisions of Assay's service worker (`src/service-worker.ts`): which caches it owns and may
 * delete, which requests it answers and how, and which cached page stands in for a navigation
 * when the network is gone. No DOM, no Cache API: the worker wires these to `caches` and `fetch`.
 */

/** Prefix of every cache the service worker owns; nothing else is ever deleted. */
export const SHELL_CACHE_PREFIX = 'assay-shell-';

/** The shell cache of one build: `assay-shell-<version>` (`version` from `$service-worker`). */
export function shellCacheName(version: string): string {
	return `${SHELL_CACHE_PREFIX}${version}`;
}

/**
 * The caches to delete when the worker of cache `current` activates: older shell caches only
 * (names starting with {@link SHELL_CACHE_PREFIX}, other than `current`). WebLLM's `webllm/model`,
 * `webllm/wasm`, `webllm/config`, transformers.js' `transformers-cache`, Assay's local model
 * folders and any other cache are never returned.
 */
export function cachesToDelete(existing: readonly string[], current: string): string[] {
	return existing.filter((name) => name.startsWith(SHELL_CACHE_PREFIX) && name !== current);
}

/**
 * How the worker handles one request:
 * - `passthrough`: not handled (the browser fetches as if there were no worker; nothing is cached);
 * - `cache-first`: a precached asset: answer from the shell cache, else the network;
 * - `page`: a navigation: network first, then the cached page from {@link navigationFallback}.
 */
export type FetchRoute = 'passthrough' | 'cache-first' | 'page';

/** The parts of a `Request` the decision reads. */
export interface RequestFacts {
	/** HTTP method (`GET`, `POST`, …; case-insensitive). */
	readonly method: string;
	/** Absolute URL. */
	readonly url: string;
	/** `Request.mode`: `navigate` for page loads. */
	readonly mode: string;
}

/** Where the worker runs: its origin and the site's base path (`''` or `/assay`, no trailing slash). */
export interface ShellScope {
	readonly origin: string;
	readonly base: string;
}

/**
 * Route one request. Only same-origin GETs inside the base path are ever handled; cross-origin
 * requests (model hubs, chat endpoints, MCP servers, trace collectors, systems under test), other
 * methods, and same-origin paths that are neither precached nor navigations pass through, so
 * they are never cached by the worker. `isPrecached` answers for a URL pathname (percent-encoded,
 * as `URL.pathname` spells it; see {@link shellAssetTest}).
 * Assay's local model folders (`/__assay_models__/…`) are served by the model worker's own fetch
 * hook and never reach here.
 */
export function routeRequest(request: RequestFacts, scope: ShellScope, isPrecached: (pathname: string) => boolean): FetchRoute {
	if (request.method.toUpperCase() !== 'GET') return 'passthrough';
	let url: URL;
	try {
		url = new URL(request.url);
	} catch {
		return 'passthrough';
	}
	if (url.origin !== scope.origin) return 'passthrough';
	if (scope.base !== '' && url.pathname !== scope.base && !url.pathname.startsWith(`${scope.base}/`)) return 'passthrough';
	if (request.mode === 'navigate') return 'page';
	return isPrecached(url.pathname) ? 'cache-first' : 'passthrough';
}

/**
 * The synchronous "is this precached?" test of the worker: the shell's named paths (`build`,
 * `files`, `prerendered` and the fallback page, given as URL pathnames) or anything under
 * `${base}/_app/immutable/` (content-hashed files, all listed in {@link PRECACHE_LIST_FILE}).
 * Synchronous so that a passthrough request is decided without touching the cache.
 */
export function shellAssetTest(pathnames: Iterable<string>, base: string): (pathname: string) => boolean {
	const named = new Set(pathnames);
	const immutable = `${base}/_app/immutable/`;
	return (pathname) => named.has(pathname) || pathname.startsWith(immutable);
}

/**
 * The precached page to answer a navigation with when the network fails: the prerendered page of
 * that exact path (`/ask/index.html` counts as `/ask/`; its relative asset URLs then still
 * resolve), else the static adapter's fallback page
 * (`fallback`, e.g. `/404.html`, which boots the SPA router for any path) when precached, else
 * the prerendered home page `${base}/`. `null` when none of those is precached.
 * @param pathname the navigation's URL pathname.
 * @param prerendered the prerendered page paths (from `$service-worker`, each with the base).
 * @param fallback the fallback page's path, or `null` for none.
 */
export function navigationFallback(
	pathname: string,
	base: string,
	prerendered: readonly string[],
	fallback: string | null,
	isPrecached: (pathname: string) => boolean
): string | null {
	const pages = new Set(prerendered);
	const page = pathname.replace(/\/index\.html$/, '/');
	if (pages.has(page) && isPrecached(page)) return page;
	if (fallback !== null && isPrecached(fallback)) return fallback;
	const home = `${base}/`;
	return isPrecached(home) ? home : null;
}

/**
 * Where the build writes the list of every `_app/immutable/` file (relative to the site root;
 * written by `scripts/precache-list.ts`): worker chunks and wasm that `$service-worker`'s `build`
 * does not name.
 */
export const PRECACHE_LIST_FILE = '_app/precache.json';

/**
 * Read {@link PRECACHE_LIST_FILE}'s content: the site-root-relative paths it names, each made
 * absolute under `base`. Anything that is not an array of relative paths inside `_app/` (absolute
 * or cross-origin URLs, `..` segments) is dropped, so a tampered list cannot make the worker
 * cache other sites. Not JSON, or not an array: `[]`.
 */
export function parsePrecacheList(text: string, base: string): string[] {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch {
		return [];
	}
	if (!Array.isArray(data)) return [];
	return data
		.filter((p): p is string => typeof p === 'string' && p.startsWith('_app/') && !p.split('/').includes('..') && !p.includes('\\'))
		.map((p) => `${base}/${p}`);
}

/** Messages the page sends to a waiting worker. */
export const SKIP_WAITING_MESSAGE = 'assay:skip-waiting';
