import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectTop } from '../../../src/lib/search/vector/select.ts';
import { compareCodePoints } from '../../../src/lib/shared/ids.ts';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `id${(i * 7919) % 1000}`);

function bySort(scores: Float32Array, names: string[], k: number, allow?: (id: string) => boolean): number[] {
	return [...scores.keys()]
		.filter((p) => !Number.isNaN(scores[p]) && (!allow || allow(names[p]!)))
		.sort((a, b) => scores[b]! - scores[a]! || compareCodePoints(names[a]!, names[b]!))
		.slice(0, k);
}

describe('selectTop', () => {
	it('equals a full sort by score, then id, for any scores with ties and any k (property)', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 200 }), fc.integer({ min: 0, max: 30 }), (xs, k) => {
				const scores = Float32Array.from(xs, (x) => x / 4);
				const names = ids(xs.length);
				const got = Array.from(selectTop(scores, scores.length, k, { idOf: (p) => names[p]! }));
				expect(got).toEqual(bySort(scores, names, k));
			})
		);
	});

	it('applies the filter, never counting filtered positions towards k, and asks only about contenders', () => {
		const scores = Float32Array.from([0.9, 0.8, 0.7, 0.6, 0.1, 0.05]);
		const names = ['a', 'b', 'c', 'd', 'e', 'f'];
		const asked: string[] = [];
		const allow = (id: string) => (asked.push(id), id !== 'a' && id !== 'c');
		expect(Array.from(selectTop(scores, 6, 2, { idOf: (p) => names[p]!, allow }))).toEqual([1, 3]);
		expect(asked).toEqual(['a', 'b', 'c', 'd']);
	});

	it('skips NaN scores and returns fewer than k when fewer positions exist', () => {
		const scores = Float32Array.from([NaN, 0.5, NaN]);
		expect(Array.from(selectTop(scores, 3, 5, { idOf: (p) => `x${p}` }))).toEqual([1]);
	});
});
