import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contextualNote } from '../../../../src/lib/components/evals/metrics.ts';
import type { EvalReport } from '../../../../src/lib/evals/report/types.ts';

const baseline = JSON.parse(readFileSync(new URL('../../../fixtures/gate/baseline.json', import.meta.url), 'utf8')) as EvalReport;
const contextual = {
	model: 'gpt-4o-mini',
	provider: 'openai-compatible',
	promptVersion: 1,
	generated: 40,
	cached: 12,
	failed: 1,
	calls: 41,
	inputTokens: 5000,
	outputTokens: 300,
	costUsd: 0.00093,
	costNote: null
};
const withContextual = (c: object): EvalReport => ({ ...baseline, retrieval: { ...baseline.retrieval, contextual: c } }) as EvalReport;

describe('the contextual chunks note of a report column', () => {
	it('is empty for a report without contextual chunks', () => {
		expect(contextualNote(baseline)).toBe('');
	});

	it('names the model, counts and cost of a lexical run, and adds the vectors embedded and stored of a dense one', () => {
		const lexical = ' · contexts by gpt-4o-mini (prompt v1): 40 written, 12 stored, 1 failed, 5000 + 300 tokens, $0.000930';
		expect(contextualNote(withContextual(contextual))).toBe(lexical);
		expect(contextualNote(withContextual({ ...contextual, vectors: { embedded: 3, cached: 50 } }))).toBe(
			`${lexical}; 3 vectors embedded, 50 stored`
		);
	});
});
