import { describe, expect, it } from 'vitest';
import { averageRanks, pearson, spearman } from '../../../src/lib/evals/stats/correlation.ts';
import { lengthBias } from '../../../src/lib/evals/judge/length-bias.ts';
import type { RubricVerdict, VerdictResult } from '../../../src/lib/evals/judge/verdict.ts';

// Hand computation for x = [1,2,3,4,5], y = [2,4,5,4,5]:
// x̄ = 3, ȳ = 4; dx = [-2,-1,0,1,2], dy = [-2,0,1,0,1]
// Σdxdy = 4+0+0+0+2 = 6, Σdx² = 10, Σdy² = 6 → r = 6/√60 = 0.7745966692414834
// ranks(y) = [1, 2.5, 4.5, 2.5, 4.5] (ties averaged); mean 3; dy = [-2,-.5,1.5,-.5,1.5]
// Σdxdy = 4+.5+0-.5+3 = 7, Σdy² = 4+.25+2.25+.25+2.25 = 9 → ρ = 7/√90 = 0.7378647873726218
const x = [1, 2, 3, 4, 5];
const y = [2, 4, 5, 4, 5];

describe('correlation', () => {
	it('computes Pearson r equal to the hand-computed 6/√60', () => {
		expect(pearson(x, y)).toBeCloseTo(6 / Math.sqrt(60), 12);
	});

	it('gives tied values their average rank', () => {
		expect(averageRanks(y)).toEqual([1, 2.5, 4.5, 2.5, 4.5]);
	});

	it('computes Spearman ρ equal to the hand-computed 7/√90', () => {
		expect(spearman(x, y)).toBeCloseTo(7 / Math.sqrt(90), 12);
	});

	it('returns null, not NaN, for a constant variable', () => {
		expect(pearson([1, 2, 3], [4, 4, 4])).toBeNull();
	});
});

describe('lengthBias', () => {
	const ok = (score: number): VerdictResult<RubricVerdict> => ({ ok: true, verdict: { score, reason: '' }, repaired: false, raw: '' });
	const err: VerdictResult<RubricVerdict> = {
		ok: false,
		raw: '',
		error: { name: 'AssayError', code: 'JUDGE_OUTPUT_INVALID', message: '' }
	};

	it('correlates only valid verdicts with their answer lengths', () => {
		const bias = lengthBias([ok(2), err, ok(4), ok(5), ok(4), ok(5)], [1, 999, 2, 3, 4, 5]);
		expect(bias.n).toBe(5);
		expect(bias.pearson).toBeCloseTo(6 / Math.sqrt(60), 12);
		expect(bias.spearman).toBeCloseTo(7 / Math.sqrt(90), 12);
	});
});
