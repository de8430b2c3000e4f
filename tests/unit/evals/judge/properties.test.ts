import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../../src/lib/adapters/json-schema-validator.ts';
import { parseVerdict } from '../../../../src/lib/evals/judge/verdict.ts';
import { agreement } from '../../../../src/lib/evals/agreement/index.ts';

const validator = new CfworkerSchemaValidator();
const scale = [1, 2, 3, 4, 5];

describe('properties', () => {
	it('parseVerdict never throws and a valid verdict always has an integer score from 1 to 5', () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc.string(),
					fc.json(),
					fc.record({ score: fc.oneof(fc.integer(), fc.double(), fc.string()), reason: fc.string() }).map((o) => JSON.stringify(o))
				),
				(raw) => {
					const r = parseVerdict('rubric', raw, validator);
					if (r.ok) expect(Number.isInteger(r.verdict.score) && r.verdict.score >= 1 && r.verdict.score <= 5).toBe(true);
					else expect(r.error.code).toMatch(/^JUDGE_/);
				}
			)
		);
	});

	it("Cohen's kappa and weighted kappa are symmetric in the two raters", () => {
		const labels = fc.array(fc.tuple(fc.constantFrom(...scale), fc.constantFrom(...scale)), { minLength: 1, maxLength: 40 });
		fc.assert(
			fc.property(labels, (pairs) => {
				const a = pairs.map((p) => p[0]);
				const b = pairs.map((p) => p[1]);
				const ab = agreement(a, b, scale);
				const ba = agreement(b, a, scale);
				for (const k of ['kappa', 'weightedKappaLinear', 'weightedKappaQuadratic'] as const) {
					if (ab[k] === null) expect(ba[k]).toBeNull();
					else expect(ba[k]).toBeCloseTo(ab[k] as number, 12);
				}
			})
		);
	});
});
