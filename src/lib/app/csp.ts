/**
 * What the site's Content-Security-Policy lets the page connect to. The policy is a
 * `<meta http-equiv="content-security-policy">` that SvelteKit writes at build time from
 * `svelte.config.js` (`kit.csp`); a meta policy cannot change at runtime, so a system under test
 * on another origin must be named at build time (`ASSAY_SYSTEM_HOSTS`, or `ASSAY_LLM_HOSTS`).
 * The page checks a URL before calling it, so the user reads "not allowed by this build's CSP"
 * instead of the browser's bare "Failed to fetch".
 */

/** The `connect-src` source list of a policy text (falls back to `default-src`, as CSP does); `null` when neither is set. */
export function connectSources(policy: string): string[] | null {
	const directives = new Map<string, string[]>();
	for (const part of policy.split(';')) {
		const [name, ...values] = part.trim().split(/\s+/);
		if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), values);
	}
	return directives.get('connect-src') ?? directives.get('default-src') ?? null;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

/**
 * Whether a CSP source list allows a request to `url` from a page at `selfOrigin`, following
 * CSP Level 3 §6.7.2.8–6.7.2.10 ("Does url match source list"): `'self'`; `*` (any http(s)
 * URL); scheme sources (`https:`); host sources with an optional scheme (`http` also allows the
 * `https` upgrade), a `*.` host wildcard (subdomains only, not the apex), a port or `*` (a
 * missing port means the scheme's default) and a path prefix. `'none'` and keyword sources allow
 * nothing else. An unparsable `url` is not allowed.
 */
export function connectAllowed(sources: readonly string[], url: string, selfOrigin: string): boolean {
	let u: URL;
	try {
		u = new URL(url);
	} catch {
		return false;
	}
	const port = u.port || DEFAULT_PORTS[u.protocol] || '';
	return sources.some((raw) => {
		const s = raw.trim();
		const lower = s.toLowerCase();
		if (lower === "'self'") return u.origin === selfOrigin;
		if (s === '*') return u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'ws:' || u.protocol === 'wss:';
		if (s.startsWith("'")) return false;
		if (/^[a-z][a-z0-9+.-]*:$/i.test(s)) return schemeMatches(lower, u.protocol);
		const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|(?:\*\.)?[^/:]+)(?::(\d+|\*))?(\/.*)?$/i.exec(s);
		if (!m) return false;
		const [, scheme, host = '', sourcePort, path] = m;
		if (scheme ? !schemeMatches(`${scheme.toLowerCase()}:`, u.protocol) : u.protocol !== 'http:' && u.protocol !== 'https:') return false;
		const h = host.toLowerCase();
		if (h === '*') {
			// `*` alone is handled above; `scheme://*` matches any host of that scheme.
		} else if (h.startsWith('*.')) {
			if (!u.hostname.toLowerCase().endsWith(h.slice(1))) return false;
		} else if (u.hostname.toLowerCase() !== h) return false;
		if (sourcePort !== '*') {
			const want = sourcePort ?? (scheme ? DEFAULT_PORTS[`${scheme.toLowerCase()}:`] : DEFAULT_PORTS[u.protocol]);
			// A source on http's default port also matches https on its default port (the upgrade).
			const upgraded = want === '80' && u.protocol === 'https:' && port === '443' && !sourcePort;
			if (port !== want && !upgraded) return false;
		}
		if (path && path !== '/') return path.endsWith('/') ? u.pathname.startsWith(path) : u.pathname === path;
		return true;
	});
}

function schemeMatches(source: string, protocol: string): boolean {
	if (source === protocol) return true;
	return (source === 'http:' && protocol === 'https:') || (source === 'ws:' && protocol === 'wss:');
}

/** The page's CSP text (the meta tag SvelteKit writes), or `null` when the page has none (dev server). */
export function pagePolicy(doc: Document): string | null {
	return doc.querySelector('meta[http-equiv="content-security-policy" i]')?.getAttribute('content') ?? null;
}

/** Which build setting allows a refused origin, and what else the user can do (for {@link cspRefusal}'s message). */
export interface CspAdvice {
	/** The comma-separated build variable, e.g. `ASSAY_SYSTEM_HOSTS` (the default) or `ASSAY_MCP_HOSTS`. */
	readonly setting: string;
	/** The last alternative of the message, e.g. `run the evaluation with "assay eval" (the CLI has no CSP)`. */
	readonly alternative: string;
}

const SYSTEM_ADVICE: CspAdvice = {
	setting: 'ASSAY_SYSTEM_HOSTS',
	alternative: 'run the evaluation with "assay eval" (the CLI has no CSP)'
};

/**
 * Why this page cannot call `url`, or `null` when its CSP allows it (or the page has no CSP).
 * The message names the origin and the build setting that allows it (`advice`; default the
 * systems under test's `ASSAY_SYSTEM_HOSTS`).
 */
export function cspRefusal(policy: string | null, url: string, selfOrigin: string, advice: CspAdvice = SYSTEM_ADVICE): string | null {
	if (policy === null) return null;
	const sources = connectSources(policy);
	if (sources === null || connectAllowed(sources, url, selfOrigin)) return null;
	let origin: string;
	try {
		origin = new URL(url).origin;
	} catch {
		return `"${url}" is not a URL.`;
	}
	return `This build's Content-Security-Policy (connect-src) does not allow ${origin}: it allows ${sources.join(' ')}. Rebuild the site with ${advice.setting}=${origin} (comma-separated origins), serve your app on localhost / 127.0.0.1, or ${advice.alternative}.`;
}
