import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import { fromOtlpJson } from '../../../src/lib/tracing/otlp/index.ts';
import { checkEvents, judgeTrace, traceRubrics, traceSubject, verdictEvent } from '../../../src/lib/evals/trace-judge.ts';
import type { ChatModel, ChatRequest, ModelStreamEvent } from '../../../src/lib/generation/types.ts';
import type { SpanRecord } from '../../../src/lib/tracing/types.ts';

const fixture = () => fromOtlpJson(JSON.parse(readFileSync('tests/fixtures/otlp/python-rag-app.json', 'utf8'))).spans;
const validator = new CfworkerSchemaValidator();

/** A judge that answers each request with the next of `replies` (a string, or an engine error) and keeps the requests. */
function scripted(replies: readonly (string | { error: string })[]): ChatModel & { requests: ChatRequest[] } {
	const requests: ChatRequest[] = [];
	return {
		modelId: 'judge',
		provider: 'scripted',
		requests,
		async *stream(request: ChatRequest): AsyncIterable<ModelStreamEvent> {
			const reply = replies[requests.length] ?? '';
			requests.push(request);
			if (typeof reply !== 'string') {
				yield { type: 'error', error: { name: 'AssayError', code: 'LLM_REQUEST_FAILED', message: reply.error } };
				return;
			}
			yield { type: 'token', text: reply };
			yield { type: 'done', finishReason: 'stop' };
		}
	};
}

describe('traceSubject', () => {
	it('reads the query, the answer and the two numbered sources of the Python RAG fixture, on its chain span', () => {
		const subject = traceSubject(fixture());
		expect(subject).toMatchObject({
			ok: true,
			query: 'How do I reset my password?',
			answer: 'Open Settings → Security and choose Reset password [1].',
			sources: [
				{ n: 1, chunkId: 'kb-0017', text: 'To reset your password, open Settings → Security and choose Reset password.' },
				{ n: 2, chunkId: 'kb-0102', text: 'Two-factor authentication can be enabled under Settings → Security.' }
			]
		});
		expect(subject.ok && subject.span.spanId).toBe('a3c1b1e4f7d2c001');
	});

	it('says why a trace without answer text cannot be scored', () => {
		const only: SpanRecord = {
			traceId: 'a'.repeat(32),
			spanId: 'b'.repeat(16),
			parentSpanId: null,
			name: 'GET /',
			startTimeMs: 0,
			endTimeMs: 1,
			durationMs: 1,
			status: 'ok',
			attributes: {},
			events: []
		};
		expect(traceSubject([only])).toEqual({
			ok: false,
			reason:
				'The trace recorded no answer text (assay.rag.answer, gen_ai.output.messages or output.value) — imported without content, or content capture was off.'
		});
		expect(traceSubject([])).toEqual({ ok: false, reason: 'The trace has no spans.' });
	});
});

describe('evaluation events of checks and verdicts', () => {
	it('names checks check.<id> with 1/0 and pass/fail and the reason', () => {
		const events = checkEvents(
			[
				{ id: 'cites', type: 'citations-present', pass: true, reason: '1 citation' },
				{ id: 'length', type: 'length', pass: false, reason: '5000 > 4000 characters' }
			],
			7000
		);
		expect(events).toEqual([
			{
				name: 'gen_ai.evaluation.result',
				timeMs: 7000,
				attributes: {
					'gen_ai.evaluation.name': 'check.cites',
					'gen_ai.evaluation.score.value': 1,
					'gen_ai.evaluation.score.label': 'pass',
					'gen_ai.evaluation.explanation': '1 citation'
				}
			},
			{
				name: 'gen_ai.evaluation.result',
				timeMs: 7000,
				attributes: {
					'gen_ai.evaluation.name': 'check.length',
					'gen_ai.evaluation.score.value': 0,
					'gen_ai.evaluation.score.label': 'fail',
					'gen_ai.evaluation.explanation': '5000 > 4000 characters'
				}
			}
		]);
	});

	it('labels a verdict pass at the threshold, fail below it, and an unreadable reply with error.type and no score', () => {
		const ok = (score: number) => ({ ok: true as const, verdict: { score, reason: `scored ${score}` }, repaired: false, raw: '' });
		expect(verdictEvent('faithfulness', ok(4), 4, 1).attributes).toEqual({
			'gen_ai.evaluation.name': 'judge.faithfulness',
			'gen_ai.evaluation.score.value': 4,
			'gen_ai.evaluation.score.label': 'pass',
			'gen_ai.evaluation.explanation': 'scored 4'
		});
		expect(verdictEvent('faithfulness', ok(3), 4, 1).attributes?.['gen_ai.evaluation.score.label']).toBe('fail');
		const bad = {
			ok: false as const,
			raw: 'fine',
			error: { name: 'AssayError' as const, code: 'JUDGE_OUTPUT_INVALID' as const, message: 'No JSON object.' }
		};
		expect(verdictEvent('answer-relevancy', bad, 4, 2)).toEqual({
			name: 'gen_ai.evaluation.result',
			timeMs: 2,
			attributes: {
				'gen_ai.evaluation.name': 'judge.answer-relevancy',
				'gen_ai.evaluation.explanation': 'No JSON object.',
				'error.type': 'JUDGE_OUTPUT_INVALID'
			}
		});
	});
});

