import { describe, expect, it } from 'vitest';
import { humanPassed, preferencePairsFromRuns, sftExamples } from '../../../../src/lib/evals/answers/finetune.ts';
import { toDpoJsonl, toSftJsonl } from '../../../../src/lib/evals/export/trl.ts';
import type { PairwiseOutcome } from '../../../../src/lib/evals/judge/pairwise.ts';
import type { HumanReview } from '../../../../src/lib/evals/answers/types.ts';
import { makeAnswer } from './fixtures.ts';

const pf = (pass: boolean): HumanReview => ({ kind: 'pass-fail', pass, notes: '', reviewedAtMs: 1 });
const sc = (score: number): HumanReview => ({ kind: 'score', score, notes: '', reviewedAtMs: 1 });
const agreed = (id: string, preferred: 'first' | 'second' | 'tie'): PairwiseOutcome => ({
	id,
	forward: preferred,
	swapped: preferred,
	consistent: true,
	preferred,
	errors: [],
	attempts: 2
});

describe('sftExamples', () => {
	it('keeps the answers a person passed (pass, or score ≥ threshold) and writes TRL messages JSONL', () => {
		const answers = [
			makeAnswer('q1', { text: 'A1', review: pf(true) }),
			makeAnswer('q2', { text: 'A2', review: pf(false) }),
			makeAnswer('q3', { text: 'A3', review: sc(4) }),
			makeAnswer('q4', { text: 'A4', review: sc(3) }),
			makeAnswer('q5', { text: 'A5' })
		];
		const examples = sftExamples(answers, 4);
		expect(examples.map((e) => e.answer)).toEqual(['A1', 'A3']);
		expect(toSftJsonl(examples).split('\n')[0]).toBe(
			'{"messages":[{"role":"system","content":"S"},{"role":"user","content":"Q q1"},{"role":"assistant","content":"A1"}]}'
		);
	});

	it('never passes an answer without a label', () => {
		expect(humanPassed(null, 1)).toBe(false);
	});
});

describe('preferencePairsFromRuns', () => {
	it('takes agreed pairwise winners, and human labels where both answers of a case have one of the same kind', () => {
		const first = [
			makeAnswer('q1', { text: 'F1' }),
			makeAnswer('q2', { text: 'F2', review: sc(2) }),
			makeAnswer('q3', { text: 'F3', review: pf(true) })
		];
		const second = [
			makeAnswer('q1', { text: 'S1' }),
			makeAnswer('q2', { text: 'S2', review: sc(5) }),
			makeAnswer('q3', { text: 'S3', review: pf(true) })
		];
		// The judge says first wins q2, but both people scored q2: the people decide (second chosen); q3 equal labels → no pair.
		const pairs = preferencePairsFromRuns(first, second, [agreed('q1', 'second'), agreed('q2', 'first'), agreed('q3', 'first')]);
		expect(pairs.map((p) => [p.chosen, p.rejected, p.source])).toEqual([
			['S1', 'F1', 'pairwise-judge'],
			['S2', 'F2', 'human-score']
		]);
		expect(toDpoJsonl(pairs).split('\n')[0]).toBe(
			'{"prompt":[{"role":"system","content":"S"},{"role":"user","content":"Q q1"}],"chosen":[{"role":"assistant","content":"S1"}],"rejected":[{"role":"assistant","content":"F1"}]}'
		);
	});

	it('makes no pair from ties or from a case either run failed', () => {
		const failed = makeAnswer('q2', { error: { name: 'AssayError', code: 'LLM_GENERATION_FAILED', message: 'x' }, finishReason: null });
		expect(
			preferencePairsFromRuns(
				[makeAnswer('q1'), makeAnswer('q2')],
				[makeAnswer('q1'), failed],
				[agreed('q1', 'tie'), agreed('q2', 'first')]
			)
		).toEqual([]);
	});
});
