/**
 * XML text helpers (JUnit files of `assay eval` and of the Agent page's evaluations).
 */

/** Characters XML 1.0 forbids: controls other than tab, LF and CR; lone surrogates; U+FFFE/U+FFFF. */
const FORBIDDEN = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * `text` as XML character data or an attribute value (quotes escaped too), with the
 * characters XML 1.0 forbids removed, so any text makes a well-formed file.
 */
export function xmlEscape(text: string): string {
	return text
		.replace(FORBIDDEN, '')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}
