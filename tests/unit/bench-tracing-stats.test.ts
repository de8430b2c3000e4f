import { describe, expect, it } from 'vitest';
import { bootstrapMedian, bootstrapMedianRatio, median, percentile, seededRandom } from '../../bench/tracing/stats.ts';

describe('bench/tracing statistics', () => {
	it('takes nearest-rank percentiles', () => {
		const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
		expect(percentile(xs, 50)).toBe(5);
		expect(percentile(xs, 95)).toBe(10);
		expect(percentile(xs, 0)).toBe(1);
		expect(percentile([], 50)).toBeNaN();
		expect(median([3, 1, 2])).toBe(2);
	});

	it('draws the same seeded sequence every time', () => {
		const a = seededRandom(42);
		const b = seededRandom(42);
		const xs = [a(), a(), a()];
		expect([b(), b(), b()]).toEqual(xs);
		for (const x of xs) expect(x).toBeGreaterThanOrEqual(0);
		for (const x of xs) expect(x).toBeLessThan(1);
	});

	it('gives an exact ratio and a degenerate interval when on is off times a constant', () => {
		const off = [10, 20, 30, 40, 50];
		const on = off.map((x) => x * 1.5);
		expect(bootstrapMedianRatio(on, off, { resamples: 200, seed: 3 })).toEqual({ ratio: 1.5, low: 1.5, high: 1.5 });
	});

	it('brackets the ratio of medians with the bootstrap interval', () => {
		const off = [10, 11, 12, 13, 14, 15, 16];
		const on = [10, 12, 12, 14, 14, 16, 18];
		const r = bootstrapMedianRatio(on, off, { resamples: 500, seed: 1 });
		expect(r.ratio).toBe(14 / 13);
		expect(r.low).toBeLessThanOrEqual(r.ratio);
		expect(r.high).toBeGreaterThanOrEqual(r.ratio);
		expect(() => bootstrapMedianRatio([1], [1, 2])).toThrow();
	});

	it('bootstraps a median: exact for a constant sample, bracketing otherwise', () => {
		expect(bootstrapMedian([2, 2, 2, 2], { resamples: 100 })).toEqual({ median: 2, low: 2, high: 2 });
		const r = bootstrapMedian([1, 2, 3, 4, 5, 6, 7, 8, 9], { resamples: 500, seed: 5 });
		expect(r.median).toBe(5);
		expect(r.low).toBeLessThanOrEqual(5);
		expect(r.high).toBeGreaterThanOrEqual(5);
		expect(() => bootstrapMedian([])).toThrow();
	});
});
