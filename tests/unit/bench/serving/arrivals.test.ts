import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../src/lib/evals/stats/paired.ts';
import { arrivalOffsetsMs, gammaDraw, npMean, npStd } from '../../../../src/lib/bench/serving/index.ts';

const gaps = (offsets: number[]) => offsets.map((t, i) => t - (i === 0 ? 0 : offsets[i - 1]!));

describe('arrival schedules', () => {
	it('sends everything at once at rate inf', () => {
		expect(arrivalOffsetsMs(4, { requestRate: Infinity })).toEqual([0, 0, 0, 0]);
	});

	it('spaces requests evenly at burstiness inf', () => {
		expect(arrivalOffsetsMs(4, { requestRate: 4, burstiness: Infinity })).toEqual([250, 500, 750, 1000]);
	});

	it('draws Poisson arrivals reproducibly from the seed and rescales them to end at n / rate, as vLLM', () => {
		const a = arrivalOffsetsMs(50, { requestRate: 5, seed: 7 });
		expect(arrivalOffsetsMs(50, { requestRate: 5, seed: 7 })).toEqual(a);
		expect(arrivalOffsetsMs(50, { requestRate: 5, seed: 8 })).not.toEqual(a);
		expect(a[49]).toBeCloseTo(10_000, 9);
		expect(a.every((t, i) => i === 0 || t >= a[i - 1]!)).toBe(true);
	});

	it('gives exponential gaps (coefficient of variation 1) at burstiness 1, burstier below and more even above', () => {
		const cv = (burstiness: number) => {
			const g = gaps(arrivalOffsetsMs(20_000, { requestRate: 10, burstiness, seed: 3 }));
			return npStd(g) / npMean(g);
		};
		// Gamma(k) gaps have CV 1/√k: 1, 2 and 0.5.
		expect(cv(1)).toBeGreaterThan(0.97);
		expect(cv(1)).toBeLessThan(1.03);
		expect(cv(0.25)).toBeGreaterThan(1.9);
		expect(cv(0.25)).toBeLessThan(2.1);
		expect(cv(4)).toBeGreaterThan(0.48);
		expect(cv(4)).toBeLessThan(0.52);
	});

	it('draws gamma variables with mean shape · scale', () => {
		const random = seededRandom(11);
		for (const shape of [0.5, 1, 3]) {
			const draws = Array.from({ length: 20_000 }, () => gammaDraw(random, shape, 2));
			expect(npMean(draws) / (shape * 2)).toBeGreaterThan(0.97);
			expect(npMean(draws) / (shape * 2)).toBeLessThan(1.03);
		}
	});

	it('refuses a rate or burstiness that is not positive', () => {
		expect(() => arrivalOffsetsMs(3, { requestRate: 0 })).toThrow(/request rate/);
		expect(() => arrivalOffsetsMs(3, { requestRate: 1, burstiness: -1 })).toThrow(/burstiness/);
	});
});
