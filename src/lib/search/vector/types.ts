/**
 * The vector index port: nearest neighbours by cosine similarity over L2-normalised vectors.
 * Three implementations: {@link ExactVectorIndex} (flat SIMD scan, the reference; f32 or int8
 * with exact rescoring), {@link HnswIndex} (approximate, graph) and the Voy adapter
 * (`src/lib/adapters/voy-index.ts`, k-d tree in WASM).
 */

/** A vector to index. `vector` is a `Float32Array` of length `dims`; it need not be normalised. */
export interface VectorItem {
	readonly id: string;
	readonly vector: Float32Array;
}

/** One neighbour. `similarity` is the exact cosine (dot product of unit vectors), in [-1, 1]. */
export interface VectorHit {
	readonly id: string;
	readonly similarity: number;
}

/** Which implementation an index is. */
export type VectorIndexKind = 'exact' | 'hnsw' | 'voy';

/** The port. All methods are synchronous once the index exists. */
export interface VectorIndex {
	readonly kind: VectorIndexKind;
	/** Vector length every item and query must have. */
	readonly dims: number;
	/** Number of ids indexed. */
	size(): number;
	/** True when `id` is indexed. */
	has(id: string): boolean;
	/**
	 * Add items; an id already present is replaced (never duplicated).
	 * @throws AssayError `VECTOR_DIMS_MISMATCH` when a vector's length is not `dims` (nothing is added).
	 */
	add(items: readonly VectorItem[]): void;
	/** Remove ids; unknown ids are ignored. */
	remove(ids: readonly string[]): void;
	/**
	 * The `k` ids most similar to `query`, similarity descending, ties by id (code point order).
	 * Ids for which `allow` returns false are never returned (and never counted towards `k`).
	 * @throws AssayError `VECTOR_DIMS_MISMATCH` for a query of the wrong length.
	 */
	search(query: Float32Array, k: number, allow?: (id: string) => boolean): VectorHit[];
}
