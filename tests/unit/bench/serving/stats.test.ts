import { describe, expect, it } from 'vitest';
import { npMean, npMedian, npPercentile, npStd, npSum, summarize } from '../../../../src/lib/bench/serving/index.ts';

// Reference values printed by numpy 2.4.6 (float(np.mean(a)), float(np.percentile(a, p)), …) on
// the same arrays; compared with toBe, so every digit must match.

describe('numpy-exact statistics', () => {
	it('sums as numpy does, pairwise, which differs from a left-to-right sum in the last digit', () => {
		const a = [
			62.29, 74.179, 79.519, 94.245, 73.99, 92.232, 2.901, 46.562, 94.336, 64.897, 90.09, 11.321, 46.907, 24.657, 54.376, 57.394, 1.311,
			21.673, 27.948, 91.635
		];
		const naive = a.reduce((s, x) => s + x, 0);
		expect(naive).toBe(1112.4630000000002);
		expect(npSum(a)).toBe(1112.463);
		expect(npMean(a)).toBe(55.623149999999995);
		expect(npStd(a)).toBe(30.765883631508135);
	});

	it('splits arrays above 128 values into halves of a multiple of 8, as numpy', () => {
		const b = Array.from({ length: 300 }, (_, i) => ((i * 7919) % 10007) / 10.3);
		expect(b.reduce((s, x) => s + x, 0)).toBe(145607.37864077673);
		expect(npSum(b)).toBe(145607.37864077667);
		expect(npMean(b)).toBe(485.3579288025889);
		expect(npStd(b)).toBe(280.9298914443874);
		expect(npPercentile(b, 99)).toBe(961.2902912621358);
		expect(npPercentile(b, 95)).toBe(922.131067961165);
		expect(npMedian(b)).toBe(485.2912621359223);
	});

	it("takes percentiles with numpy's default linear method, interpolating from the upper value when the weight is at least one half", () => {
		const odd = [0.1, 0.2, 0.3, 0.7, 1.1, 13.3, 2.9];
		expect(npPercentile(odd, 50)).toBe(0.7);
		expect(npPercentile(odd, 90)).toBe(7.060000000000004);
		expect(npPercentile(odd, 95)).toBe(10.179999999999993);
		expect(npPercentile(odd, 99)).toBe(12.675999999999995);
		expect(npPercentile([20, 30, 10, 40], 99)).toBe(39.699999999999996);
		// Hand: h = 3 · 0.9 = 2.7 between 30 and 40 → 30 + 0.7 · 10 = 37.
		expect(npPercentile([20, 30, 10, 40], 90)).toBe(37);
		expect(npPercentile([5], 99)).toBe(5);
		expect(npPercentile([1, 2], 0)).toBe(1);
		expect(npPercentile([1, 2], 100)).toBe(2);
		expect(() => npPercentile([1], 101)).toThrow(RangeError);
	});

	it('takes the median as the middle value or the mean of the two middle values', () => {
		expect(npMedian([3, 1, 2])).toBe(2);
		expect(npMedian([4, 1, 3, 2])).toBe(2.5);
		expect(npMean([0.1, 0.2, 0.3, 0.7, 1.1, 13.3, 2.9])).toBe(2.6571428571428575);
		expect(npStd([0.1, 0.2, 0.3, 0.7, 1.1, 13.3, 2.9])).toBe(4.435524495594676);
	});

	it('summarises an empty metric as zeros with a count of 0, as vLLM reports it', () => {
		expect(summarize([])).toEqual({ count: 0, mean: 0, median: 0, std: 0, p50: 0, p90: 0, p95: 0, p99: 0 });
	});
});
