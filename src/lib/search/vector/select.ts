import { compareCodePoints } from '../../shared/ids.ts';

/**
 * Top-k selection over a typed array of scores without an object per candidate: a binary
 * min-heap of (score, position) in two typed arrays whose root is the worst kept candidate.
 * Order: score descending, then id by code point (the {@link VectorIndex} tie rule); NaN
 * scores are never kept. O(n log k) worst case, O(n) when most scores do not beat the root.
 */

/** How {@link selectTop} names and filters positions. */
export interface SelectOptions {
	/** Id of a position; used for ties and for `allow`. */
	readonly idOf: (position: number) => string;
	/** Only positions whose id passes are kept; called only for candidates that would enter the top k. */
	readonly allow?: ((id: string) => boolean) | undefined;
}

/**
 * Positions of the `k` best scores in `scores[0..count)`, best first (see the module comment).
 * @param k ≥ 0; fewer are returned when fewer positions pass.
 */
export function selectTop(scores: Float32Array, count: number, k: number, options: SelectOptions): Int32Array {
	const cap = Math.max(0, Math.min(k, count));
	const heapScore = new Float64Array(cap);
	const heapPos = new Int32Array(cap);
	const { idOf, allow } = options;
	// true when (sa, pa) ranks below (sb, pb)
	const worse = (sa: number, pa: number, sb: number, pb: number) => sa < sb || (sa === sb && compareCodePoints(idOf(pa), idOf(pb)) > 0);
	let size = 0;
	for (let p = 0; p < count && cap > 0; p++) {
		const s = scores[p]!;
		if (s !== s) continue; // NaN
		if (size === cap && !worse(heapScore[0]!, heapPos[0]!, s, p)) continue;
		if (allow && !allow(idOf(p))) continue;
		if (size < cap) {
			let i = size++;
			while (i > 0) {
				const parent = (i - 1) >> 1;
				if (!worse(s, p, heapScore[parent]!, heapPos[parent]!)) break;
				heapScore[i] = heapScore[parent]!;
				heapPos[i] = heapPos[parent]!;
				i = parent;
			}
			heapScore[i] = s;
			heapPos[i] = p;
		} else siftDown(heapScore, heapPos, size, s, p, worse);
	}
	const order = Array.from({ length: size }, (_, i) => i).sort((a, b) =>
		worse(heapScore[a]!, heapPos[a]!, heapScore[b]!, heapPos[b]!)
			? 1
			: worse(heapScore[b]!, heapPos[b]!, heapScore[a]!, heapPos[a]!)
				? -1
				: 0
	);
	return Int32Array.from(order, (i) => heapPos[i]!);
}

/** Replace the root with (s, p) and restore the heap. */
function siftDown(
	heapScore: Float64Array,
	heapPos: Int32Array,
	size: number,
	s: number,
	p: number,
	worse: (sa: number, pa: number, sb: number, pb: number) => boolean
): void {
	let i = 0;
	for (;;) {
		const l = 2 * i + 1;
		if (l >= size) break;
		const r = l + 1;
		const c = r < size && worse(heapScore[r]!, heapPos[r]!, heapScore[l]!, heapPos[l]!) ? r : l;
		if (!worse(heapScore[c]!, heapPos[c]!, s, p)) break;
		heapScore[i] = heapScore[c]!;
		heapPos[i] = heapPos[c]!;
		i = c;
	}
	heapScore[i] = s;
	heapPos[i] = p;
}
