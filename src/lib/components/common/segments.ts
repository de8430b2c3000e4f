/**
 * Split `text` into plain and marked segments from sorted, non-overlapping `[start, end)`
 * ranges (UTF-16 offsets). Rendering segments as text nodes keeps untrusted text inert.
 */
export function toSegments(text: string, ranges: readonly (readonly [number, number])[]): { text: string; marked: boolean }[] {
	const out: { text: string; marked: boolean }[] = [];
	let at = 0;
	for (const [start, end] of ranges) {
		const s = Math.max(start, at);
		const e = Math.min(end, text.length);
		if (e <= s) continue;
		if (s > at) out.push({ text: text.slice(at, s), marked: false });
		out.push({ text: text.slice(s, e), marked: true });
		at = e;
	}
	if (at < text.length) out.push({ text: text.slice(at), marked: false });
	return out;
}
