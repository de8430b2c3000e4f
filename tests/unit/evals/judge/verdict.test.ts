import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../../src/lib/adapters/json-schema-validator.ts';
import { parseVerdict, RUBRIC_VERDICT_SCHEMA, type RubricVerdict, type VerdictResult } from '../../../../src/lib/evals/judge/verdict.ts';
import { summariseVerdicts } from '../../../../src/lib/evals/judge/summary.ts';
import { extractJsonObject, repairSingleQuotes } from '../../../../src/lib/evals/judge/extract.ts';

const dir = new URL('../../../fixtures/cases/judge-01-verdict-parsing/', import.meta.url);
const validator = new CfworkerSchemaValidator();
interface CaseLine {
	id: string;
	raw: string;
	expected: { status: 'ok' | 'error'; score?: number; repaired?: boolean; error?: string };
}
const lines: CaseLine[] = readFileSync(new URL('judge_outputs.jsonl', dir), 'utf8')
	.split('\n')
	.filter((l) => l.trim() !== '')
	.map((l) => JSON.parse(l) as CaseLine);
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as {
	schema: object;
	summary_expected: { ok: number; error: number; mean_score_over_ok: number };
};
const KIND_OF_CODE: Record<string, string> = {
	JUDGE_SCORE_OUT_OF_RANGE: 'out_of_range',
	JUDGE_OUTPUT_TRUNCATED: 'truncated',
	JUDGE_OUTPUT_AMBIGUOUS: 'ambiguous_multiple_objects'
};

describe('case judge-01: verdict parsing', () => {
	const results = lines.map((l) => parseVerdict('rubric', l.raw, validator));

	it('uses the same verdict schema as the case', () => {
		expect(RUBRIC_VERDICT_SCHEMA).toEqual(expected.schema);
	});

	for (const [i, line] of lines.entries()) {
		it(`reply "${line.id}" is ${line.expected.status === 'ok' ? `a valid verdict with score ${line.expected.score}` : `the typed error ${line.expected.error}`}`, () => {
			const r = results[i] as VerdictResult<RubricVerdict>;
			if (line.expected.status === 'ok') {
				expect(r.ok && r.verdict.score).toBe(line.expected.score);
				expect(r.ok && r.repaired).toBe(line.expected.repaired === true);
			} else {
				expect(r.ok).toBe(false);
				if (!r.ok) expect(KIND_OF_CODE[r.error.code]).toBe(line.expected.error);
			}
		});
	}

	it('summarises six valid verdicts and four errors with mean 3.666667 and error rate 0.4', () => {
		const s = summariseVerdicts(results);
		expect([s.okCount, s.errorCount, s.total]).toEqual([expected.summary_expected.ok, expected.summary_expected.error, 10]);
		expect(s.meanScore).toBeCloseTo(expected.summary_expected.mean_score_over_ok, 6);
		expect(s.meanScore).toBe(22 / 6);
		expect(s.errorRate).toBe(0.4);
		expect(s.errorsByCode).toEqual({ JUDGE_SCORE_OUT_OF_RANGE: 2, JUDGE_OUTPUT_TRUNCATED: 1, JUDGE_OUTPUT_AMBIGUOUS: 1 });
	});
});

describe('parseVerdict', () => {
	it('reports the out-of-range score itself instead of clamping it', () => {
		const r = parseVerdict('rubric', '{"score": 0, "reason": "x"}', validator);
		expect(!r.ok && r.error.details).toMatchObject({ score: 0, retryable: true });
	});

	it('rejects a fractional score inside the range as invalid, not rounded', () => {
		const r = parseVerdict('rubric', '{"score": 3.5, "reason": "x"}', validator);
		expect(!r.ok && r.error.code).toBe('JUDGE_OUTPUT_INVALID');
	});

	it('rejects a score written as a word', () => {
		const r = parseVerdict('rubric', '{"score": "four", "reason": "x"}', validator);
		expect(!r.ok && r.error.code).toBe('JUDGE_OUTPUT_INVALID');
	});

	it('rejects a reply without any JSON object', () => {
		const r = parseVerdict('rubric', 'I would give it a four.', validator);
		expect(!r.ok && r.error.code).toBe('JUDGE_OUTPUT_INVALID');
	});

	it('treats a reply cut by the token limit as truncated even when it closes', () => {
		const r = parseVerdict('rubric', '{"score": 3, "reason": ""}', validator, { finishReason: 'length' });
		expect(!r.ok && r.error.code).toBe('JUDGE_OUTPUT_TRUNCATED');
	});

	it('rejects a verdict missing its reason', () => {
		const r = parseVerdict('rubric', '{"score": 3}', validator);
		expect(!r.ok && r.error.code).toBe('JUDGE_OUTPUT_INVALID');
	});

	it('parses a pairwise verdict naming the second answer', () => {
		const r = parseVerdict('pairwise', 'Verdict: {"winner": "B", "reason": "more complete"}', validator);
		expect(r.ok && r.verdict).toEqual({ winner: 'B', reason: 'more complete' });
	});

	it('rejects a pairwise winner outside A, B and tie', () => {
		const r = parseVerdict('pairwise', '{"winner": "C", "reason": "x"}', validator);
		expect(!r.ok && r.error.code).toBe('JUDGE_OUTPUT_INVALID');
	});
});

describe('extractJsonObject and repairSingleQuotes', () => {
	it('ignores apostrophes in prose around the object', () => {
		expect(extractJsonObject(`Here's it: {"a": "b"} — don't worry`)).toEqual({ kind: 'one', text: '{"a": "b"}' });
	});

	it('keeps braces inside strings out of the nesting count', () => {
		expect(extractJsonObject('{"a": "}{"}')).toEqual({ kind: 'one', text: '{"a": "}{"}' });
	});

	it('repairs single quotes and escapes a double quote inside them', () => {
		expect(repairSingleQuotes(`{'a': 'say "hi"', 'b': 'it\\'s'}`)).toBe('{"a": "say \\"hi\\"", "b": "it\'s"}');
	});

	it('returns null when nothing is single-quoted', () => {
		expect(repairSingleQuotes('{"a": 1}')).toBeNull();
	});
});

describe('summariseVerdicts', () => {
	it('gives null mean and null error rate for no replies, never NaN', () => {
		expect(summariseVerdicts([])).toMatchObject({ total: 0, meanScore: null, errorRate: null });
	});
});
