/**
 * PDF page layout → text, from positioned text runs (what pdf.js `getTextContent` gives):
 * runs are grouped into lines by baseline, lines into paragraphs by vertical gap, and a
 * two-column page is read column by column. Pure geometry, no pdf.js here, so it is unit-tested
 * with synthetic runs. Coordinates are PDF user-space points, y grows upwards.
 */

/** One positioned text run. */
export interface TextRun {
	readonly text: string;
	/** Left edge and baseline, points. */
	readonly x: number;
	readonly y: number;
	/** Advance width, points. */
	readonly width: number;
	/** Font size (height of the text matrix), points; > 0. */
	readonly fontSize: number;
}

/** Runs grouped on one baseline, left to right. */
interface Line {
	readonly y: number;
	readonly fontSize: number;
	text: string;
}

/**
 * The text of one page: lines joined with `\n`, paragraphs (a vertical gap over 1.6 × the
 * font size between baselines) with a blank line; end-of-line hyphenation repaired (a line
 * ending in letter + `-` followed by a line starting with a lower-case letter is joined without
 * the hyphen; intra-line hyphens are kept); ligatures and compatibility forms expanded (NFKC).
 * Two-column pages (see {@link splitColumns}) give the left column, then the right one, between
 * full-width runs in top-to-bottom order. Whitespace-only pages give `''`.
 */
export function pageText(runs: readonly TextRun[], pageWidth: number): string {
	const visible = runs.filter((r) => r.text.trim() !== '' && r.fontSize > 0).map((r) => ({ ...r, text: r.text.normalize('NFKC') }));
	const regions = splitColumns(visible, pageWidth);
	return regions
		.map((region) => paragraphsOf(toLines(region)))
		.filter((t) => t !== '')
		.join('\n\n');
}

/**
 * Reading order for one page: if a vertical gutter (a band at least 10 pt wide between 30 % and
 * 70 % of the width that no run narrower than 45 % of the page touches) has at least 3 runs
 * wholly on each side, the page is two-column: runs wider than the gutter split the page into
 * horizontal bands, and each band is read left column then right column. Otherwise the page is
 * one region.
 */
export function splitColumns(runs: readonly TextRun[], pageWidth: number): TextRun[][] {
	const gutter = findGutter(runs, pageWidth);
	if (gutter === null) return [runs.slice()];
	const spanning = runs.filter((r) => r.x < gutter && r.x + r.width > gutter).sort((a, b) => b.y - a.y);
	const regions: TextRun[][] = [];
	let top = Infinity;
	const cuts = [...new Set(spanning.map((r) => r.y))];
	for (const cutY of [...cuts, -Infinity]) {
		const band = runs.filter((r) => r.y < top && r.y > cutY && !spanning.includes(r));
		regions.push(
			band.filter((r) => r.x + r.width <= gutter),
			band.filter((r) => r.x >= gutter)
		);
		if (cutY !== -Infinity) regions.push(spanning.filter((r) => r.y === cutY));
		top = cutY;
	}
	return regions.filter((r) => r.length > 0);
}

function findGutter(runs: readonly TextRun[], pageWidth: number): number | null {
	if (pageWidth <= 0 || runs.length < 6) return null;
	const bins = Math.ceil(pageWidth);
	const covered = new Uint8Array(bins);
	for (const r of runs) {
		if (r.width > 0.45 * pageWidth) continue;
		for (let x = Math.max(0, Math.floor(r.x)); x < Math.min(bins, Math.ceil(r.x + r.width)); x++) covered[x] = 1;
	}
	let best: { start: number; length: number } | null = null;
	let runStart = -1;
	const lo = Math.floor(pageWidth * 0.3);
	const hi = Math.ceil(pageWidth * 0.7);
	for (let x = lo; x <= hi; x++) {
		const free = x < hi && covered[x] === 0;
		if (free && runStart < 0) runStart = x;
		if (!free && runStart >= 0) {
			if (!best || x - runStart > best.length) best = { start: runStart, length: x - runStart };
			runStart = -1;
		}
	}
	if (!best || best.length < 10) return null;
	const gutter = best.start + best.length / 2;
	const left = runs.filter((r) => r.x + r.width <= gutter).length;
	const right = runs.filter((r) => r.x >= gutter).length;
	return left >= 3 && right >= 3 ? gutter : null;
}

/** Group runs into lines: same baseline within half the font size; each line left to right. */
function toLines(runs: readonly TextRun[]): Line[] {
	const sorted = runs.slice().sort((a, b) => b.y - a.y || a.x - b.x);
	const groups: TextRun[][] = [];
	for (const r of sorted) {
		const last = groups[groups.length - 1];
		if (last && Math.abs(last[0]!.y - r.y) < 0.5 * Math.max(last[0]!.fontSize, r.fontSize)) last.push(r);
		else groups.push([r]);
	}
	return groups.map((g) => {
		const line = g.sort((a, b) => a.x - b.x);
		let text = '';
		let end = -Infinity;
		for (const r of line) {
			// A horizontal gap wider than 15 % of the font size is a word space the PDF did not encode.
			const gap = r.x - end;
			if (text !== '' && gap > 0.15 * r.fontSize && !/\s$/.test(text) && !/^\s/.test(r.text)) text += ' ';
			text += r.text;
			end = r.x + r.width;
		}
		return { y: line[0]!.y, fontSize: Math.max(...line.map((r) => r.fontSize)), text: text.replace(/\s+/g, ' ').trim() };
	});
}

/** Join lines: `\n` inside a paragraph, a blank line between paragraphs, hyphenation repaired. */
function paragraphsOf(lines: readonly Line[]): string {
	let out = '';
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i]!;
		if (i === 0) {
			out = line.text;
			continue;
		}
		const prev = lines[i - 1]!;
		const gap = prev.y - line.y;
		const paragraphBreak = gap > 1.6 * Math.max(prev.fontSize, line.fontSize);
		if (!paragraphBreak && /\p{L}-$/u.test(out) && /^\p{Ll}/u.test(line.text)) out = out.slice(0, -1) + line.text;
		else out += (paragraphBreak ? '\n\n' : '\n') + line.text;
	}
	return out;
}
