/**
 * Just enough CSS to tell whether an HTML element's text is visible (for hidden-text detection):
 * inline `style`, the `bgcolor`/`color` attributes, and `<style>` rules with simple selectors
 * (`tag`, `.class`, `#id`, `tag.class`, lists of them; rules inside `@media`/`@supports` are
 * ignored, since they may not apply on screen). No cascade by specificity beyond "stylesheet,
 * then attributes, then inline style"; no inheritance except colour, background and font size.
 */

/** An sRGB colour with alpha, channels 0–255, alpha 0–1. */
export interface Rgba {
	readonly r: number;
	readonly g: number;
	readonly b: number;
	readonly a: number;
}

/** What an element inherits: text colour, the background behind it (`null`: unknown, e.g. an image), font size in px. */
export interface VisualContext {
	readonly color: Rgba;
	readonly background: Rgba | null;
	readonly fontPx: number;
}

/** The initial context: black 16 px text on white. */
export const INITIAL_VISUAL: VisualContext = {
	color: { r: 0, g: 0, b: 0, a: 1 },
	background: { r: 255, g: 255, b: 255, a: 1 },
	fontPx: 16
};

/** Font size below which text counts as invisible, CSS px. */
export const MIN_VISIBLE_FONT_PX = 2;
/** Largest per-channel difference between text and background colour that counts as "the same colour" (0–255). */
export const SAME_COLOUR_TOLERANCE = 24;

/** Declarations (property → value, lower-cased property) of simple selectors, from `<style>` text. */
export class SimpleStylesheet {
	private readonly rules: { tag: string | null; cls: string | null; id: string | null; decls: Map<string, string> }[] = [];

