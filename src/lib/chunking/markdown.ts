/**
 * The little markdown structure the chunker needs: ATX headings (sections and heading paths),
 * fenced code blocks, and blank-line separated paragraphs. Follows CommonMark for these three
 * constructs (up to 3 spaces of indentation; a closing fence uses the opening character at
 * least as many times; an unclosed fence runs to the end of the text, hiding any headings).
 * Fences inside list items are recognised too (indented up to 3 spaces past the item's content
 * column, e.g. `- item` then `    ```js`); such a fence closes with a marker indented likewise, or
 * ends where the item ends (a less indented line).
 * Not recognised, by design: setext headings (`===` underlines), indented code blocks, and
 * fences in block quotes (they are treated as paragraphs).
 */

/** A fenced code block. Offsets are UTF-16 code units into the source. */
export interface CodeFence {
	/** The opening line without trailing whitespace, plus `\n` (e.g. "```ts\n"). */
	readonly openLine: string;
	/** The opening fence run, e.g. "```" or "~~~~". */
	readonly marker: string;
	/** Offset just after the opening line's `\n` (the text's end if there is none). */
	readonly bodyStart: number;
	/** Offset just after the closing marker; equals the block's `end` for an unclosed fence. */
	readonly closedAt: number;
	/** Spaces before the opening marker. */
	readonly indent: number;
	/** Content column of the list item holding the fence (0 at top level); `indent − container` ≤ 3. */
	readonly container: number;
	/** False when no closing marker (and no end of its list item) ends the fence: it runs to the end of the text. */
	readonly closed: boolean;
}

/** A block of a section: a paragraph, a heading line or a code fence, `[start, end)` (lines with their `\n`). */
export interface MarkdownBlock {
	readonly start: number;
	readonly end: number;
	readonly fence?: CodeFence;
}

/** A heading-delimited part of the text, `[start, end)`; `headingPath` is outermost first, without `#`s. */
export interface MarkdownSection {
	readonly start: number;
	readonly end: number;
	readonly headingPath: readonly string[];
	readonly blocks: readonly MarkdownBlock[];
}

