import { describe, expect, it } from 'vitest';
import { ExactVectorIndex, HnswIndex, l2Normalize, type VectorItem } from '../../../src/lib/search/vector/index.ts';

function seeded(seed: number): () => number {
	let t = seed;
	return () => {
		t = (t + 0x6d2b79f5) | 0;
		let r = Math.imul(t ^ (t >>> 15), 1 | t);
		r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
		return ((r ^ (r >>> 14)) >>> 0) / 4294967296 - 0.5;
	};
}

/** `n` vectors around `clusters` random centres (noise 0.3 of a unit centre), like embeddings of topics. */
function clustered(n: number, dims: number, clusters: number, seed: number, prefix = 'c'): VectorItem[] {
	const rand = seeded(seed);
	const centres = Array.from({ length: clusters }, () => l2Normalize(Float32Array.from({ length: dims }, rand)));
	return Array.from({ length: n }, (_, i) => {
		const c = centres[i % clusters]!;
		return { id: `${prefix}${i}`, vector: Float32Array.from(c, (x) => x + 0.3 * rand() * 2 * Math.sqrt(3 / dims)) };
	});
}

function recallAt10(hnsw: HnswIndex, exact: ExactVectorIndex, queries: Float32Array[]): number {
	let hits = 0;
	for (const q of queries) {
		const truth = new Set(exact.search(q, 10).map((h) => h.id));
		for (const h of hnsw.search(q, 10)) if (truth.has(h.id)) hits++;
	}
	return hits / (queries.length * 10);
}

describe('HnswIndex', () => {
	const dims = 32;
	const items = clustered(3000, dims, 30, 1);
	const queries = clustered(50, dims, 30, 2, 'q').map((q) => q.vector);
	const exact = new ExactVectorIndex(dims);
	exact.add(items);

	it('finds at least 98 % of the exact top-10 on clustered vectors, with the exact similarities', () => {
		const hnsw = new HnswIndex(dims);
		hnsw.add(items);
		expect(hnsw.link()).toBe(0);
		expect(recallAt10(hnsw, exact, queries)).toBeGreaterThanOrEqual(0.98);
		const truth = new Map(exact.search(queries[0]!, 50).map((h) => [h.id, h.similarity]));
		for (const hit of hnsw.search(queries[0]!, 10)) expect(hit.similarity).toBe(truth.get(hit.id));
	});

	it('scores rows that wait to be linked exactly, so a search never misses them', () => {
		const hnsw = new HnswIndex(dims);
		hnsw.add(items.slice(0, 1000));
		hnsw.link();
		hnsw.add(items.slice(1000));
		expect(hnsw.pending).toBe(2000);
		const partial = new ExactVectorIndex(dims);
		partial.add(items);
		expect(recallAt10(hnsw, partial, queries)).toBeGreaterThanOrEqual(0.98);
		hnsw.link(500);
		expect(hnsw.pending).toBe(1500);
	});

	it('builds the same graph from the same seed, and a restored snapshot answers identically', () => {
		const a = new HnswIndex(dims, { seed: 7 });
		const b = new HnswIndex(dims, { seed: 7 });
		for (const index of [a, b]) {
			index.add(items.slice(0, 800));
			index.link();
		}
		const snapshot = a.snapshot()!;
		expect(snapshot).toEqual(b.snapshot());
		const byId = new Map(items.map((i) => [i.id, i.vector]));
		const restored = HnswIndex.restore(snapshot, (id) => byId.get(id))!;
		expect(restored.size()).toBe(800);
		for (const q of queries.slice(0, 10)) expect(restored.search(q, 10)).toEqual(a.search(q, 10));
		expect(HnswIndex.restore(snapshot, (id) => (id === 'c5' ? undefined : byId.get(id)))).toBeNull();
	});

	it('never returns removed or replaced vectors, and has no snapshot while deleted nodes remain', () => {
		const hnsw = new HnswIndex(dims);
		hnsw.add(items.slice(0, 500));
		hnsw.link();
		const target = items[3]!;
		expect(hnsw.search(target.vector, 1)[0]!.id).toBe('c3');
		hnsw.remove(['c3']);
		expect(hnsw.search(target.vector, 10).some((h) => h.id === 'c3')).toBe(false);
		hnsw.add([{ id: 'c4', vector: items[400]!.vector }]);
		const hits = hnsw.search(items[400]!.vector, 5);
		expect(hits.filter((h) => h.id === 'c4')).toHaveLength(1);
		expect(hits.find((h) => h.id === 'c4')!.similarity).toBeCloseTo(1, 5);
		expect(hnsw.size()).toBe(499);
		expect(hnsw.deletedNodes).toBe(2);
		expect(hnsw.snapshot()).toBeNull();
	});

	it('falls back to the exact scan when a filter leaves fewer than k graph hits', () => {
		const hnsw = new HnswIndex(dims);
		hnsw.add(items.slice(0, 600));
		hnsw.link();
		const allow = (id: string) => id.endsWith('7');
		const got = hnsw.search(queries[0]!, 10, allow);
		const small = new ExactVectorIndex(dims);
		small.add(items.slice(0, 600));
		expect(got).toEqual(small.search(queries[0]!, 10, allow));
	});

	it('rejects parameters outside their ranges', () => {
		expect(() => new HnswIndex(dims, { m: 1 })).toThrow(RangeError);
		expect(() => new HnswIndex(dims, { m: 16, efConstruction: 8 })).toThrow(RangeError);
	});
});