	constructor(cssTexts: readonly string[]) {
		for (const css of cssTexts) {
			const flat = stripAtBlocks(css.replace(/\/\*[\s\S]*?\*\//g, ''));
			for (const m of flat.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
				const decls = parseDeclarations(m[2]!);
				if (decls.size === 0) continue;
				for (const sel of m[1]!.split(',')) {
					const s = /^\s*([a-z][a-z0-9-]*)?(?:\.([\w-]+))?(?:#([\w-]+))?\s*$/i.exec(sel);
					if (!s || (!s[1] && !s[2] && !s[3])) continue;
					this.rules.push({ tag: s[1]?.toLowerCase() ?? null, cls: s[2] ?? null, id: s[3] ?? null, decls });
				}
			}
		}
	}

	/** The declarations that apply to an element, in source order (later wins). */
	declarationsFor(tag: string, classes: readonly string[], id: string | undefined): Map<string, string> {
		const out = new Map<string, string>();
		for (const r of this.rules) {
			if (r.tag && r.tag !== tag) continue;
			if (r.cls && !classes.includes(r.cls)) continue;
			if (r.id && r.id !== id) continue;
			for (const [k, v] of r.decls) out.set(k, v);
		}
		return out;
	}

	get size(): number {
		return this.rules.length;
	}
}

function stripAtBlocks(css: string): string {
	let out = css;
	// Remove `@media …{ … { … } … }` style blocks (two brace levels), repeatedly for several.
	for (let guard = 0; guard < 1000; guard++) {
		const at = out.search(/@[a-z-]+[^{;]*\{/i);
		if (at < 0) break;
		let depth = 0;
		let end = out.length;
		for (let i = out.indexOf('{', at); i < out.length; i++) {
			if (out[i] === '{') depth++;
			else if (out[i] === '}' && --depth === 0) {
				end = i + 1;
				break;
			}
		}
		out = out.slice(0, at) + out.slice(end);
	}
	return out;
}

/** `a: b; c: d !important` → Map { a → b, c → d } (lower-cased properties, values trimmed). */
export function parseDeclarations(style: string): Map<string, string> {
	const out = new Map<string, string>();
	for (const part of style.split(';')) {
		const colon = part.indexOf(':');
		if (colon < 0) continue;
		const prop = part.slice(0, colon).trim().toLowerCase();
		const value = part
			.slice(colon + 1)
			.replace(/!important/i, '')
			.trim()
			.toLowerCase();
		if (prop && value) out.set(prop, value);
	}
	return out;
}

/** The outcome for one element: why it is hidden (or `null`) and the context its children inherit. */
export interface Visibility {
	readonly hidden: string | null;
	readonly context: VisualContext;
}

/**
 * Apply an element's declarations to the inherited context and decide whether its text is
 * invisible: `display:none`, `visibility:hidden|collapse`, `opacity` under 0.05, a computed font
 * size under {@link MIN_VISIBLE_FONT_PX}, or a text colour within {@link SAME_COLOUR_TOLERANCE}
 * of the known background (or fully transparent).
 */
export function visibilityOf(decls: ReadonlyMap<string, string>, parent: VisualContext): Visibility {
	let { color, background, fontPx } = parent;
	const display = decls.get('display');
	const visibility = decls.get('visibility');
	const opacity = decls.get('opacity');
	const size = decls.get('font-size') ?? fontShorthandSize(decls.get('font'));
	const bg = decls.get('background-color') ?? decls.get('background');
	const fg = decls.get('color');
	if (bg !== undefined) {
		if (/url\(|gradient\(/.test(bg)) background = null;
		else {
			const c = firstColour(bg);
			if (c && c.a > 0.5) background = c;
		}
	}
	if (fg !== undefined) color = parseColour(fg) ?? color;
	if (size !== undefined) fontPx = fontSizePx(size, parent.fontPx) ?? fontPx;
	const context = { color, background, fontPx };
	if (display === 'none') return { hidden: 'display:none', context };
	if (visibility === 'hidden' || visibility === 'collapse') return { hidden: 'visibility:hidden', context };
	if (opacity !== undefined) {
		const o = opacity.endsWith('%') ? Number.parseFloat(opacity) / 100 : Number.parseFloat(opacity);
		if (Number.isFinite(o) && o < 0.05) return { hidden: 'opacity 0', context };
	}
	if (fontPx < MIN_VISIBLE_FONT_PX && (size !== undefined || parent.fontPx >= MIN_VISIBLE_FONT_PX))
		return { hidden: `tiny font (${round(fontPx)} px)`, context };
	if (color.a < 0.05 && fg !== undefined) return { hidden: 'transparent text', context };
	if ((fg !== undefined || bg !== undefined) && background && sameColour(color, background))
		return { hidden: 'text coloured like its background', context };
	return { hidden: null, context };
}

const round = (n: number) => Math.round(n * 100) / 100;

function sameColour(a: Rgba, b: Rgba): boolean {
	return (
		Math.abs(a.r - b.r) <= SAME_COLOUR_TOLERANCE &&
		Math.abs(a.g - b.g) <= SAME_COLOUR_TOLERANCE &&
		Math.abs(a.b - b.b) <= SAME_COLOUR_TOLERANCE
	);
}

function fontShorthandSize(font: string | undefined): string | undefined {
	return font ? /(?:^|\s)(\d*\.?\d+(?:px|pt|em|rem|%)|0)(?:\/|\s|$)/.exec(font)?.[1] : undefined;
}

/** A CSS font size in px, relative units against `parentPx`; `null` for keywords. */
export function fontSizePx(value: string, parentPx: number): number | null {
	const m = /^(-?\d*\.?\d+)\s*(px|pt|em|rem|%|vw|vh)?$/.exec(value.trim());
	if (!m) return null;
	const n = Number.parseFloat(m[1]!);
	switch (m[2]) {
		case undefined:
			return n === 0 ? 0 : null;
		case 'px':
			return n;
		case 'pt':
			return (n * 4) / 3;
		case 'em':
			return n * parentPx;
		case 'rem':
			return n * 16;
		case '%':
			return (n / 100) * parentPx;
		default:
			return n === 0 ? 0 : null;
	}
}

const NAMED: Readonly<Record<string, string>> = {
	white: '#ffffff',
	black: '#000000',
	red: '#ff0000',
	green: '#008000',
	blue: '#0000ff',
	yellow: '#ffff00',
	gray: '#808080',
	grey: '#808080',
	silver: '#c0c0c0',
	whitesmoke: '#f5f5f5',
	snow: '#fffafa',
	ivory: '#fffff0',
	ghostwhite: '#f8f8ff'
};

function firstColour(value: string): Rgba | null {
	for (const token of value.match(/#[0-9a-f]{3,8}\b|rgba?\([^)]*\)|\b[a-z]+\b/gi) ?? []) {
		const c = parseColour(token);
		if (c) return c;
	}
	return null;
}

/** `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb()`/`rgba()` (numbers or %), `transparent` and a few names. */
export function parseColour(value: string): Rgba | null {
	const v = value.trim().toLowerCase();
	if (v === 'transparent') return { r: 0, g: 0, b: 0, a: 0 };
	const hex = /^#([0-9a-f]{3,8})$/.exec(NAMED[v] ?? v)?.[1];
	if (hex) {
		const full = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex;
		if (full.length !== 6 && full.length !== 8) return null;
		const ch = (i: number) => Number.parseInt(full.slice(i, i + 2), 16);
		return { r: ch(0), g: ch(2), b: ch(4), a: full.length === 8 ? ch(6) / 255 : 1 };
	}
	const fn = /^rgba?\(([^)]*)\)$/.exec(v)?.[1];
	if (fn) {
		const parts = fn.split(/[\s,/]+/).filter(Boolean);
		if (parts.length < 3) return null;
		const channel = (p: string) => (p.endsWith('%') ? (Number.parseFloat(p) * 255) / 100 : Number.parseFloat(p));
		const alpha = parts[3] === undefined ? 1 : parts[3].endsWith('%') ? Number.parseFloat(parts[3]) / 100 : Number.parseFloat(parts[3]);
		const [r, g, b] = parts.slice(0, 3).map(channel) as [number, number, number];
		return [r, g, b, alpha].every(Number.isFinite) ? { r, g, b, a: alpha } : null;
	}
	return null;
}
