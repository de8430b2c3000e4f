// The exact scan as it was before the SIMD kernel (wave 1, until 2026-12-04), kept verbatim as the
// benchmark's "today" baseline: a float64 JS dot product per row and a TopK heap of objects.
import type { VectorHit, VectorIndex, VectorItem } from '../../src/lib/search/vector/types.ts';
import { assertDims, dot, l2Normalize, TopK } from '../../src/lib/search/vector/normalize.ts';

/**
 * Exact nearest neighbours by a flat scan: every stored (L2-normalised) vector is compared with
 * the query by dot product, so the similarity is the exact cosine. The reference the Voy
 * adapter is tested against, and the index for vectors above Voy's 768 dimensions.
 * Storage: one growable `Float32Array` of `capacity × dims`; removal moves the last row into
 * the freed slot, so the scan stays contiguous.
 */
export class LegacyExactVectorIndex implements VectorIndex {
	readonly kind = 'exact' as const;
	private matrix: Float32Array;
	private ids: string[] = [];
	private readonly slots = new Map<string, number>();

	/** @param dims vector length, a positive integer. */
	constructor(readonly dims: number) {
		if (!Number.isInteger(dims) || dims <= 0) throw new RangeError(`dims must be a positive integer, got ${dims}.`);
		this.matrix = new Float32Array(dims * 64);
	}

	size(): number {
		return this.ids.length;
	}

	has(id: string): boolean {
		return this.slots.has(id);
	}

	add(items: readonly VectorItem[]): void {
		for (const item of items) assertDims(item.vector, this.dims, `Vector "${item.id}"`);
		for (const item of items) {
			const unit = l2Normalize(item.vector);
			let slot = this.slots.get(item.id);
			if (slot === undefined) {
				slot = this.ids.length;
				this.ensureCapacity(slot + 1);
				this.ids.push(item.id);
				this.slots.set(item.id, slot);
			}
			this.matrix.set(unit, slot * this.dims);
		}
	}

	remove(ids: readonly string[]): void {
		for (const id of ids) {
			const slot = this.slots.get(id);
			if (slot === undefined) continue;
			const last = this.ids.length - 1;
			if (slot !== last) {
				const movedId = this.ids[last]!;
				this.matrix.copyWithin(slot * this.dims, last * this.dims, (last + 1) * this.dims);
				this.ids[slot] = movedId;
				this.slots.set(movedId, slot);
			}
			this.ids.pop();
			this.slots.delete(id);
		}
	}

	search(query: Float32Array, k: number, allow?: (id: string) => boolean): VectorHit[] {
		assertDims(query, this.dims, 'The query vector');
		const q = l2Normalize(query);
		const top = new TopK(k);
		for (let slot = 0; slot < this.ids.length; slot++) {
			const id = this.ids[slot]!;
			if (allow && !allow(id)) continue;
			top.push({ id, similarity: dot(q, this.matrix, slot * this.dims) });
		}
		return top.sorted();
	}

	/** The stored unit vector of `id` (a copy), or `undefined`. */
	vectorOf(id: string): Float32Array | undefined {
		const slot = this.slots.get(id);
		return slot === undefined ? undefined : this.matrix.slice(slot * this.dims, (slot + 1) * this.dims);
	}

	private ensureCapacity(rows: number): void {
		if (rows * this.dims <= this.matrix.length) return;
		const next = new Float32Array(Math.max(rows, (this.matrix.length / this.dims) * 2) * this.dims);
		next.set(this.matrix);
		this.matrix = next;
	}
}
