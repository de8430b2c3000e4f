import { describe, expect, it } from 'vitest';
import { ExactVectorIndex, l2Normalize } from '../../../src/lib/search/vector/index.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

const v = (...xs: number[]) => new Float32Array(xs);

describe('ExactVectorIndex', () => {
	it('returns exact cosine similarities, best first', () => {
		const index = new ExactVectorIndex(2);
		index.add([
			{ id: 'a', vector: v(1, 0) },
			{ id: 'b', vector: v(0, 3) },
			{ id: 'c', vector: v(1, 1) }
		]);
		const hits = index.search(v(2, 0), 3);
		expect(hits.map((h) => h.id)).toEqual(['a', 'c', 'b']);
		expect(hits[1]!.similarity).toBeCloseTo(Math.SQRT1_2, 6);
		expect(hits[2]!.similarity).toBe(0);
	});

	it('orders equal similarities by id', () => {
		const index = new ExactVectorIndex(2);
		index.add([
			{ id: 'z', vector: v(1, 0) },
			{ id: 'm', vector: v(1, 0) },
			{ id: 'a', vector: v(0, 1) }
		]);
		expect(index.search(v(1, 0), 2).map((h) => h.id)).toEqual(['m', 'z']);
	});

	it('replaces a re-added id instead of duplicating it', () => {
		const index = new ExactVectorIndex(2);
		index.add([{ id: 'a', vector: v(1, 0) }]);
		index.add([{ id: 'a', vector: v(0, 1) }]);
		expect(index.size()).toBe(1);
		expect(index.search(v(0, 1), 1)[0]!.similarity).toBeCloseTo(1, 6);
	});

	it('forgets removed ids and keeps the others searchable', () => {
		const index = new ExactVectorIndex(2);
		index.add([
			{ id: 'a', vector: v(1, 0) },
			{ id: 'b', vector: v(0, 1) },
			{ id: 'c', vector: v(1, 1) }
		]);
		index.remove(['a', 'unknown']);
		expect(index.search(v(1, 0), 5).map((h) => h.id)).toEqual(['c', 'b']);
	});

	it('never returns an id the filter rejects', () => {
		const index = new ExactVectorIndex(2);
		index.add([
			{ id: 'a', vector: v(1, 0) },
			{ id: 'b', vector: v(0.9, 0.1) }
		]);
		expect(index.search(v(1, 0), 2, (id) => id !== 'a').map((h) => h.id)).toEqual(['b']);
	});

	it('rejects a vector of the wrong length with VECTOR_DIMS_MISMATCH and adds nothing', () => {
		const index = new ExactVectorIndex(3);
		expect(() =>
			index.add([
				{ id: 'a', vector: v(1, 0, 0) },
				{ id: 'b', vector: v(1, 0) }
			])
		).toThrow(AssayError);
		expect(index.size()).toBe(0);
	});

	it('normalises to unit length', () => {
		const n = l2Normalize(v(3, 4));
		expect(Array.from(n)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
	});
});
