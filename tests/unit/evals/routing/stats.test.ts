import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binomialCdf, discordantCounts, mcnemarExact, nonInferiorityExact } from '../../../../src/lib/evals/routing/stats.ts';

// Expected values are exact rational sums Σ C(n,i) pⁱ(1−p)ⁿ⁻ⁱ computed with Python's fractions.
describe('routing statistics', () => {
	it('computes binomial tails exactly to twelve digits', () => {
		expect(binomialCdf(6, 8, 0.75)).toBeCloseTo(0.6329193115234375, 12);
		expect(binomialCdf(10, 15, 2 / 3)).toBeCloseTo(0.595935216529036, 12);
		expect(binomialCdf(37, 100, 0.3)).toBeCloseTo(0.946954414213075, 12);
		expect(binomialCdf(-1, 5, 0.5)).toBe(0);
		expect(binomialCdf(5, 5, 0.5)).toBe(1);
		expect(binomialCdf(0, 5, 0)).toBe(1);
		expect(binomialCdf(2, 5, 1)).toBe(0);
	});

	it('gives the exact two-sided McNemar p-value of statsmodels', () => {
		expect(mcnemarExact({ total: 30, b: 10, c: 2 })).toBeCloseTo(0.03857421875, 14);
		expect(mcnemarExact({ total: 30, b: 0, c: 5 })).toBeCloseTo(0.0625, 14);
		expect(mcnemarExact({ total: 30, b: 4, c: 4 })).toBe(1);
		expect(mcnemarExact({ total: 30, b: 0, c: 0 })).toBe(1);
	});

	it('tests non-inferiority against the margin on the discordant pairs', () => {
		// ψ = 8/40, δ = 0.1 → θ0 = 0.75; P(Bin(8, 0.75) ≤ 6).
		expect(nonInferiorityExact({ total: 40, b: 6, c: 2 }, 0.1)).toBeCloseTo(0.6329193115234375, 12);
		// ψ = 0.15, δ = 0.05 → θ0 = 2/3.
		expect(nonInferiorityExact({ total: 100, b: 10, c: 5 }, 0.05)).toBeCloseTo(0.595935216529036, 12);
		// δ ≥ ψ: the candidate cannot be δ worse.
		expect(nonInferiorityExact({ total: 40, b: 3, c: 1 }, 0.1)).toBe(0);
		expect(nonInferiorityExact({ total: 40, b: 0, c: 0 }, 0.05)).toBe(0);
		expect(nonInferiorityExact({ total: 40, b: 0, c: 0 }, 0)).toBe(1);
		// δ = 0 is the one-sided exact McNemar test: P(Bin(12, ½) ≤ 2) = 79/4096.
		expect(nonInferiorityExact({ total: 30, b: 2, c: 10 }, 0)).toBeCloseTo(79 / 4096, 14);
		expect(() => nonInferiorityExact({ total: 4, b: 1, c: 1 }, 1)).toThrow(/margin/);
	});

	it('counts discordant pairs and refuses unpaired lists', () => {
		expect(discordantCounts([true, false, true, false], [true, true, false, false])).toEqual({ total: 4, b: 1, c: 1 });
		expect(() => discordantCounts([true], [])).toThrow(/same cases/);
	});

	it('a larger margin never makes non-inferiority harder to show', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 60 }),
				fc.nat(30),
				fc.nat(30),
				fc.double({ min: 0, max: 0.4, noNaN: true }),
				(extra, b, c, d) => {
					const counts = { total: b + c + extra, b, c };
					expect(nonInferiorityExact(counts, Math.min(0.99, d + 0.05))).toBeLessThanOrEqual(nonInferiorityExact(counts, d) + 1e-12);
				}
			)
		);
	});
});
