/** Identifier helpers. Ids are opaque strings; random ones come from `crypto.randomUUID()`. */

/** A new random id with a readable prefix, e.g. `doc_3f2c…`. */
export function newId(prefix: string): string {
	return `${prefix}_${crypto.randomUUID().replaceAll('-', '')}`;
}

/**
 * Compare two strings by Unicode code point, which is the same order as comparing their
 * UTF-8 bytes (trec_eval's `strcmp` order). Plain JS `<` compares UTF-16 code units and
 * differs for characters above U+FFFF versus U+E000–U+FFFF. Returns <0, 0 or >0.
 */
export function compareCodePoints(a: string, b: string): number {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		const x = a.charCodeAt(i);
		const y = b.charCodeAt(i);
		if (x === y) continue;
		// A surrogate (0xD800–0xDFFF) encodes a code point above 0xFFFF: it sorts after every BMP unit.
		const xs = x >= 0xd800 && x <= 0xdfff;
		const ys = y >= 0xd800 && y <= 0xdfff;
		if (xs !== ys) return xs ? 1 : -1;
		return x - y;
	}
	return a.length - b.length;
}
