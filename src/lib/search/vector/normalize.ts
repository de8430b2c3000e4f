import { AssayError } from '../../shared/errors.ts';
import { compareCodePoints } from '../../shared/ids.ts';
import type { VectorHit } from './types.ts';

/**
 * A new `Float32Array` with `v / ‖v‖₂` (Euclidean norm). The zero vector is returned as zeros
 * (it has no direction; its similarity to anything is 0).
 */
export function l2Normalize(v: Float32Array): Float32Array {
	let sum = 0;
	for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
	const out = new Float32Array(v.length);
	if (sum === 0) return out;
	const inv = 1 / Math.sqrt(sum);
	for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
	return out;
}

/** Dot product of two equal-length vectors (accumulated in float64). */
export function dot(a: Float32Array, b: Float32Array, bOffset = 0): number {
	let sum = 0;
	for (let i = 0; i < a.length; i++) sum += a[i]! * b[bOffset + i]!;
	return sum;
}

/** @throws AssayError `VECTOR_DIMS_MISMATCH` unless `v.length === dims`. */
export function assertDims(v: Float32Array, dims: number, what: string): void {
	if (v.length !== dims)
		throw new AssayError('VECTOR_DIMS_MISMATCH', `${what} has ${v.length} dimensions; this index holds ${dims}-dimensional vectors.`, {
			details: { expected: dims, received: v.length }
		});
}

/** Order hits: similarity descending, then id by code point (deterministic ties). */
export function compareHits(a: VectorHit, b: VectorHit): number {
	return b.similarity - a.similarity || compareCodePoints(a.id, b.id);
}

/**
 * Keep the best `k` of a stream of hits (by {@link compareHits}) with a bounded binary heap:
 * O(n log k). `push` then `sorted()`.
 */
export class TopK {
	private readonly heap: VectorHit[] = [];
	constructor(private readonly k: number) {}

	push(hit: VectorHit): void {
		if (this.k <= 0) return;
		const h = this.heap;
		if (h.length < this.k) {
			h.push(hit);
			this.up(h.length - 1);
		} else if (compareHits(hit, h[0]!) < 0) {
			h[0] = hit;
			this.down(0);
		}
	}

	/** The kept hits, best first. */
	sorted(): VectorHit[] {
		return [...this.heap].sort(compareHits);
	}

	// The root is the WORST kept hit (max under compareHits).
	private up(i: number): void {
		const h = this.heap;
		while (i > 0) {
			const p = (i - 1) >> 1;
			if (compareHits(h[i]!, h[p]!) <= 0) break;
			[h[i], h[p]] = [h[p]!, h[i]!];
			i = p;
		}
	}

	private down(i: number): void {
		const h = this.heap;
		for (;;) {
			const l = 2 * i + 1;
			const r = l + 1;
			let worst = i;
			if (l < h.length && compareHits(h[l]!, h[worst]!) > 0) worst = l;
			if (r < h.length && compareHits(h[r]!, h[worst]!) > 0) worst = r;
			if (worst === i) return;
			[h[i], h[worst]] = [h[worst]!, h[i]!];
			i = worst;
		}
	}
}