const FENCE_OPEN = /^( *)(`{3,}|~{3,})(.*)$/;
/** A list item's first line: indentation, marker, the spaces after it (1–4), content. */
const LIST_ITEM = /^( *)([-+*]|\d{1,9}[.)])( {1,4})(?=\S)/;
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;

interface OpenFence {
	readonly start: number;
	readonly bodyStart: number;
	readonly marker: string;
	readonly openLine: string;
	readonly indent: number;
	readonly container: number;
}

const indentOf = (line: string) => /^ */.exec(line)![0].length;

/** Heading text of an ATX heading line's content after the `#`s: trims and drops a closing `#` run. */
function headingText(raw: string): string {
	return raw
		.trim()
		.replace(/(^|[ \t]+)#+$/, '')
		.trim();
}

/** True when `line` closes a fence opened with `marker` (same character, at least as long), indented at most `container + 3`. */
function closesFence(line: string, marker: string, container: number): number | undefined {
	const m = /^( *)(`{3,}|~{3,})[ \t]*$/.exec(line);
	if (!m || m[2] === undefined || m[1] === undefined || m[1].length > container + 3) return undefined;
	if (m[2][0] !== marker[0] || m[2].length < marker.length) return undefined;
	return m[1].length + m[2].length;
}

/**
 * Split markdown `text` into sections. The first section (before any heading) has an empty
 * heading path and is omitted when it has no blocks. Blank lines belong to no block.
 */
export function parseMarkdown(text: string): MarkdownSection[] {
	const parser = new SectionBuilder(text.length);
	let fence: OpenFence | undefined;
	// Content column of the list item the current line belongs to (undefined: top level).
	let item: number | undefined;
	let paragraphStart = -1;
	const endParagraph = (at: number) => {
		if (paragraphStart >= 0) parser.block({ start: paragraphStart, end: at });
		paragraphStart = -1;
	};
	for (let lineStart = 0; lineStart < text.length;) {
		const nl = text.indexOf('\n', lineStart);
		const next = nl === -1 ? text.length : nl + 1;
		const line = text.slice(lineStart, nl === -1 ? text.length : nl).replace(/\r$/, '');
		const blank = line.trim() === '';
		if (fence && fence.container > 0 && !blank && indentOf(line) < fence.container) {
			// The list item ends, and the fence with it (CommonMark: closed by its container).
			parser.block({ start: fence.start, end: lineStart, fence: fenceOf(fence, lineStart, true) });
			fence = undefined;
		}
		if (!fence && !blank) {
			const listItem = LIST_ITEM.exec(line);
			if (listItem && listItem[1]!.length <= (item ?? 0) + 3) item = listItem[0].length;
			else if (item !== undefined && indentOf(line) < item && paragraphStart < 0) item = undefined;
		}
		const opened = fence ? undefined : openFence(line, lineStart, next, item);
		if (fence) {
			const closeLength = closesFence(line, fence.marker, fence.container);
			if (closeLength !== undefined) {
				parser.block({ start: fence.start, end: next, fence: fenceOf(fence, lineStart + closeLength, true) });
				fence = undefined;
			}
		} else if (opened) {
			endParagraph(lineStart);
			fence = opened;
		} else if (ATX_HEADING.test(line)) {
			endParagraph(lineStart);
			const m = ATX_HEADING.exec(line);
			parser.heading(lineStart, m?.[1]?.length ?? 1, headingText(m?.[2] ?? ''));
			parser.block({ start: lineStart, end: next });
		} else if (blank) {
			endParagraph(lineStart);
		} else if (paragraphStart < 0) {
			paragraphStart = lineStart;
		}
		lineStart = next;
	}
	endParagraph(text.length);
	if (fence) {
		const end = text.length;
		parser.block({ start: fence.start, end, fence: fenceOf(fence, end, false) });
	}
	return parser.finish();
}

function fenceOf(f: OpenFence, closedAt: number, closed: boolean): CodeFence {
	return { openLine: f.openLine, marker: f.marker, bodyStart: f.bodyStart, closedAt, indent: f.indent, container: f.container, closed };
}

/**
 * The fence a line opens, if it is an opening fence line (a backtick fence's info has no
 * backtick): indented at most 3 spaces, or 3 past the content column `item` of the list item
 * it continues (then the fence belongs to that item).
 */
function openFence(line: string, lineStart: number, next: number, item: number | undefined): OpenFence | undefined {
	const m = FENCE_OPEN.exec(line);
	if (!m || m[2] === undefined || m[1] === undefined) return undefined;
	const indent = m[1].length;
	const container = item !== undefined && indent >= item ? item : 0;
	if (indent > container + 3) return undefined;
	const info = m[3] ?? '';
	if (m[2][0] === '`' && info.includes('`')) return undefined;
	return { start: lineStart, bodyStart: next, marker: m[2], openLine: line.trimEnd() + '\n', indent, container };
}

/** A document-level finding about the Markdown structure, e.g. an unterminated code fence. */
export interface MarkdownWarning {
	/** `unterminated-code-fence`. */
	readonly kind: 'unterminated-code-fence';
	readonly message: string;
	readonly count: number;
}

/**
 * Structural problems of markdown `text` worth telling the user: a code fence that is never
 * closed runs to the end of the text (CommonMark), hiding every heading after it and rendering
 * the rest as code. Returns `[]` when there is none.
 */
export function markdownWarnings(text: string): MarkdownWarning[] {
	const open = parseMarkdown(text).flatMap((s) => s.blocks.filter((b) => b.fence && !b.fence.closed));
	if (open.length === 0) return [];
	const line = text.slice(0, open[0]!.start).split('\n').length;
	return [
		{
			kind: 'unterminated-code-fence',
			message: `A code fence opened on line ${line} is never closed: everything after it is read as code (its headings do not start sections).`,
			count: open.length
		}
	];
}

/** Accumulates blocks into sections, tracking the heading stack. */
class SectionBuilder {
	private readonly sections: MarkdownSection[] = [];
	private readonly stack: { level: number; text: string }[] = [];
	private start = 0;
	private path: readonly string[] = [];
	private blocks: MarkdownBlock[] = [];
	private readonly length: number;

	constructor(length: number) {
		this.length = length;
	}

	block(block: MarkdownBlock): void {
		this.blocks.push(block);
	}

	/** A heading of `level` (1–6) at `offset` ends the current section and opens the next. */
	heading(offset: number, level: number, text: string): void {
		this.close(offset);
		while ((this.stack[this.stack.length - 1]?.level ?? 0) >= level) this.stack.pop();
		this.stack.push({ level, text });
		this.start = offset;
		this.path = this.stack.map((h) => h.text);
	}

	finish(): MarkdownSection[] {
		this.close(this.length);
		return this.sections;
	}

	private close(end: number): void {
		if (this.blocks.length > 0) this.sections.push({ start: this.start, end, headingPath: this.path, blocks: this.blocks });
		this.blocks = [];
	}
}
