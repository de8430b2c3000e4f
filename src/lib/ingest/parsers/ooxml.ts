import { AssayError } from '../../shared/errors.ts';
import type { HiddenTextMode } from './hidden-text.ts';
import { hiddenSpan, type HiddenSpan } from './hidden-text.ts';

/**
 * WordprocessingML (DOCX) pre-processing, before mammoth sees the parts. Pure string work on a
 * flat token list (no recursion over the element tree, so a deeply nested part cannot overflow
 * the stack):
 * - {@link tokenizeXml} checks that a part is well-formed at the tag level and no deeper than
 *   `ingest.xmlMaxDepth`, with a readable message naming the part and line (mammoth's own XML
 *   errors are raw parser text, and its reader recurses once per element level);
 * - {@link prepareWordXml} moves text boxes (`w:txbxContent` of DrawingML shapes, which mammoth
 *   treats as pictures and drops, and of VML shapes) into the body right after the paragraph
 *   that anchors them,
 *   takes an `mc:AlternateContent` text box from its `mc:Choice` branch only (its `mc:Fallback`
 *   VML copy is dropped, so the text appears once), drops (or flags) hidden runs, and counts
 *   what cannot be read (charts, embedded objects, SmartArt, equations).
 */

/** One token of an XML string: `[start, end)` offsets into it. */
export interface XmlToken {
	readonly kind: 'open' | 'close' | 'self' | 'text' | 'other';
	readonly start: number;
	readonly end: number;
	/** Qualified element name (`w:p`) for tags. */
	readonly name: string;
	/** For `open` tokens: the index of the matching `close` token. */
	match: number;
}

/** Default of `ingest.xmlMaxDepth`. */
export const DEFAULT_XML_MAX_DEPTH = 256;

