import { Marked } from 'marked';
import DOMPurify from 'dompurify';
import { summarizeCitations } from '$lib/generation/index.ts';
import { describeLink } from '$lib/shared/display.ts';
import { markHtmlText, markTerms } from './highlight-html.ts';

/**
 * Safe Markdown for untrusted text (model answers, document text). Three layers:
 * 1. marked renders with raw HTML ESCAPED (shown as text, never parsed as markup) and images
 *    replaced by their alt text (remote images are never fetched);
 * 2. DOMPurify sanitises the result with an allow-list of tags and attributes (no event
 *    handlers, no `style`, no `javascript:`/`data:` URLs);
 * 3. a hook keeps only `http(s)`/`mailto` links (opened in a new tab, `noopener noreferrer`,
 *    so nothing happens until the user clicks) and citation links `#cite-n`.
 * Every kept outbound link is followed by the host it goes to (`text (evil.example)`), and one
 * whose address carries data (a query string, or `=` in the fragment) is marked
 * `data-confirm`: {@link guardLinkClicks} then asks, showing the full address, before opening it.
 * The site CSP (`img-src 'self' data: blob:`) is the last line of defence.
 */

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const marked = new Marked({ gfm: true, async: false });
marked.use({
	renderer: {
		html: ({ text }) => escapeHtml(text),
		image: ({ text }) => `<span class="image-alt">[image: ${escapeHtml(text)}]</span>`,
		link(token) {
			const target = describeLink(token.href);
			// Citation and relative links render as marked does (the sanitiser decides what stays).
			if (target === null) return false;
			const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
			return `<a href="${escapeHtml(token.href)}"${title}>${this.parser.parseInline(token.tokens)}</a><span class="link-host"> (${escapeHtml(target.host)})</span>`;
		}
	}
});

const ALLOWED_TAGS = [
	'p',
	'br',
	'hr',
	'a',
	'em',
	'strong',
	'del',
	'code',
	'pre',
	'blockquote',
	'ul',
	'ol',
	'li',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'table',
	'thead',
	'tbody',
	'tr',
	'th',
	'td',
	'span',
	'sup'
];
const ALLOWED_ATTR = ['href', 'title', 'class', 'data-citation', 'start', 'align'];

let hooked = false;
function purifier(): typeof DOMPurify {
	if (hooked) return DOMPurify;
	hooked = true;
	DOMPurify.addHook('afterSanitizeAttributes', (node) => {
		if (node.nodeName !== 'A') return;
		const href = node.getAttribute('href') ?? '';
		const cite = /^#cite-(\d+)$/.exec(href);
		if (cite) {
			node.setAttribute('data-citation', cite[1]!);
			return;
		}
		if (!/^(https?:|mailto:)/i.test(href)) {
			node.removeAttribute('href');
			return;
		}
		node.setAttribute('target', '_blank');
		node.setAttribute('rel', 'noopener noreferrer nofollow');
		if (describeLink(href)?.carriesData === true) node.setAttribute('data-confirm', 'true');
	});
	return DOMPurify;
}

/**
 * Turn citation markers (every form `summarizeCitations` reads: `[1]`, `[1, 2]`, `[1-3]`, `[^1]`,
 * `【1】`, `［2］`, `(Source 1)`) into Markdown links `[&#91;1&#93;](#cite-1)`, one per number; the
 * brackets are entities so a reference definition `[1]: url` in the text cannot turn the link text
 * into a nested link. A bracketed year (`[2019]`, naming none of the `sourceCount` sources) stays text.
 */
export function linkCitations(text: string, sourceCount = 0): string {
	let out = '';
	let at = 0;
	for (const m of summarizeCitations(text, sourceCount).markers) {
		out += text.slice(at, m.start) + m.numbers.map((n) => `[&#91;${n}&#93;](#cite-${n})`).join('');
		at = m.end;
	}
	return out + text.slice(at);
}

/**
 * Render untrusted Markdown to HTML sanitized by DOMPurify for `{@html}`. With `citations: true`, citation
 * markers become `<a data-citation="n">` links (the caller opens source n on click); `sourceCount` (default 0)
 * is the number of packed sources, so that only a bracketed year naming none of them stays text.
 */
export function renderSafeMarkdown(text: string, options: { citations?: boolean; sourceCount?: number } = {}): string {
	return purifier().sanitize(markdownToHtml(text, options), {
		ALLOWED_TAGS,
		ALLOWED_ATTR,
		ALLOW_DATA_ATTR: false,
		ADD_ATTR: ['target', 'rel']
	});
}

/**
 * Layer 1 of {@link renderSafeMarkdown} alone: marked's HTML with raw HTML escaped, images as
 * their alt text and each outbound link followed by its host. NOT safe to insert as HTML by itself (only the sanitised output of renderSafeMarkdown is).
 */
export function markdownToHtml(text: string, options: { citations?: boolean; sourceCount?: number } = {}): string {
	return marked.parse(options.citations ? linkCitations(text, options.sourceCount) : text) as string;
}

/** Text of the question {@link guardLinkClicks} asks before opening a link whose address carries data. */
export function confirmLinkMessage(href: string): string {
	const target = describeLink(href);
	return `This link goes to ${target?.host ?? 'another site'} and its address carries data, which that site will receive:\n\n${href}\n\nOpen it in a new tab?`;
}

/**
 * Guard clicks on rendered links under `root` (the app installs it once on the document): a
 * link marked `data-confirm` by {@link renderSafeMarkdown} opens only after `confirm` (the
 * browser's dialog, showing the full address) says yes, then in a new tab without opener or
 * referrer; a middle click on one is stopped. Other links behave as rendered. Returns the
 * function that removes the guard.
 */
export function guardLinkClicks(
	root: Document | HTMLElement,
	confirm: (message: string) => boolean = (m) => window.confirm(m),
	open: (href: string) => void = (href) => void window.open(href, '_blank', 'noopener,noreferrer')
): () => void {
	const onClick = (event: MouseEvent) => {
		const link = (event.target as Element | null)?.closest?.('a[data-confirm]');
		if (!(link instanceof HTMLAnchorElement)) return;
		event.preventDefault();
		event.stopPropagation();
		if (event.type !== 'click') return;
		if (confirm(confirmLinkMessage(link.href))) open(link.href);
	};
	root.addEventListener('click', onClick as EventListener, true);
	root.addEventListener('auxclick', onClick as EventListener, true);
	return () => {
		root.removeEventListener('click', onClick as EventListener, true);
		root.removeEventListener('auxclick', onClick as EventListener, true);
	};
}

/**
 * A search hit's chunk text as safe HTML: {@link renderSafeMarkdown} (no citations), then the
 * hit's marked query terms (`ranges`: `[start, end)` UTF-16 offsets into `text`) marked again in
 * the sanitised HTML's text nodes (`markHtmlText`), then sanitised once more with `mark` allowed,
 * so highlighting can add nothing but `<mark>` elements.
 */
export function renderHitMarkdown(text: string, ranges: readonly (readonly [number, number])[]): string {
	const html = renderSafeMarkdown(text);
	const terms = markTerms(text, ranges);
	if (terms.length === 0) return html;
	return purifier().sanitize(markHtmlText(html, terms), {
		ALLOWED_TAGS: [...ALLOWED_TAGS, 'mark'],
		ALLOWED_ATTR,
		ALLOW_DATA_ATTR: false,
		ADD_ATTR: ['target', 'rel']
	});
}
