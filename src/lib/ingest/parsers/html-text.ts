import { parseDocument } from 'htmlparser2';
import { isTag, isText, isCDATA, type AnyNode, type Element } from 'domhandler';
import type { ParsedSection } from './types.ts';
import { hiddenSpan, type HiddenSpan, type HiddenTextMode } from './hidden-text.ts';
import { INITIAL_VISUAL, parseColour, parseDeclarations, SimpleStylesheet, visibilityOf, type VisualContext } from './css-visibility.ts';

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
 *   heading path is returned with the text;
 * - note back-links (an in-page `<a>` whose text is only an arrow such as `↑`) are dropped;
 * - hidden text is dropped (or, with `hiddenText: 'flag'`, kept) and returned in `hidden`:
 *   the `hidden` attribute (not `hidden="until-found"`, which the browser reveals on search),
 *   and what {@link visibilityOf} calls invisible (`display:none`, `visibility:hidden`,
 *   `opacity:0`, font under 2 px, text coloured like its background). `aria-hidden` text is
 *   kept: it is on screen, only hidden from screen readers (icons, visual duplicates). Colours
 *   are taken from inline styles and `color`/`bgcolor` attributes only (a stylesheet's colour
 *   rules need a full cascade to be trusted); display, visibility, opacity and font size also
 *   from `<style>` rules with simple selectors.
 */

const SKIPPED = new Set([
	'script',
	'style',
	'noscript',
	'template',
	'svg',
	'math',
	'iframe',
	'object',
	'embed',
	'canvas',
	'meta',
	'link',
	'base'
]);
const PARAGRAPH_BLOCKS = new Set([
	'p',
	'div',
	'section',
	'article',
	'main',
	'nav',
	'header',
	'footer',
	'aside',
	'blockquote',
	'pre',
	'table',
	'ul',
	'ol',
	'dl',
	'figure',
	'figcaption',
	'form',
	'fieldset',
	'address',
	'hr',
	'h1',
	'h2',
	'h3',
	'h4',
	'h5',
	'h6',
	'title',
	'details',
	'summary',
	'caption',
	'body',
	'html'
]);
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
	/** Hidden text spans found (dropped, or kept in `flag` mode), in document order. */
	readonly hidden: readonly HiddenSpan[];
}

/** Options of {@link htmlToText}. */
export interface HtmlTextOptions {
	/** `drop` (default): hidden text is not in the output; `flag`: it is. Both list it in `hidden`. */
	readonly hiddenText?: HiddenTextMode;
}

/** What the walk carries down the tree. */
interface WalkState {
	readonly w: TextWriter;
	readonly sheet: SimpleStylesheet;
	readonly mode: HiddenTextMode;
	readonly hidden: HiddenSpan[];
}

interface WalkContext {
	readonly inPre: boolean;
	readonly visual: VisualContext;
	/** Inside an element already recorded as hidden (flag mode): do not record again. */
	readonly insideHidden: boolean;
}

/** Extract text from an HTML string (see module comment). Never throws on malformed HTML. */
export function htmlToText(html: string, options: HtmlTextOptions = {}): HtmlText {
	const doc = parseDocument(html, { decodeEntities: true, lowerCaseTags: true });
	const styles = collectStyles(doc.children);
	const sheet = new SimpleStylesheet(styles);
	const state: WalkState = { w: new TextWriter(), sheet, mode: options.hiddenText ?? 'drop', hidden: [] };
	walk(doc.children, state, { inPre: false, visual: { ...INITIAL_VISUAL, background: pageBackground(styles) }, insideHidden: false });
	return { ...state.w.finish(), hidden: state.hidden };
}

/** The text of every `<style>` element (iterative: any depth). */
function collectStyles(roots: readonly AnyNode[]): string[] {
	const out: string[] = [];
	const stack = [...roots];
	while (stack.length > 0) {
		const node = stack.pop()!;
		if (!isTag(node)) continue;
		if (node.name === 'style') out.push(node.children.map((c) => (isText(c) ? c.data : '')).join(''));
		else for (const c of node.children) stack.push(c);
	}
	return out;
}

