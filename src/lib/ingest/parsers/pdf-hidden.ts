import { hiddenSpan, type HiddenSpan } from './hidden-text.ts';

/**
 * Hidden text in PDF pages. pdf.js text-content items carry no colour or render mode, so the
 * page's operator list (the same content stream, in the same order) is replayed to mark each
 * shown glyph visible or not, and the glyphs are then matched to the text items character by
 * character. A glyph is hidden when:
 * - the text render mode is 3 or 7 (neither filled nor stroked: "invisible") and the page
 *   paints no image — with an image, invisible text is an OCR text layer over a scan, which is
 *   the page's real text and is kept;
 * - it is filled white (every channel ≥ 0xF0) or transparent, and nothing coloured (a filled
 *   path, an image, a shading) was painted on the page before it — white on a coloured box is
 *   visible and kept. Where the text lies is not checked.
 * Text under 1 pt is hidden too (see {@link MIN_VISIBLE_PDF_FONT_PT}).
 */

/** Rendered font size below which PDF text counts as invisible, points. */
export const MIN_VISIBLE_PDF_FONT_PT = 1;

/** The pdf.js operator codes used here (`pdfjs.OPS`). */
export type PdfOps = Readonly<Record<string, number>>;

/** One shown character and why it is hidden (`null`: visible). Whitespace is not listed. */
export interface GlyphMark {
	readonly ch: string;
	readonly hidden: string | null;
}

const FILL_PAINTS = ['fill', 'eoFill', 'fillStroke', 'eoFillStroke', 'closeFillStroke', 'closeEOFillStroke'];
const IMAGE_PAINTS = [
	'paintImageXObject',
	'paintInlineImageXObject',
	'paintImageMaskXObject',
	'paintImageXObjectRepeat',
	'paintImageMaskXObjectRepeat',
	'paintSolidColorImageMask',
	'paintInlineImageXObjectGroup',
	'paintImageMaskXObjectGroup'
];

/**
 * Replay an operator list (`fnArray`/`argsArray` of `page.getOperatorList()`) and mark every
 * non-whitespace character shown (see module comment).
 */
export function markGlyphs(fnArray: readonly number[], argsArray: readonly unknown[], OPS: PdfOps): GlyphMark[] {
	const fillOps = new Set(FILL_PAINTS.map((k) => OPS[k]).filter((v): v is number => v !== undefined));
	const imageOps = new Set(IMAGE_PAINTS.map((k) => OPS[k]).filter((v): v is number => v !== undefined));
	const hasImage = fnArray.some((fn) => imageOps.has(fn));
	const marks: GlyphMark[] = [];
	let state = { mode: 0, white: false };
	const saved: (typeof state)[] = [];
	let painted = false;
	for (let i = 0; i < fnArray.length; i++) {
		const fn = fnArray[i]!;
		const args = (argsArray[i] ?? []) as unknown[];
		if (fn === OPS['save']) saved.push({ ...state });
		else if (fn === OPS['restore']) state = saved.pop() ?? state;
		else if (fn === OPS['setTextRenderingMode']) state = { ...state, mode: Number(args[0]) };
		else if (fn === OPS['setFillRGBColor']) state = { ...state, white: isWhite(args) };
		else if (fn === OPS['setFillTransparent']) state = { ...state, white: true };
		else if (fn === OPS['constructPath']) {
			if (fillOps.has(Number(args[0])) && !state.white) painted = true;
		} else if (fillOps.has(fn) || imageOps.has(fn) || fn === OPS['shadingFill']) {
			if (!state.white || imageOps.has(fn)) painted = true;
		} else if (
			fn === OPS['showText'] ||
			fn === OPS['showSpacedText'] ||
			fn === OPS['nextLineShowText'] ||
			fn === OPS['nextLineSetSpacingShowText']
		) {
			const invisible = (state.mode === 3 || state.mode === 7) && !hasImage;
			const filled = state.mode === 0 || state.mode === 2 || state.mode === 4 || state.mode === 6;
			const hidden = invisible ? 'invisible text (render mode 3)' : filled && state.white && !painted ? 'white text' : null;
			for (const g of (args[args.length - 1] ?? []) as unknown[]) {
				const unicode = typeof g === 'object' && g !== null ? (g as { unicode?: unknown }).unicode : undefined;
				if (typeof unicode !== 'string') continue;
				for (const ch of unicode.normalize('NFKC')) if (!/\s/.test(ch)) marks.push({ ch, hidden });
			}
		}
	}
	return marks;
}

function isWhite(args: readonly unknown[]): boolean {
	const a = args[0];
	if (typeof a === 'string') {
		const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(a);
		return m !== null && [m[1], m[2], m[3]].every((h) => Number.parseInt(h!, 16) >= 0xf0);
	}
	// Older pdf.js builds pass [r, g, b] in 0–255.
	return args.length >= 3 && args.slice(0, 3).every((v) => typeof v === 'number' && v >= 0xf0);
}

/** A text item as the layout needs it, plus its rendered font size in points. */
export interface MarkedItem {
	readonly str: string;
	readonly fontSize: number;
}

/**
 * Match `items` (pdf.js text content, in order) to `marks` and split off what is hidden.
 * Returns, per item, the string to keep (`''` when the item is wholly hidden) and the hidden
 * spans (consecutive hidden items with the same reason form one span). Characters that cannot
 * be matched (the two lists disagree, e.g. reordered right-to-left text) count as visible.
 */
export function splitHidden(items: readonly MarkedItem[], marks: readonly GlyphMark[]): { kept: string[]; spans: HiddenSpan[] } {
	const kept: string[] = [];
	const spans: HiddenSpan[] = [];
	let current: { reason: string; text: string } | null = null;
	const close = () => {
		if (current && current.text.trim() !== '') spans.push(hiddenSpan(current.reason, current.text));
		current = null;
	};
	let p = 0;
	for (const item of items) {
		const chars = [...item.str.normalize('NFKC')];
		const tiny =
			item.fontSize > 0 && item.fontSize < MIN_VISIBLE_PDF_FONT_PT ? `tiny text (${Math.round(item.fontSize * 100) / 100} pt)` : null;
		let visible = '';
		let hidden = '';
		let reason: string | null = null;
		for (const ch of chars) {
			if (/\s/.test(ch)) {
				visible += ch;
				hidden += ch;
				continue;
			}
			let why: string | null = null;
			const at = findMark(marks, p, ch);
			if (at >= 0) {
				why = marks[at]!.hidden;
				p = at + 1;
			}
			why = tiny ?? why;
			if (why) {
				reason ??= why;
				hidden += ch;
			} else visible += ch;
		}
		if (reason && visible.trim() === '') {
			if (current && (current as { reason: string }).reason !== reason) close();
			current ??= { reason, text: '' };
			(current as { text: string }).text += `${hidden} `;
			kept.push('');
			continue;
		}
		close();
		if (reason) spans.push(hiddenSpan(reason, hidden));
		kept.push(reason ? visible : item.str);
	}
	close();
	return { kept, spans };
}

/** Index of `ch` in `marks` at `from` or within the next 64 marks, or -1. */
function findMark(marks: readonly GlyphMark[], from: number, ch: string): number {
	for (let i = from; i < Math.min(marks.length, from + 64); i++) if (marks[i]!.ch === ch) return i;
	return -1;
}
