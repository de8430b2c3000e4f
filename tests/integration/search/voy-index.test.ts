import { beforeAll, describe, expect, it } from 'vitest';
import { createVoyIndex, type VoyConstructor } from '../../../src/lib/adapters/voy-index.ts';
import { loadVoyInNode } from '../../../src/lib/adapters/voy-node.ts';
import { ExactVectorIndex, type VectorItem } from '../../../src/lib/search/vector/index.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

let Voy: VoyConstructor;
beforeAll(async () => {
	Voy = await loadVoyInNode();
});

/** Deterministic pseudo-random vectors (mulberry32). */
function randomVectors(count: number, dims: number, seed: number): VectorItem[] {
	let t = seed;
	const rand = () => {
		t = (t + 0x6d2b79f5) | 0;
		let r = Math.imul(t ^ (t >>> 15), 1 | t);
		r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
		return ((r ^ (r >>> 14)) >>> 0) / 4294967296 - 0.5;
	};
	return Array.from({ length: count }, (_, i) => ({
		id: `c${String(i).padStart(4, '0')}`,
		vector: Float32Array.from({ length: dims }, rand)
	}));
}

function both(items: VectorItem[], dims: number) {
	const voy = createVoyIndex(Voy, dims);
	const exact = new ExactVectorIndex(dims);
	voy.add(items);
	exact.add(items);
	return { voy, exact };
}

describe('Voy index against the exact index', () => {
	it('returns the exact top-k as its raw neighbour ids on random vectors', () => {
		const items = randomVectors(500, 32, 7);
		const { voy, exact } = both(items, 32);
		for (const q of randomVectors(20, 32, 99)) {
			expect(voy.rawNeighbours(q.vector, 10)).toEqual(exact.search(q.vector, 10).map((h) => h.id));
		}
	});

	it('survives 40 identical vectors (more than Voy can hold) and returns them all', () => {
		const same = new Float32Array(16).fill(0.25);
		const items = [
			...randomVectors(50, 16, 3),
			...Array.from({ length: 40 }, (_, i) => ({ id: `dup${String(i).padStart(2, '0')}`, vector: same }))
		];
		const { voy, exact } = both(items, 16);
		expect(voy.distinctVectors()).toBe(51);
		expect(voy.rawNeighbours(same, 45)).toEqual(exact.search(same, 45).map((h) => h.id));
	});

	it('forgets removed ids, including one of a set of duplicates', () => {
		const items = randomVectors(200, 24, 11);
		const twin = { id: 'twin', vector: items[0]!.vector };
		const { voy, exact } = both([...items, twin], 24);
		const removed = ['c0000', 'c0005', 'c0100'];
		voy.remove(removed);
		exact.remove(removed);
		expect(voy.size()).toBe(exact.size());
		for (const q of randomVectors(10, 24, 5)) expect(voy.rawNeighbours(q.vector, 15)).toEqual(exact.search(q.vector, 15).map((h) => h.id));
		expect(voy.search(items[0]!.vector, 1)[0]!.id).toBe('twin');
	});

	it('does not duplicate an id that is added twice', () => {
		const items = randomVectors(10, 8, 1);
		const { voy } = both(items, 8);
		voy.add([{ id: 'c0001', vector: items[2]!.vector }]);
		expect(voy.size()).toBe(10);
		expect(voy.distinctVectors()).toBe(9);
	});

	it('gives every hit its exact similarity, equal to the exact index', () => {
		const items = randomVectors(300, 32, 21);
		const { voy, exact } = both(items, 32);
		const q = randomVectors(1, 32, 77)[0]!.vector;
		const a = voy.search(q, 5);
		const b = exact.search(q, 5);
		expect(a.map((h) => h.id)).toEqual(b.map((h) => h.id));
		for (const [i, h] of a.entries()) expect(h.similarity).toBeCloseTo(b[i]!.similarity, 6);
	});

	it('finds k allowed ids even when the nearest ones are filtered out', () => {
		const items = randomVectors(300, 16, 4);
		const { voy, exact } = both(items, 16);
		const allow = (id: string) => id.endsWith('7');
		const q = items[0]!.vector;
		expect(voy.search(q, 5, allow)).toEqual(exact.search(q, 5, allow).map((h) => ({ ...h, similarity: expect.closeTo(h.similarity, 6) })));
	});

	it('refuses vectors above 768 dimensions with a clear message', () => {
		expect(() => createVoyIndex(Voy, 1024)).toThrow(AssayError);
		expect(() => createVoyIndex(Voy, 1024)).toThrow(/768 dimensions.*exact index/);
	});
});
