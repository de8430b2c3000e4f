import { AssayError } from '../shared/errors.ts';
import { assertDims, compareHits, dot, l2Normalize, type VectorHit, type VectorIndex, type VectorItem } from '../search/vector/index.ts';

/**
 * The Voy (voy-search 0.6.3, k-d tree in WASM) implementation of the vector-index port, with
 * guards for its verified defects (TECH-NOTES):
 * - vectors above 768 dimensions are silently truncated → refused here (`VECTOR_DIMS_UNSUPPORTED`);
 *   the caller falls back to the exact index;
 * - more than 32 identical vectors panic the WASM → identical vectors are stored once in Voy
 *   (one "group" id) and expanded to their member ids after the search;
 * - `remove` needs the exact same vector → we keep each group's vector and pass it back;
 * - re-adding an id duplicates it → an id is removed before it is added again;
 * - search returns ids without distances → every candidate is re-scored exactly (dot product
 *   of unit vectors), so each hit has a true cosine similarity.
 * Vectors are L2-normalised first, so Voy's Euclidean order is the cosine order.
 * The index is never serialised: its JSON is ≈16 MB for 2,000 × 384 and parsing it is slower
 * than rebuilding from the typed arrays kept in IndexedDB (see bench/vector).
 */

/** Voy's largest supported vector length. */
export const VOY_MAX_DIMS = 768;

/** The part of voy-search's `Voy` class this adapter uses (injected: Node and Vite load it differently). */
export interface VoyInstance {
	add(resource: { embeddings: { id: string; title: string; url: string; embeddings: number[] }[] }): void;
	remove(resource: { embeddings: { id: string; title: string; url: string; embeddings: number[] }[] }): void;
	search(query: Float32Array, k: number): { neighbors: { id: string }[] };
	size(): number;
	free(): void;
}

/** Constructor of {@link VoyInstance} (`new Voy()`, from `voy-search`). */
export type VoyConstructor = new () => VoyInstance;

interface Group {
	readonly key: string;
	readonly unit: Float32Array;
	readonly members: Set<string>;
}

/**
 * Create a Voy-backed index.
 * @param Voy the `Voy` class of voy-search (browser: `(await import('voy-search')).Voy`; Node: see `voy-node.ts`).
 * @param dims vector length, 1–768.
 * @throws AssayError `VECTOR_DIMS_UNSUPPORTED` above 768 dimensions.
 */
export function createVoyIndex(Voy: VoyConstructor, dims: number): VoyVectorIndex {
	if (!Number.isInteger(dims) || dims <= 0) throw new RangeError(`dims must be a positive integer, got ${dims}.`);
	if (dims > VOY_MAX_DIMS) {
		throw new AssayError(
			'VECTOR_DIMS_UNSUPPORTED',
			`Voy truncates vectors above ${VOY_MAX_DIMS} dimensions; this model makes ${dims}-dimensional vectors, so this workspace uses the exact index.`,
			{ details: { dims, max: VOY_MAX_DIMS } }
		);
	}
	return new VoyVectorIndex(new Voy(), dims);
}

/** See {@link createVoyIndex}. */
export class VoyVectorIndex implements VectorIndex {
	readonly kind = 'voy' as const;
	private readonly groups = new Map<string, Group>();
	private readonly groupOf = new Map<string, Group>();

	constructor(
		private readonly voy: VoyInstance,
		readonly dims: number
	) {}

	size(): number {
		return this.groupOf.size;
	}

	has(id: string): boolean {
		return this.groupOf.has(id);
	}

	/** Number of distinct vectors held by Voy (≤ {@link size}). */
	distinctVectors(): number {
		return this.voy.size();
	}

	add(items: readonly VectorItem[]): void {
		for (const item of items) assertDims(item.vector, this.dims, `Vector "${item.id}"`);
		this.remove(items.map((i) => i.id));
		const fresh: Group[] = [];
		for (const item of items) {
			const unit = l2Normalize(item.vector);
			const key = vectorKey(unit);
			let group = this.groups.get(key);
			if (!group) {
				group = { key, unit, members: new Set() };
				this.groups.set(key, group);
				fresh.push(group);
			}
			group.members.add(item.id);
			this.groupOf.set(item.id, group);
		}
		if (fresh.length > 0) this.voy.add({ embeddings: fresh.map(toResource) });
	}

	remove(ids: readonly string[]): void {
		const emptied: Group[] = [];
		for (const id of ids) {
			const group = this.groupOf.get(id);
			if (!group) continue;
			this.groupOf.delete(id);
			group.members.delete(id);
			if (group.members.size === 0) {
				this.groups.delete(group.key);
				emptied.push(group);
			}
		}
		if (emptied.length > 0) this.voy.remove({ embeddings: emptied.map(toResource) });
	}

	/**
	 * Voy's own neighbour ids for `query` (no re-scoring, no filter), each group expanded to its
	 * member ids sorted by code point; at most `k` ids. For tests against the exact index.
	 */
	rawNeighbours(query: Float32Array, k: number): string[] {
		assertDims(query, this.dims, 'The query vector');
		const out: string[] = [];
		for (const n of this.voy.search(l2Normalize(query), Math.min(k, this.voy.size())).neighbors) {
			const group = this.groups.get(n.id);
			if (group) out.push(...[...group.members].sort());
		}
		return out.slice(0, k);
	}

	search(query: Float32Array, k: number, allow?: (id: string) => boolean): VectorHit[] {
		assertDims(query, this.dims, 'The query vector');
		if (k <= 0 || this.voy.size() === 0) return [];
		const q = l2Normalize(query);
		// Ask Voy for more groups until k allowed ids are found or every group was seen.
		for (let want = Math.min(k, this.voy.size()); ; want = Math.min(want * 4, this.voy.size())) {
			const hits: VectorHit[] = [];
			for (const n of this.voy.search(q, want).neighbors) {
				const group = this.groups.get(n.id);
				if (!group) continue;
				const similarity = dot(q, group.unit);
				for (const id of group.members) if (!allow || allow(id)) hits.push({ id, similarity });
			}
			if (hits.length >= k || want >= this.voy.size()) return hits.sort(compareHits).slice(0, k);
		}
	}

	/** Release the WASM memory. */
	dispose(): void {
		this.voy.free();
	}
}

function toResource(group: Group): { id: string; title: string; url: string; embeddings: number[] } {
	return { id: group.key, title: '', url: '', embeddings: Array.from(group.unit) };
}

/** Exact identity of a vector: its float32 bytes, as a compact string. */
function vectorKey(unit: Float32Array): string {
	const bytes = new Uint8Array(unit.buffer, unit.byteOffset, unit.byteLength);
	let s = 'v';
	for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
	return s;
}
