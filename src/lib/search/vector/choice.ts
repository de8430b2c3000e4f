import { HnswIndex } from './hnsw.ts';
import type { VectorIndex, VectorIndexKind } from './types.ts';

/**
 * Which vector index a workspace gets. The numbers behind the default are in bench/vector
 * (README) and the reasoning in docs/architecture.md ("Vector index choice").
 */

/** Settings of `embedding.vectorIndex`, in the order the model settings list them. */
export const VECTOR_INDEX_SETTINGS = ['auto', 'exact', 'exact-int8', 'hnsw', 'voy'] as const;
/** One `embedding.vectorIndex` setting. */
export type VectorIndexSetting = (typeof VECTOR_INDEX_SETTINGS)[number];

/**
 * From this many vectors, `auto` links an HNSW graph in the background. Below it the exact
 * SIMD scan answers in a few milliseconds (≈ 5 ms at 50k × 384 on the 2-core dev machine) with
 * no build and perfect recall; above it the scan grows linearly while the graph answers in
 * under a millisecond, and its build (≈ 1 ms per vector, in the background) has paid for itself
 * after a few hundred queries.
 */
export const HNSW_AUTO_MIN_VECTORS = 50_000;

/** Labels for the settings, for the model settings' select. */
export const VECTOR_INDEX_LABELS: Readonly<Record<VectorIndexSetting, string>> = {
	auto: `auto (exact scan; HNSW from ${HNSW_AUTO_MIN_VECTORS.toLocaleString('en')} vectors)`,
	exact: 'exact scan (f32, SIMD)',
	'exact-int8': 'exact scan over int8, rescored in f32',
	hnsw: 'HNSW graph (approximate)',
	voy: 'Voy (k-d tree, ≤ 768-d)'
};

/** True when a workspace of `vectors` vectors under `setting` should have its graph linked. */
export function wantsGraph(setting: VectorIndexSetting, vectors: number): boolean {
	return setting === 'hnsw' || (setting === 'auto' && vectors >= HNSW_AUTO_MIN_VECTORS);
}

/**
 * The index that answers a search now: an {@link HnswIndex} with no linked node is an exact
 * scan (every row waits and is scored exactly), so it reports `exact`.
 */
export function effectiveKind(index: VectorIndex): VectorIndexKind {
	return index instanceof HnswIndex && index.pending === index.size() + index.deletedNodes ? 'exact' : index.kind;
}
