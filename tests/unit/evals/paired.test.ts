import { describe, expect, it } from 'vitest';
import { bootstrapMeanInterval, comparePaired, seededRandom } from '../../../src/lib/evals/stats/paired.ts';

/** 40 queries where the candidate is better on 32 and equal on the rest (a known better configuration). */
const baseline = Array.from({ length: 40 }, (_, i) => (i % 5) / 10);
const better = baseline.map((x, i) => (i < 32 ? Math.min(1, x + 0.2 + (i % 3) / 20) : x));

describe('paired comparison', () => {
	it('labels a configuration that is better on most queries "better", with a CI above 0', () => {
		const c = comparePaired(baseline, better);
		expect(c.verdict).toBe('better');
		expect(c.pValue).toBeLessThan(0.05);
		expect(c.ciLow).toBeGreaterThan(0);
		expect(c.improved).toBe(32);
	});

	it('labels the reverse comparison "worse"', () => {
		expect(comparePaired(better, baseline).verdict).toBe('worse');
	});

	it('finds no significant difference between two identical configurations (p = 1, CI [0, 0])', () => {
		const c = comparePaired(baseline, baseline);
		expect(c.verdict).toBe('no significant difference');
		expect(c.pValue).toBe(1);
		expect([c.ciLow, c.ciHigh, c.meanDifference]).toEqual([0, 0, 0]);
	});

	it('does not call a small noisy difference significant', () => {
		const noisy = baseline.map((x, i) => x + (i % 2 === 0 ? 0.05 : -0.04));
		expect(comparePaired(baseline, noisy).verdict).toBe('no significant difference');
	});

	it('repeats the same numbers for the same seed, and other numbers for another seed', () => {
		const noisy = baseline.map((x, i) => x + ((i * 7) % 5) / 50 - 0.03);
		const first = comparePaired(baseline, noisy, { seed: 7 });
		expect(comparePaired(baseline, noisy, { seed: 7 })).toEqual(first);
		expect(comparePaired(baseline, noisy, { seed: 8 }).ciLow).not.toBe(first.ciLow);
	});

	it('generates the same sequence from the same seed', () => {
		const a = seededRandom(1);
		const b = seededRandom(1);
		expect([a(), a(), a()]).toEqual([b(), b(), b()]);
	});

	it('rejects lists of different lengths and empty lists', () => {
		expect(() => comparePaired([1], [1, 2])).toThrow(expect.objectContaining({ code: 'DATASET_INVALID' }));
		expect(() => comparePaired([], [])).toThrow(expect.objectContaining({ code: 'DATASET_INVALID' }));
	});
});

describe('bootstrap interval of one mean', () => {
	it('brackets the mean and repeats for the same seed', () => {
		const values = [0, 0.5, 1, 0.25, 0.75, 1, 0, 0.5];
		const a = bootstrapMeanInterval(values, { seed: 3 });
		expect(a.mean).toBe(0.5);
		expect(a.ciLow).toBeLessThan(0.5);
		expect(a.ciHigh).toBeGreaterThan(0.5);
		expect(bootstrapMeanInterval(values, { seed: 3 })).toEqual(a);
	});
});

describe('the randomization test’s p-value', () => {
	it('depends on the seed and the permutations only, not on the bootstrap resamples drawn before it', () => {
		const a = [0.2, 0.5, 0.9, 0.4, 0.7, 0.1];
		const b = [0.3, 0.4, 0.95, 0.6, 0.65, 0.3];
		const few = comparePaired(a, b, { seed: 42, permutations: 10_000, resamples: 1000 });
		const many = comparePaired(a, b, { seed: 42, permutations: 10_000, resamples: 10_000 });
		expect(few.pValue).toBe(many.pValue);
	});
});
