import { parseDocument } from 'htmlparser2';
import { isTag, isText, isCDATA, type AnyNode, type Element } from 'domhandler';
import type { ParsedSection } from './types.ts';

/**
 * HTML → structured plain text by walking a parsed DOM (htmlparser2 + domhandler, which run
 * in workers and Node; the HTML is never inserted into a live page). Rules:
 * - never text: script, style, noscript, template, svg, math, iframe, object, embed, canvas,
 *   head metadata, comments;
 * - block elements end lines; paragraphs, headings, lists, tables and `<pre>` are separated by
 *   a blank line, list items and table rows by a line break, `<br>` is a line break;
 * - list items start with `- ` (unordered) or `1. ` (ordered); table cells are separated by a
 *   tab; links and form controls are separated by a space, so adjacent links do not glue;
 * - whitespace collapses to one space except inside `<pre>`, which is kept verbatim; a no-break
 *   space becomes a plain space;
 * - `<title>` is the first line and the root heading; `<h1>`–`<h6>` open sections whose
 *   heading path is returned with the text.
 */

const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'embed', 'canvas', 'meta', 'link', 'base']);
const PARAGRAPH_BLOCKS = new Set(['p', 'div', 'section', 'article', 'main', 'nav', 'header', 'footer', 'aside', 'blockquote', 'pre', 'table', 'ul', 'ol', 'dl', 'figure', 'figcaption', 'form', 'fieldset', 'address', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'title', 'details', 'summary', 'caption', 'body', 'html']);
const LINE_BLOCKS = new Set(['li', 'tr', 'dt', 'dd', 'option', 'thead', 'tbody', 'tfoot']);
const SPACED_INLINE = new Set(['a', 'button', 'label', 'input', 'select', 'textarea', 'img']);
const HEADING_LEVEL: Readonly<Record<string, number>> = { title: 0, h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };

/** Text extracted from HTML, with sections opened by the title and headings. */
export interface HtmlText {
	/** Extracted text, ending with one `\n` (empty when the page has no text). */
	readonly text: string;
	/** Sections in order, covering the text; each heading starts a new one. */
	readonly sections: readonly ParsedSection[];
	/** The `<title>`, when present. */
	readonly title?: string;
}

/** Extract text from an HTML string (see module comment). Never throws on malformed HTML. */
export function htmlToText(html: string): HtmlText {
	const doc = parseDocument(html, { decodeEntities: true, lowerCaseTags: true });
	const w = new TextWriter();
	walk(doc.children, w, false);
	return w.finish();
}

function walk(nodes: readonly AnyNode[], w: TextWriter, inPre: boolean): void {
	for (const node of nodes) {
		if (isText(node)) w.text(node.data, inPre);
		else if (isCDATA(node)) walk(node.children, w, inPre);
		else if (isTag(node)) element(node, w, inPre);
	}
}

function element(el: Element, w: TextWriter, inPre: boolean): void {
	const name = el.name;
	if (SKIPPED.has(name) || el.attribs['hidden'] !== undefined) return;
	if (name === 'br') return w.lineBreak();
	if (name === 'a' && isBackLink(el)) return;
	if (name === 'td' || name === 'th') {
		w.cellStart();
		walk(el.children, w, inPre);
		w.cellEnd();
		return;
	}
	const level = HEADING_LEVEL[name];
	const block = PARAGRAPH_BLOCKS.has(name) ? 2 : LINE_BLOCKS.has(name) ? 1 : 0;
	// A paragraph that starts a list item (Word notes, `<li><p>`) stays on the marker's line.
	if (block && !((name === 'p' || name === 'div') && w.atListMarker())) w.blockBreak(block);
	if (name === 'tr') w.rowStart();
	if (name === 'li') w.listMarker(listMarker(el));
	if (SPACED_INLINE.has(name)) w.softSpace();
	if (level !== undefined) w.headingStart(level);
	if (name === 'img' && el.attribs['alt']) w.text(el.attribs['alt'], false);
	walk(el.children, w, inPre || name === 'pre');
	if (level !== undefined) w.headingEnd();
	if (SPACED_INLINE.has(name)) w.softSpace();
	if (block) w.blockBreak(block);
}

/** Arrows that note back-links are drawn with (mammoth writes `↑`, Markdown renderers `↩`). */
const BACK_LINK_TEXT = new Set(['↑', '↩', '↩\uFE0E', '↩\uFE0F', '⤴', '⬆', '^']);

/**
 * A note's link back to its reference (`<a href="#footnote-ref-1">↑</a>`): an in-page link whose
 * whole text is an arrow. It is navigation, not content, and would leave `↑` in every note.
 */
function isBackLink(a: Element): boolean {
	const href = a.attribs['href'];
	if (href === undefined || !href.startsWith('#')) return false;
	const text = textContent(a).trim();
	return BACK_LINK_TEXT.has(text);
}

function textContent(node: AnyNode): string {
	if (isText(node)) return node.data;
	if (isTag(node) || isCDATA(node)) return node.children.map(textContent).join('');
	return '';
}