describe('traceRubrics', () => {
	it('runs what a trace can take and says why reference and context rubrics are skipped', () => {
		const all = ['correctness', 'faithfulness', 'answer-relevancy', 'context-precision', 'context-recall'] as const;
		expect(traceRubrics(all, { sources: [{ n: 1, chunkId: 'a', text: 'A' }] })).toEqual({
			run: ['faithfulness', 'answer-relevancy', 'context-precision'],
			skipped: [
				{ rubric: 'correctness', reason: 'needs a reference answer, which a trace does not have' },
				{ rubric: 'context-recall', reason: 'needs a reference answer, which a trace does not have' }
			]
		});
		expect(traceRubrics(['faithfulness', 'answer-relevancy', 'context-precision'], { sources: [] }, 3)).toEqual({
			run: ['answer-relevancy'],
			skipped: [
				{ rubric: 'faithfulness', reason: 'needs the retrieved text; the trace names 3 document(s) without it' },
				{ rubric: 'context-precision', reason: 'needs retrieved documents' }
			]
		});
	});
});

describe('judgeTrace', () => {
	it('asks one request per rubric with the trace’s question, answer and sources, and returns one judge.<rubric> event each', async () => {
		const model = scripted(['{"score": 2, "reason": "the second source is unrelated"}', 'not json', 'still not json']);
		let clock = 100;
		const progress: string[] = [];
		const result = await judgeTrace({
			spans: fixture(),
			rubrics: ['faithfulness', 'answer-relevancy'],
			model,
			validator,
			passThreshold: 4,
			now: () => clock++,
			onRubric: (rubric, done, total) => progress.push(`${rubric} ${done}/${total}`)
		});
		expect(progress).toEqual(['faithfulness 0/2', 'answer-relevancy 1/2']);
		expect(model.requests).toHaveLength(3);
		const user = model.requests[0]!.messages.at(-1)!.content;
		expect(user).toContain('How do I reset my password?');
		expect(user).toContain('Open Settings → Security and choose Reset password [1].');
		expect(user).toContain('<source id="2">');
		expect(user).toContain('Two-factor authentication can be enabled under Settings → Security.');
		expect(model.requests[0]).toMatchObject({ temperature: 0, seed: 42, maxTokens: 512 });
		expect(result.span.spanId).toBe('a3c1b1e4f7d2c001');
		expect(result.engineError).toBeNull();
		expect(result.events.map((e) => [e.timeMs, e.attributes])).toEqual([
			[
				100,
				{
					'gen_ai.evaluation.name': 'judge.faithfulness',
					'gen_ai.evaluation.score.value': 2,
					'gen_ai.evaluation.score.label': 'fail',
					'gen_ai.evaluation.explanation': 'the second source is unrelated'
				}
			],
			[
				101,
				{
					'gen_ai.evaluation.name': 'judge.answer-relevancy',
					'gen_ai.evaluation.explanation': expect.any(String),
					'error.type': 'JUDGE_OUTPUT_INVALID'
				}
			]
		]);
	});

	it('stops at an engine failure without an event for it, and refuses a trace without a query or a bad threshold', async () => {
		const failing = scripted(['{"score": 5, "reason": "ok"}', { error: 'connection refused' }]);
		const result = await judgeTrace({
			spans: fixture(),
			rubrics: ['faithfulness', 'answer-relevancy', 'context-precision'],
			model: failing,
			validator,
			passThreshold: 4,
			now: () => 1
		});
		expect(result.events.map((e) => e.attributes?.['gen_ai.evaluation.name'])).toEqual(['judge.faithfulness']);
		expect(result.engineError).toEqual({ name: 'AssayError', code: 'LLM_REQUEST_FAILED', message: 'connection refused' });
		expect(failing.requests).toHaveLength(2);

		const noQuery = fixture().map((s) => ({
			...s,
			attributes: Object.fromEntries(
				Object.entries(s.attributes).filter(([k]) => !['gen_ai.retrieval.query.text', 'gen_ai.input.messages', 'input.value'].includes(k))
			)
		}));
		const input = { rubrics: ['faithfulness'] as const, model: scripted([]), validator, now: () => 1 };
		await expect(judgeTrace({ ...input, spans: noQuery, passThreshold: 4 })).rejects.toMatchObject({
			code: 'CONFIG_INVALID',
			message: expect.stringContaining('no query')
		});
		await expect(judgeTrace({ ...input, spans: fixture(), passThreshold: 6 })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
		await expect(judgeTrace({ ...input, spans: fixture(), rubrics: ['correctness'], passThreshold: 4 })).rejects.toThrow(
			'No chosen rubric can judge this trace: correctness needs a reference answer, which a trace does not have.'
		);
	});
});
