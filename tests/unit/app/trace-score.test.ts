import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromOtlpJson } from '../../../src/lib/tracing/otlp/index.ts';
import { answerOfTrace, scoreTrace } from '../../../src/lib/app/traces/score.ts';

describe('scoreTrace', () => {
	it('runs the default checks on the answer and retrieved documents of the Python RAG fixture', () => {
		const { spans } = fromOtlpJson(JSON.parse(readFileSync('tests/fixtures/otlp/python-rag-app.json', 'utf8')));
		expect(answerOfTrace(spans)?.sources).toHaveLength(2);
		const score = scoreTrace(spans);
		expect(score.ok).toBe(true);
		if (score.ok) expect(score.results.map((r) => [r.id, r.pass])).toContainEqual(['citations-valid', true]);
	});

	it('says why a trace without answer text cannot be scored', () => {
		const { spans } = fromOtlpJson({ resourceSpans: [] });
		expect(scoreTrace(spans)).toMatchObject({ ok: false });
	});
});