/** `- ` in an unordered list, `3. ` for the third item of an ordered one (its `start` honoured). */
function listMarker(li: Element): string {
	const list = li.parent && isTag(li.parent) ? li.parent : null;
	if (list?.name !== 'ol') return '- ';
	const items = list.children.filter((c): c is Element => isTag(c) && c.name === 'li');
	const start = Number.parseInt(list.attribs['start'] ?? '1', 10);
	return `${(Number.isFinite(start) ? start : 1) + items.indexOf(li)}. `;
}

/** Builds the text line by line, tracking heading sections by offset. */
class TextWriter {
	private out = '';
	private pendingBreak = 0;
	private pendingSpace = false;
	private markerEnd = -1;
	private cellIndex = -1;
	private cellDepth = 0;
	private headingStack: { level: number; text: string }[] = [];
	private heading: { level: number; start: number } | null = null;
	private readonly sections: ParsedSection[] = [];
	private sectionStart = 0;
	private sectionPath: string[] = [];
	private title: string | undefined;

	text(data: string, inPre: boolean): void {
		// No-break spaces become plain spaces (search must see two words) but are not collapsed.
		const t = (inPre ? data.replace(/\r\n?/g, '\n') : data.replace(/[ \t\n\r\f]+/g, ' ')).replace(/\u00A0/g, ' ');
		if (t.length === 0) return;
		if (!inPre && t === ' ') {
			this.pendingSpace = true;
			return;
		}
		const lead = !inPre && t.startsWith(' ');
		const body = inPre ? t : t.trim();
		this.flushSeparators(lead);
		this.out += body;
		this.pendingSpace = !inPre && t.endsWith(' ') && body.length > 0;
	}

	softSpace(): void {
		this.pendingSpace = true;
	}

	/** Write a list item's marker (`- `, `3. `). */
	listMarker(marker: string): void {
		this.text(marker, true);
		this.markerEnd = this.out.length;
	}

	/** True right after a list marker, before any content. */
	atListMarker(): boolean {
		return this.markerEnd === this.out.length && this.pendingBreak === 0;
	}

	lineBreak(): void {
		if (this.cellDepth > 0) return this.softSpace();
		this.pendingBreak = Math.max(this.pendingBreak, 1);
		this.pendingSpace = false;
		// a <br> right after another one still ends exactly one line each
		if (this.pendingBreak === 1 && this.out.endsWith('\n')) this.out += '\n';
	}

	blockBreak(level: number): void {
		// Blocks inside a table cell (Word puts a paragraph in every cell) keep the row on one line.
		if (this.cellDepth > 0) return this.softSpace();
		this.pendingBreak = Math.max(this.pendingBreak, level);
		this.pendingSpace = false;
	}

	rowStart(): void {
		this.cellIndex = -1;
	}

	cellEnd(): void {
		this.cellDepth--;
		this.pendingSpace = false;
	}

	cellStart(): void {
		this.cellDepth++;
		this.cellIndex++;
		if (this.cellIndex > 0) {
			this.flushSeparators(false);
			this.out += '\t';
		}
		this.pendingSpace = false;
	}

	headingStart(level: number): void {
		this.flushSeparators(false);
		this.heading = { level, start: this.out.length };
		this.closeSection(this.out.length);
	}

	headingEnd(): void {
		if (!this.heading) return;
		const text = this.out.slice(this.heading.start).replace(/\s+/g, ' ').trim();
		const level = this.heading.level;
		this.heading = null;
		if (!text) return;
		if (level === 0) this.title = text;
		while (this.headingStack.length > 0 && this.headingStack[this.headingStack.length - 1]!.level >= level) this.headingStack.pop();
		this.headingStack.push({ level, text });
		this.sectionPath = this.headingStack.map((h) => h.text);
	}

	finish(): HtmlText {
		const end = this.out.length;
		this.closeSection(end);
		const text = end > 0 ? `${this.out}\n` : '';
		const sections = this.sections.map((s, i) => (i === this.sections.length - 1 ? { ...s, endOffset: text.length } : s));
		return { text, sections, ...(this.title ? { title: this.title } : {}) };
	}

	private closeSection(at: number): void {
		if (at > this.sectionStart) this.sections.push({ startOffset: this.sectionStart, endOffset: at, headingPath: this.sectionPath });
		if (at >= this.sectionStart) this.sectionStart = at;
	}

	/** Write pending line breaks (not at the very start) or one pending space (not at a line start). */
	private flushSeparators(leadingSpace: boolean): void {
		if (this.out.length === 0) {
			this.pendingBreak = 0;
			this.pendingSpace = false;
			return;
		}
		if (this.pendingBreak > 0) {
			// Look at the tail only: a regex anchored at `$` would rescan the whole text (quadratic).
			let end = this.out.length;
			while (end > 0 && this.out.charCodeAt(end - 1) === 0x20) end--;
			if (end < this.out.length) this.out = this.out.slice(0, end);
			let have = 0;
			while (have < 2 && this.out.charCodeAt(this.out.length - 1 - have) === 0x0a) have++;
			this.out += '\n'.repeat(Math.max(0, this.pendingBreak - have));
			this.pendingBreak = 0;
			this.pendingSpace = false;
			return;
		}
		if ((this.pendingSpace || leadingSpace) && !this.out.endsWith('\n') && !this.out.endsWith(' ') && !this.out.endsWith('\t')) this.out += ' ';
		this.pendingSpace = false;
	}
}