// A tag at the current '<': comment, CDATA, processing instruction, doctype, end tag, start/empty tag.
const TAG =
	/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE(?:[^>[]|\[[^\]]*\])*>|<\/([^\s>/]+)\s*>|<([^\s/>!?]+)(?:\s(?:[^>"']|"[^"]*"|'[^']*')*?)?(\/?)>/y;

/**
 * Split `xml` into tokens, matching every start tag with its end tag.
 * @param part the part name for messages (`word/document.xml`).
 * @param maxDepth most nested open elements allowed (`ingest.xmlMaxDepth`).
 * @throws AssayError `FILE_STRUCTURE_LIMIT` when elements nest deeper than `maxDepth`;
 *   `FILE_XML_MALFORMED` when a tag is broken, an end tag does not match, or elements stay open.
 */
export function tokenizeXml(xml: string, part: string, maxDepth: number): XmlToken[] {
	const tokens: XmlToken[] = [];
	const stack: number[] = [];
	let pos = 0;
	while (pos < xml.length) {
		const lt = xml.indexOf('<', pos);
		const textEnd = lt < 0 ? xml.length : lt;
		if (textEnd > pos) tokens.push({ kind: 'text', start: pos, end: textEnd, name: '', match: -1 });
		if (lt < 0) break;
		TAG.lastIndex = lt;
		const m = TAG.exec(xml);
		if (!m) throw malformed(part, xml, lt, 'a broken tag');
		const end = lt + m[0].length;
		if (m[1] !== undefined) {
			const open = stack.pop();
			const openToken = open === undefined ? undefined : tokens[open];
			if (!openToken || openToken.name !== m[1]) {
				throw malformed(part, xml, lt, openToken ? `</${m[1]}> closing <${openToken.name}>` : `</${m[1]}> without a start tag`);
			}
			openToken.match = tokens.length;
			tokens.push({ kind: 'close', start: lt, end, name: m[1], match: open! });
		} else if (m[2] !== undefined) {
			if (m[3] === '/') tokens.push({ kind: 'self', start: lt, end, name: m[2], match: -1 });
			else {
				if (stack.length >= maxDepth) {
					throw new AssayError(
						'FILE_STRUCTURE_LIMIT',
						`${part} nests elements more than ${maxDepth} levels deep (at line ${lineAt(xml, lt)}); the limit is ingest.xmlMaxDepth.`,
						{ details: { part, maxDepth } }
					);
				}
				stack.push(tokens.length);
				tokens.push({ kind: 'open', start: lt, end, name: m[2], match: -1 });
			}
		} else tokens.push({ kind: 'other', start: lt, end, name: '', match: -1 });
		pos = end;
	}
	if (stack.length > 0)
		throw malformed(part, xml, tokens[stack[stack.length - 1]!]!.start, `<${tokens[stack[stack.length - 1]!]!.name}> never closed`);
	return tokens;
}

function malformed(part: string, xml: string, at: number, what: string): AssayError {
	return new AssayError(
		'FILE_XML_MALFORMED',
		`${part} is not well-formed XML: ${what} at line ${lineAt(xml, at)}. The file is damaged or was not written by a word processor.`,
		{ details: { part, line: lineAt(xml, at) } }
	);
}

function lineAt(xml: string, offset: number): number {
	let line = 1;
	for (let i = xml.indexOf('\n'); i >= 0 && i < offset; i = xml.indexOf('\n', i + 1)) line++;
	return line;
}

/** Content that mammoth cannot turn into text, counted per kind. */
export interface UnreadableCounts {
	charts: number;
	embeddedObjects: number;
	diagrams: number;
	equations: number;
}

/** The result of {@link prepareWordXml}. */
export interface PreparedWordXml {
	readonly xml: string;
	/** Text boxes moved into the body. */
	readonly textBoxes: number;
	/** Hidden runs (dropped or, in `flag` mode, kept) in document order. */
	readonly hidden: readonly HiddenSpan[];
	readonly unreadable: UnreadableCounts;
}

/** Options of {@link prepareWordXml}. */
export interface WordXmlOptions {
	readonly part: string;
	/** `ingest.xmlMaxDepth`. */
	readonly maxDepth: number;
	/** `ingest.hiddenText`: `drop` removes hidden runs, `flag` keeps them; both record them. */
	readonly hiddenText: HiddenTextMode;
}

/**
 * Rewrite one WordprocessingML part (see module comment). Hidden runs: `w:vanish` or
 * `w:specVanish` in the run's own properties (not `w:val="0"`/`false`), white text
 * (`w:color` `FFFFFF` without highlight or shading on the run, its paragraph, cell, row or
 * table, and no coloured page background), or a font under 2 pt (`w:sz` < 4 half-points).
 * Styles that hide text are not resolved.
 * @throws AssayError from {@link tokenizeXml}.
 */
export function prepareWordXml(xml: string, options: WordXmlOptions): PreparedWordXml {
	const tokens = tokenizeXml(xml, options.part, options.maxDepth);
	// White text is visible on a coloured page background or in a shaded table, cell or paragraph.
	const darkPage = /<w:background\b[^>]*\bw:color="(?!FFFFFF"|auto")[^"]*"/i.test(xml);
	const shaded = shadedRanges(xml, tokens);
	const hidden: HiddenSpan[] = [];
	const unreadable: UnreadableCounts = { charts: 0, embeddedObjects: 0, diagrams: 0, equations: 0 };
	let textBoxes = 0;

	const rewrite = (from: number, to: number): string => {
		const out: string[] = [];
		// Open paragraphs of this range, each with the text boxes to write after it.
		const paragraphs: { close: number; after: string[] }[] = [];
		// Inside an mc:Fallback (a second rendering of its Choice): nothing is counted twice.
		let fallbackEnd = -1;
		let i = from;
		while (i < to) {
			const t = tokens[i]!;
			if (t.kind === 'open' && t.name === 'mc:Fallback' && i > fallbackEnd) fallbackEnd = t.match;
			if (t.kind === 'open' && t.name === 'mc:AlternateContent') {
				const choice = firstChild(tokens, i, 'mc:Choice');
				const boxes = choice >= 0 ? outermost(tokens, choice, 'w:txbxContent') : [];
				if (boxes.length > 0) {
					countUnreadable(tokens, choice, tokens[choice]!.match, unreadable);
					hoist(boxes, paragraphs, out);
					i = t.match + 1;
					continue;
				}
			}
			if (t.kind === 'open' && (t.name === 'w:drawing' || t.name === 'w:pict' || t.name === 'w:object')) {
				if (i > fallbackEnd) countUnreadable(tokens, i, t.match, unreadable);
				const boxes = t.name === 'w:object' ? [] : outermost(tokens, i, 'w:txbxContent');
				if (boxes.length > 0) {
					// The drawing itself stays (an image, maybe); its text boxes move after the paragraph.
					let at = t.start;
					for (const b of boxes) {
						out.push(xml.slice(at, tokens[b]!.start));
						at = tokens[tokens[b]!.match]!.end;
					}
					out.push(xml.slice(at, tokens[t.match]!.end));
					hoist(boxes, paragraphs, out);
				} else out.push(xml.slice(t.start, tokens[t.match]!.end));
				i = t.match + 1;
				continue;
			}
			if (t.kind === 'open' && t.name === 'w:r') {
				const reason = hiddenRunReason(xml, tokens, i, () => darkPage || insideAny(shaded, i));
				if (reason) {
					const text = runText(xml, tokens, i);
					if (text.trim() !== '') hidden.push(hiddenSpan(reason, text));
					if (options.hiddenText === 'drop' || text.trim() === '') {
						i = t.match + 1;
						continue;
					}
				}
			}
			if (t.kind === 'open' && (t.name === 'm:oMath' || t.name === 'm:oMathPara')) {
				if (i > fallbackEnd) unreadable.equations++;
				out.push(xml.slice(t.start, tokens[t.match]!.end));
				i = t.match + 1;
				continue;
			}
			out.push(xml.slice(t.start, t.end));
			if (t.kind === 'open' && t.name === 'w:p') paragraphs.push({ close: t.match, after: [] });
			if (t.kind === 'close' && t.name === 'w:p' && paragraphs.length > 0 && paragraphs[paragraphs.length - 1]!.close === i)
				out.push(...paragraphs.pop()!.after);
			i++;
		}
		return out.join('');
	};

	const hoist = (boxes: readonly number[], paragraphs: { after: string[] }[], out: string[]): void => {
		for (const b of boxes) {
			textBoxes++;
			const content = rewrite(b + 1, tokens[b]!.match);
			// No anchoring paragraph (a shape at body level): the content stays where it was.
			if (paragraphs.length > 0) paragraphs[0]!.after.push(content);
			else out.push(content);
		}
	};

	const result = rewrite(0, tokens.length);
	return { xml: result, textBoxes, hidden, unreadable };
}

/** Index of the first direct child named `name` of the open token at `parent`, or -1. */
function firstChild(tokens: readonly XmlToken[], parent: number, name: string): number {
	for (let i = parent + 1; i < tokens[parent]!.match; i++) {
		const t = tokens[i]!;
		if ((t.kind === 'open' || t.kind === 'self') && t.name === name) return t.kind === 'open' ? i : -1;
		if (t.kind === 'open') i = t.match;
	}
	return -1;
}

/** Open tokens named `name` inside `parent` that are not inside another one. */
function outermost(tokens: readonly XmlToken[], parent: number, name: string): number[] {
	const found: number[] = [];
	for (let i = parent + 1; i < tokens[parent]!.match; i++) {
		const t = tokens[i]!;
		if (t.kind === 'open' && t.name === name) {
			found.push(i);
			i = t.match;
		}
	}
	return found;
}

function countUnreadable(tokens: readonly XmlToken[], from: number, to: number, counts: UnreadableCounts): void {
	for (let i = from; i <= to; i++) {
		const t = tokens[i]!;
		if (t.kind === 'close' || t.kind === 'text' || t.kind === 'other') continue;
		if (t.name === 'mc:Fallback' && t.kind === 'open') {
			i = t.match; // a second rendering of the same thing
			continue;
		}
		if (t.name === 'c:chart' || t.name === 'cx:chart') counts.charts++;
		else if (t.name === 'w:object' || t.name === 'o:OLEObject') {
			if (t.name === 'w:object') counts.embeddedObjects++;
		} else if (t.name === 'dgm:relIds') counts.diagrams++;
		else if (t.name === 'm:oMath' || t.name === 'm:oMathPara') {
			counts.equations++;
			if (t.kind === 'open') i = t.match;
		}
	}
}

/** Why the run opened at `run` is hidden, or `null`. Only the run's own `w:rPr` is read. */
/** Token ranges `[open, close]` of tables, rows, cells and paragraphs with a non-white `w:shd` fill of their own. */
function shadedRanges(xml: string, tokens: readonly XmlToken[]): [number, number][] {
	const out: [number, number][] = [];
	const PROPS: Readonly<Record<string, string>> = { 'w:tbl': 'w:tblPr', 'w:tr': 'w:trPr', 'w:tc': 'w:tcPr', 'w:p': 'w:pPr' };
	for (let i = 0; i < tokens.length; i++) {
		const t = tokens[i]!;
		const props = t.kind === 'open' ? PROPS[t.name] : undefined;
		if (!props) continue;
		const pr = firstChild(tokens, i, props);
		if (pr < 0) continue;
		for (let k = pr + 1; k < tokens[pr]!.match; k++) {
			const s = tokens[k]!;
			if ((s.kind === 'self' || s.kind === 'open') && s.name === 'w:shd') {
				const fill = attr(xml, s, 'w:fill');
				if (fill !== null && !/^(?:auto|FFFFFF)$/i.test(fill)) out.push([i, t.match]);
			}
		}
	}
	return out;
}

function insideAny(ranges: readonly [number, number][], i: number): boolean {
	return ranges.some(([a, b]) => a < i && i < b);
}

function hiddenRunReason(xml: string, tokens: readonly XmlToken[], run: number, onColour: () => boolean): string | null {
	const rPr = firstChild(tokens, run, 'w:rPr');
	if (rPr < 0) return null;
	let white = false;
	let background = false;
	for (let i = rPr + 1; i < tokens[rPr]!.match; i++) {
		const t = tokens[i]!;
		if (t.kind !== 'self' && t.kind !== 'open') continue;
		const val = attr(xml, t, 'w:val');
		if ((t.name === 'w:vanish' || t.name === 'w:specVanish') && val !== '0' && val !== 'false' && val !== 'off') return 'hidden (w:vanish)';
		if (t.name === 'w:sz' && val !== null && Number(val) < 4) return `tiny font (${Number(val) / 2} pt)`;
		if (t.name === 'w:color' && val !== null && /^(?:FFFFFF|FFF)$/i.test(val)) white = true;
		if (t.name === 'w:highlight' || t.name === 'w:shd') background = true;
	}
	return white && !background && !onColour() ? 'white text' : null;
}

function attr(xml: string, t: XmlToken, name: string): string | null {
	const tag = xml.slice(t.start, t.end);
	const m = new RegExp(`\\s${name.replace(':', '\\:')}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tag);
	return m ? (m[1] ?? m[2] ?? '') : null;
}

/** The text of the `w:t` elements inside the run at `run`, entities decoded. */
function runText(xml: string, tokens: readonly XmlToken[], run: number): string {
	let text = '';
	for (let i = run + 1; i < tokens[run]!.match; i++) {
		const t = tokens[i]!;
		if (t.kind === 'open' && t.name === 'w:t') {
			for (let k = i + 1; k < t.match; k++)
				if (tokens[k]!.kind === 'text') text += decodeXmlEntities(xml.slice(tokens[k]!.start, tokens[k]!.end));
			i = t.match;
		} else if (t.kind === 'self' && t.name === 'w:tab') text += ' ';
	}
	return text;
}

/** Decode the five predefined XML entities and numeric character references. */
export function decodeXmlEntities(s: string): string {
	return s.replace(
		/&(?:#x([0-9a-f]+)|#(\d+)|(lt|gt|amp|quot|apos));/gi,
		(m, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
			if (named) return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[named.toLowerCase()] ?? m;
			const cp = Number.parseInt(hex ?? dec ?? '', hex ? 16 : 10);
			return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
		}
	);
}
