import type { VectorHit, VectorIndex, VectorItem } from './types.ts';
import { assertDims, l2Normalize } from './normalize.ts';
import { VectorMatrix, type ScanBackend } from './matrix.ts';
import { selectTop } from './select.ts';

/** Options of {@link ExactVectorIndex}. */
export interface ExactIndexOptions {
	/**
	 * `none` (default): every row scored in f32. `int8`: rows scored from an int8 copy (a
	 * quarter of the bytes), then the best `rescoreCandidates(k)` rescored exactly in f32 — the
	 * returned similarities are exact; only a true neighbour that int8 ranks below the candidate
	 * cut can be missed (recall is measured in bench/vector).
	 */
	readonly quantization?: 'none' | 'int8';
	/** Candidates rescored in f32 for a top-`k` query under int8. Default `max(4k, 40)`. */
	readonly rescoreCandidates?: (k: number) => number;
	/** Force the JavaScript scan. Default: the SIMD kernel where WebAssembly SIMD exists. */
	readonly backend?: ScanBackend;
}

/**
 * Exact nearest neighbours by a flat scan: every stored (L2-normalised) vector is compared with
 * the query by dot product, so the similarity is the cosine (summed in f32 by the SIMD kernel:
 * within ~1e-6 of a float64 sum for 384 dimensions). The reference the Voy and HNSW indexes
 * are tested against, and the default below the HNSW threshold (docs/architecture.md).
 * Storage: a {@link VectorMatrix} (rows contiguous in WebAssembly memory, sized by what was
 * added); removal moves the last row into the freed slot, so the scan stays contiguous. Scores
 * go into a typed array and top-k selection keeps no object per vector.
 */
export class ExactVectorIndex implements VectorIndex {
	readonly kind = 'exact' as const;
	readonly quantization: 'none' | 'int8';
	private readonly matrix: VectorMatrix;
	private ids: string[] = [];
	private readonly slots = new Map<string, number>();
	private readonly rescoreCandidates: (k: number) => number;

	/** @param dims vector length, a positive integer. */
	constructor(
		readonly dims: number,
		options: ExactIndexOptions = {}
	) {
		if (!Number.isInteger(dims) || dims <= 0) throw new RangeError(`dims must be a positive integer, got ${dims}.`);
		this.quantization = options.quantization ?? 'none';
		this.rescoreCandidates = options.rescoreCandidates ?? ((k) => Math.max(4 * k, 40));
		this.matrix = new VectorMatrix(dims, { int8: this.quantization === 'int8', ...(options.backend ? { backend: options.backend } : {}) });
	}

	/** `simd` or `js`: which scan this index runs. */
	get backend(): ScanBackend {
		return this.matrix.backend;
	}

	/** Bytes of vector memory held. */
	get byteLength(): number {
		return this.matrix.byteLength;
	}

	size(): number {
		return this.ids.length;
	}

	has(id: string): boolean {
		return this.slots.has(id);
	}

	add(items: readonly VectorItem[]): void {
		for (const item of items) assertDims(item.vector, this.dims, `Vector "${item.id}"`);
		let fresh = 0;
		for (const item of items) if (!this.slots.has(item.id)) fresh++;
		this.matrix.reserve(this.ids.length + fresh);
		for (const item of items) {
			const unit = l2Normalize(item.vector);
			const slot = this.slots.get(item.id);
			if (slot !== undefined) {
				this.matrix.write(slot, unit);
				continue;
			}
			this.slots.set(item.id, this.matrix.push(unit));
			this.ids.push(item.id);
		}
	}

	remove(ids: readonly string[]): void {
		for (const id of ids) {
			const slot = this.slots.get(id);
			if (slot === undefined) continue;
			const last = this.ids.length - 1;
			this.matrix.moveLastTo(slot);
			if (slot !== last) {
				const movedId = this.ids[last]!;
				this.ids[slot] = movedId;
				this.slots.set(movedId, slot);
			}
			this.ids.pop();
			this.slots.delete(id);
		}
	}

	search(query: Float32Array, k: number, allow?: (id: string) => boolean): VectorHit[] {
		assertDims(query, this.dims, 'The query vector');
		this.matrix.setQuery(l2Normalize(query));
		const n = this.ids.length;
		const idOf = (slot: number) => this.ids[slot]!;
		if (this.quantization === 'none') {
			const scores = this.matrix.scan();
			return Array.from(selectTop(scores, n, k, { idOf, allow }), (slot) => ({ id: this.ids[slot]!, similarity: scores[slot]! }));
		}
		const candidates = selectTop(this.matrix.scanInt8(), n, Math.max(k, this.rescoreCandidates(k)), { idOf, allow });
		const exact = this.matrix.gather(candidates);
		const best = selectTop(exact, candidates.length, k, { idOf: (j) => this.ids[candidates[j]!]! });
		return Array.from(best, (j) => ({ id: this.ids[candidates[j]!]!, similarity: exact[j]! }));
	}

	/** The stored unit vector of `id` (a copy), or `undefined`. */
	vectorOf(id: string): Float32Array | undefined {
		const slot = this.slots.get(id);
		return slot === undefined ? undefined : this.matrix.row(slot);
	}
}
