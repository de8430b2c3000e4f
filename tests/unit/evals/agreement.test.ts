import { describe, expect, it } from 'vitest';
import { agreement, confusionMatrix } from '../../../src/lib/evals/agreement/index.ts';

// Hand computation (n = 8, categories 1–5, k = 5):
// human = [1,2,3,4,5,5,3,2], judge = [1,3,3,4,4,5,2,2]
// agreements at items 0,2,3,5,7 → p_o = 5/8 = 0.625
// human marginals r = [1,2,2,1,2], judge marginals c = [1,2,2,2,1]
// p_e = Σ rᵢcᵢ / n² = (1+4+4+2+2)/64 = 13/64
// κ = (40/64 − 13/64)/(1 − 13/64) = 27/51
// Linear weights |i−j|/4: observed Σ|i−j| nᵢⱼ = 3 (three off-by-one cells);
//   expected Σ|i−j| rᵢcⱼ = 16 + 2·10 + 2·8 + 10 + 2·16 = 94
//   κ_lin = 1 − (3/8)/(94/64) = 1 − 24/94 = 35/47
// Quadratic weights (i−j)²/16: observed Σ(i−j)² nᵢⱼ = 3;
//   expected Σ(i−j)² rᵢcⱼ = 44 + 2·20 + 2·12 + 20 + 2·44 = 216
//   κ_quad = 1 − (3/8)/(216/64) = 1 − 24/216 = 8/9
const human = [1, 2, 3, 4, 5, 5, 3, 2];
const judge = [1, 3, 3, 4, 4, 5, 2, 2];
const scale = [1, 2, 3, 4, 5];

describe('agreement between human and judge scores', () => {
	const a = agreement(human, judge, scale);

	it('computes accuracy 5/8', () => {
		expect(a.accuracy).toBe(0.625);
	});

	it("computes Cohen's kappa 27/51", () => {
		expect(a.kappa).toBeCloseTo(27 / 51, 12);
	});

	it('computes linear weighted kappa 35/47', () => {
		expect(a.weightedKappaLinear).toBeCloseTo(35 / 47, 12);
	});

	it('computes quadratic weighted kappa 8/9', () => {
		expect(a.weightedKappaQuadratic).toBeCloseTo(8 / 9, 12);
	});

	it('builds the confusion matrix with human labels as rows and judge labels as columns', () => {
		expect(a.confusion.counts).toEqual([
			[1, 0, 0, 0, 0],
			[0, 1, 1, 0, 0],
			[0, 1, 1, 0, 0],
			[0, 0, 0, 1, 0],
			[0, 0, 0, 1, 1]
		]);
	});

	it('gives kappa 1 for perfect agreement on pass/fail labels', () => {
		expect(agreement(['pass', 'fail', 'pass'], ['pass', 'fail', 'pass'], ['pass', 'fail']).kappa).toBe(1);
	});

	it('returns null kappa, not NaN, when both raters use one label only', () => {
		expect(agreement(['pass', 'pass'], ['pass', 'pass'], ['pass', 'fail']).kappa).toBeNull();
	});

	it('rejects a label outside the categories', () => {
		expect(() => confusionMatrix([6], [5], scale)).toThrow(/not one of/);
	});

	it('rejects label lists of different lengths', () => {
		expect(() => confusionMatrix([1, 2], [1], scale)).toThrow(/same items/);
	});
});