/** White, unless a stylesheet gives `html`/`body`/`:root` a background: then that colour, or unknown. */
function pageBackground(styles: readonly string[]): VisualContext['background'] {
	for (const css of styles) {
		for (const m of css.matchAll(/([^{}]*(?:\bhtml\b|\bbody\b|:root)[^{}]*)\{([^{}]*)\}/gi)) {
			const decls = parseDeclarations(m[2]!);
			const bg = decls.get('background-color') ?? decls.get('background');
			if (bg !== undefined) return /url\(|gradient\(/.test(bg) ? null : (parseColour(bg.split(/\s+/)[0]!) ?? null);
		}
	}
	return INITIAL_VISUAL.background;
}

/** A level of the walk: the nodes left to visit and what to do when they are done. */
interface Frame {
	readonly nodes: readonly AnyNode[];
	i: number;
	readonly ctx: WalkContext;
	readonly exit?: () => void;
}

/** Depth-first walk with an explicit stack, so any nesting depth is safe (no recursion). */
function walk(nodes: readonly AnyNode[], state: WalkState, ctx: WalkContext): void {
	const stack: Frame[] = [{ nodes, i: 0, ctx }];
	while (stack.length > 0) {
		const top = stack[stack.length - 1]!;
		if (top.i >= top.nodes.length) {
			stack.pop();
			top.exit?.();
			continue;
		}
		const node = top.nodes[top.i++]!;
		if (isText(node)) state.w.text(node.data, top.ctx.inPre);
		else if (isCDATA(node)) stack.push({ nodes: node.children, i: 0, ctx: top.ctx });
		else if (isTag(node)) {
			const entered = enter(node, state, top.ctx);
			if (entered) stack.push({ nodes: node.children, i: 0, ctx: entered.ctx, exit: entered.exit });
		}
	}
}

/** The element's own declarations: stylesheet (without colours), then attributes, then inline style. */
function declarationsOf(el: Element, sheet: SimpleStylesheet): Map<string, string> {
	const decls =
		sheet.size === 0
			? new Map<string, string>()
			: sheet.declarationsFor(el.name, (el.attribs['class'] ?? '').split(/\s+/).filter(Boolean), el.attribs['id']);
	for (const p of ['color', 'background', 'background-color']) decls.delete(p);
	if (el.attribs['bgcolor']) decls.set('background-color', el.attribs['bgcolor'].toLowerCase());
	if (el.name === 'font' && el.attribs['color']) decls.set('color', el.attribs['color'].toLowerCase());
	if (el.attribs['style']) for (const [k, v] of parseDeclarations(el.attribs['style'])) decls.set(k, v);
	return decls;
}

/**
 * Start an element: write what comes before its children; return the context for them and what
 * to write after them, or `null` when its children are not visited (skipped, hidden, `<br>`).
 */
function enter(el: Element, state: WalkState, outer: WalkContext): { ctx: WalkContext; exit?: () => void } | null {
	const name = el.name;
	if (SKIPPED.has(name)) return null;
	const hiddenAttr = el.attribs['hidden'] !== undefined && el.attribs['hidden'].toLowerCase() !== 'until-found' ? 'hidden attribute' : null;
	const vis = visibilityOf(declarationsOf(el, state.sheet), outer.visual);
	const reason = hiddenAttr ?? vis.hidden;
	let insideHidden = outer.insideHidden;
	if (reason && !outer.insideHidden) {
		const text = textContent(el);
		if (text.trim() !== '') state.hidden.push(hiddenSpan(reason, text));
		if (state.mode === 'drop' || text.trim() === '') return null;
		insideHidden = true;
	}
	const w = state.w;
	const ctx: WalkContext = { inPre: outer.inPre || name === 'pre', visual: vis.context, insideHidden };
	if (name === 'br') {
		w.lineBreak();
		return null;
	}
	if (name === 'a' && isBackLink(el)) return null;
	if (name === 'td' || name === 'th') {
		w.cellStart();
		return { ctx, exit: () => w.cellEnd() };
	}
	const level = HEADING_LEVEL[name];
	const block = PARAGRAPH_BLOCKS.has(name) ? 2 : LINE_BLOCKS.has(name) ? 1 : 0;
	// A paragraph that starts a list item (Word notes, `<li><p>`) stays on the marker's line.
	if (block && !((name === 'p' || name === 'div') && w.atListMarker())) w.blockBreak(block);
	if (name === 'tr') w.rowStart();
	if (name === 'li') w.listMarker(listMarker(el));
	const spaced = SPACED_INLINE.has(name);
	if (spaced) w.softSpace();
	if (level !== undefined) w.headingStart(level);
	if (name === 'img' && el.attribs['alt']) w.text(el.attribs['alt'], false);
	if (level === undefined && !spaced && !block) return { ctx };
	return {
		ctx,
		exit: () => {
			if (level !== undefined) w.headingEnd();
			if (spaced) w.softSpace();
			if (block) w.blockBreak(block);
		}
	};
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

/** The text under `node`, without skipped elements (iterative: any depth). */
function textContent(node: AnyNode): string {
	let out = '';
	const stack: AnyNode[] = [node];
	while (stack.length > 0) {
		const n = stack.pop()!;
		if (isText(n)) out += n.data;
		else if ((isTag(n) && !SKIPPED.has(n.name)) || isCDATA(n)) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
	}
	return out;
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

	finish(): Omit<HtmlText, 'hidden'> {
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
		if ((this.pendingSpace || leadingSpace) && !this.out.endsWith('\n') && !this.out.endsWith(' ') && !this.out.endsWith('\t'))
			this.out += ' ';
		this.pendingSpace = false;
	}
}
