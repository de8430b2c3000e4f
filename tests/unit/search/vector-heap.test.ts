import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScoredHeap } from '../../../src/lib/search/vector/heap.ts';

describe('ScoredHeap', () => {
	it('pops a max heap best first and drains a min heap best first, ties by node ascending (property)', () => {
		fc.assert(
			fc.property(fc.array(fc.tuple(fc.integer({ min: -4, max: 4 }), fc.nat(50)), { maxLength: 120 }), (pairs) => {
				const expected = [...pairs].sort((a, b) => b[0] - a[0] || a[1] - b[1]);
				const max = new ScoredHeap('max', 2);
				const min = new ScoredHeap('min', 2);
				for (const [s, n] of pairs) {
					max.push(s, n);
					min.push(s, n);
				}
				const popped: [number, number][] = [];
				while (max.size > 0) {
					popped.push([max.topScore(), max.topNode()]);
					max.pop();
				}
				expect(popped).toEqual(expected);
				const drained = min.drainDescending();
				expect(Array.from(drained.scores)).toEqual(expected.map((p) => p[0]));
				expect(Array.from(drained.nodes)).toEqual(expected.map((p) => p[1]));
				expect(min.size).toBe(0);
			})
		);
	});

	it('keeps the worst of a min heap at the root, for a bounded result set', () => {
		const results = new ScoredHeap('min');
		for (const [s, n] of [
			[0.5, 1],
			[0.9, 2],
			[0.1, 3],
			[0.7, 4]
		] as const) {
			results.push(s, n);
			if (results.size > 3) results.pop();
		}
		expect(results.topScore()).toBe(0.5);
		expect(Array.from(results.drainDescending().nodes)).toEqual([2, 4, 1]);
	});
});
