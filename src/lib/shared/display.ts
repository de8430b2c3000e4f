/**
 * Names and addresses from untrusted sources (file names, document paths, link targets) as
 * they may be shown to a person.
 */

// Bidirectional formatting characters: LRE/RLE/PDF/LRO/RLO (U+202A–U+202E), LRI/RLI/FSI/PDI
// (U+2066–U+2069), LRM/RLM (U+200E/U+200F) and ALM (U+061C). A right-to-left override in a file
// name makes `invoice‮fdp.exe` read as `invoiceexe.pdf` (CVE-2021-42574, "Trojan Source").
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;
// C0 controls (U+0000–U+001F), DEL (U+007F) and C1 controls (U+0080–U+009F).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/u;
const UNSAFE = new RegExp(`${BIDI.source}|${CONTROL.source}`, 'gu');

const hex = (c: string) => (c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0');

/**
 * A file or document name (or path) safe to show: every bidirectional formatting character
 * (U+202A–202E, U+2066–2069, U+200E/F, U+061C) and every C0/C1 control character (U+0000–001F,
 * U+007F–009F; tab and line breaks included) becomes a visible escape `<U+202E>`, so the text
 * reads in the order it is stored and cannot fake an extension, hide a part, or break a line.
 * Everything else — letters of any script, emoji, spaces — is kept as it is. Pure; total.
 */
export function displayName(name: string): string {
	return name.replace(UNSAFE, (c) => `<U+${hex(c)}>`);
}

/** True when {@link displayName} would change `name` (it contains a bidi or control character). */
export function hasUnsafeNameCharacters(name: string): boolean {
	return new RegExp(UNSAFE.source, 'u').test(name);
}

/** An outbound link as shown to a person: its scheme, the host it goes to, and whether it carries data. */
export interface LinkTarget {
	readonly href: string;
	/** `web` for http(s), `mail` for mailto. */
	readonly kind: 'web' | 'mail';
	/** Host name as the browser will contact it (lower case, IDN as punycode `xn--…`), for mailto the host after `@`. */
	readonly host: string;
	/** True when opening it would send data in the address: a query string (`?…`) or a fragment with a `=` (`#a=b`). */
	readonly carriesData: boolean;
}

/**
 * Describe an `http:`, `https:` or `mailto:` link target; `null` for anything else (relative
 * links, `#cite-n`, `javascript:`, `data:`) or an address that does not parse.
 */
export function describeLink(href: string): LinkTarget | null {
	let url: URL;
	try {
		url = new URL(href);
	} catch {
		return null;
	}
	const carriesData = url.search !== '' || /=/.test(url.hash);
	if (url.protocol === 'http:' || url.protocol === 'https:')
		return url.hostname === '' ? null : { href: url.href, kind: 'web', host: url.hostname, carriesData };
	if (url.protocol === 'mailto:') {
		const address = decodeURIComponent(url.pathname.split(',')[0] ?? '');
		const at = address.lastIndexOf('@');
		return { href: url.href, kind: 'mail', host: displayName(at >= 0 ? address.slice(at + 1).toLowerCase() : address), carriesData };
	}
	return null;
}
