import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../../src/lib/adapters/json-schema-validator.ts';
import { BasicTracer } from '../../../../src/lib/tracing/tracer.ts';
import { ScriptedChatModel } from '../../../../src/lib/generation/index.ts';
import { runAnswerCases } from '../../../../src/lib/evals/answers/run.ts';
import { defaultGrading, gradeAnswers } from '../../../../src/lib/evals/answers/grade.ts';
import type { AnswerRecord } from '../../../../src/lib/evals/answers/types.ts';
import {
	exportAnswerBatch,
	exportGradingBatch,
	importAnswerBatch,
	importGradingBatch,
	parseBatchOutput,
	type BatchInputLine
} from '../../../../src/lib/evals/batch/index.ts';
import { cases, hits, makeAnswer, makeRun, words } from '../answers/fixtures.ts';

const fixture = (name: string) => readFileSync(new URL(`../../../fixtures/batch/${name}`, import.meta.url), 'utf8');
const base = { run: makeRun(), cases, modelName: 'gpt-4o-mini', retrieve: async () => hits, tokenizer: words };

/** The reply a scripted model gives to a case, keyed by the question in the last user message. */
const replyFor = (question: string) => `About “${question}” see [1].`;
const questionOf = (content: string) => cases.find((c) => content.includes(c.query))!.query;

/** A Batch API output file as OpenAI writes one: a chat.completion per input line, in reverse order. */
function fakeOutput(lines: readonly BatchInputLine[], reply: (body: BatchInputLine['body']) => string): string {
	return [...lines]
		.reverse()
		.map((l, i) =>
			JSON.stringify({
				id: `batch_req_${i}`,
				custom_id: l.custom_id,
				response: {
					status_code: 200,
					request_id: `req_${i}`,
					body: {
						id: `chatcmpl-${i}`,
						object: 'chat.completion',
						created: 1_700_000_000,
						model: 'gpt-4o-mini-2024-07-18',
						choices: [
							{ index: 0, message: { role: 'assistant', content: reply(l.body), refusal: null }, logprobs: null, finish_reason: 'stop' }
						],
						usage: { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55 }
					}
				},
				error: null
			})
		)
		.join('\n');
}

const lastUser = (body: BatchInputLine['body']) => (body.messages as { content: string }[]).at(-1)!.content;
const content = ({ timings: _t, traceId: _a, spanId: _b, createdAtMs: _c, ...rest }: AnswerRecord) => rest;

describe('exportAnswerBatch', () => {
	it('writes one Batch API line per pending case, field for field as the expected file', async () => {
		const out = await exportAnswerBatch(base);
		expect(out.problems).toEqual([]);
		expect(out.jsonl).toBe(fixture('answers-input.jsonl'));
	});

	it('names each request by the SHA-256 of the canonical {body, caseId, kind, runId}', async () => {
		const out = await exportAnswerBatch(base);
		for (const [i, line] of out.lines.entries()) {
			const canonical = JSON.stringify({ body: sortDeep(line.body), caseId: cases[i]!.id, kind: 'answer', runId: 'ar1' });
			expect(line.custom_id).toBe(createHash('sha256').update(canonical).digest('hex'));
		}
	});
});

function sortDeep(v: unknown): unknown {
	if (Array.isArray(v)) return v.map(sortDeep);
	if (v && typeof v === 'object')
		return Object.fromEntries(
			Object.keys(v)
				.sort()
				.map((k) => [k, sortDeep((v as Record<string, unknown>)[k])])
		);
	return v;
}

describe('importAnswerBatch', () => {
	it('round trip: export, a batch output built from it, import gives the records of an online run with the same replies', async () => {
		const exported = await exportAnswerBatch(base);
		const output = fakeOutput(exported.lines, (body) => replyFor(questionOf(lastUser(body))));
		const imported = await importAnswerBatch({ ...base, outputText: output, tracer: new BasicTracer([]), clock: () => 0, now: () => 5 });
		expect(imported.problems).toEqual([]);
		expect(imported.missing).toEqual([]);

		const online: AnswerRecord[] = [];
		const model = new ScriptedChatModel(
			'gpt-4o-mini',
			(req) => ({ tokens: [replyFor(questionOf(req.messages.at(-1)!.content))], usage: { inputTokens: 50, outputTokens: 5 } }),
			async () => {}
		);
		await runAnswerCases({ ...base, model, tracer: new BasicTracer([]), clock: () => 0, onAnswer: async (r) => void online.push(r) });

		expect(imported.records.map(content)).toEqual(online.map(content));
		expect(imported.records.map((r) => r.caseId)).toEqual(['q1', 'q2', 'q3']);
		expect(imported.records[0]!.citations.cited).toEqual([1]);
		expect(imported.records[0]!.tokens).toMatchObject({ input: 50, output: 5 });
		expect(imported.records.every((r) => r.timings.ttftMs === null && r.timings.tpotMs === null)).toBe(true);
	});

	it('applies the usable lines and reports malformed, failed and unknown ones per item', async () => {
		const exported = await exportAnswerBatch(base);
		const good = fakeOutput(exported.lines.slice(0, 1), () => 'Fine [1].');
		const failed = JSON.stringify({
			id: 'batch_req_x',
			custom_id: exported.lines[1]!.custom_id,
			response: { status_code: 429, request_id: 'req_x', body: { error: { message: 'Rate limit reached' } } },
			error: null
		});
		const unknown = JSON.stringify({
			id: 'b',
			custom_id: 'f'.repeat(64),
			response: null,
			error: { code: 'batch_expired', message: 'expired' }
		});
		const text = [good, '{"custom_id": ', failed, unknown, '{"no": "id"}'].join('\n');
		const imported = await importAnswerBatch({ ...base, outputText: text, tracer: new BasicTracer([]), clock: () => 0 });
		expect(imported.records.map((r) => r.caseId)).toEqual(['q1']);
		expect(imported.missing).toEqual(['q3']);
		expect(imported.problems.map((p) => [p.line, p.caseId ?? null, p.message.slice(0, 24)])).toEqual([
			[2, null, 'not JSON'],
			[3, 'q2', 'HTTP 429: Rate limit reac'.slice(0, 24)],
			[4, null, 'matches no pending reque'],
			[5, null, 'not a Batch API output l']
		]);
	});
});

describe('parseBatchOutput', () => {
	it('reads the error object, a non-2xx status and a body that is not a completion as failed replies', () => {
		const { replies, problems } = parseBatchOutput(
			[
				'{"id":"1","custom_id":"a","response":null,"error":{"code":"invalid_request","message":"bad"}}',
				'{"id":"2","custom_id":"b","response":{"status_code":200,"request_id":"r","body":{"object":"list"}},"error":null}',
				'{"id":"3","custom_id":"a","response":null,"error":null}',
				''
			].join('\n')
		);
		expect([...replies.values()]).toEqual([
			{ ok: false, line: 1, message: 'the batch reported invalid_request: bad' },
			{ ok: false, line: 2, message: 'the response body is not a chat.completion with choices[0].message' }
		]);
		expect(problems).toEqual([{ line: 3, customId: 'a', message: 'custom_id repeated; the first reply is kept' }]);
	});
});

describe('grading batch', () => {
	const settings = {
		...defaultGrading({ provider: 'openai-compatible', modelId: 'gpt-4o-mini' }),
		rubrics: ['faithfulness' as const, 'answer-relevancy' as const]
	};
	const answers = ['q1', 'q2'].map((id) => makeAnswer(id, { query: `Question ${id}?`, text: `Answer ${id} [1].` }));
	const validator = new CfworkerSchemaValidator();
	const verdict = (body: BatchInputLine['body']) =>
		JSON.stringify({ score: lastUser(body).includes('Question q1?') ? 5 : 2, reason: 'scripted' });

	it('exports one judge request per answer × rubric with the verdict schema as response_format', async () => {
		const out = await exportGradingBatch({ runId: 'ar1', answers, settings, modelName: 'gpt-4o-mini', validator });
		expect(out.lines).toHaveLength(4);
		expect(out.lines[0]!.body).toMatchObject({
			model: 'gpt-4o-mini',
			temperature: 0,
			seed: 42,
			max_tokens: 512,
			response_format: { type: 'json_schema' }
		});
		expect(out.lines[0]!.body).not.toHaveProperty('stream');
	});

	it('round trip: imported verdicts equal online grading with the same replies', async () => {
		const exported = await exportGradingBatch({ runId: 'ar1', answers, settings, modelName: 'gpt-4o-mini', validator });
		const output = fakeOutput(exported.lines, verdict);
		const imported = await importGradingBatch({ runId: 'ar1', answers, settings, modelName: 'gpt-4o-mini', validator, outputText: output });
		expect(imported.problems).toEqual([]);
		const online: AnswerRecord[] = [];
		const judge = new ScriptedChatModel(
			'gpt-4o-mini',
			(req) => ({ tokens: [verdict({ messages: req.messages })] }),
			async () => {}
		);
		await gradeAnswers({
			answers,
			settings,
			model: { modelId: judge.modelId, provider: 'openai-compatible', stream: (r, s) => judge.stream(r, s) },
			validator,
			onGraded: async (r) => void online.push(r)
		});
		expect(imported.records).toEqual(online);
		expect(imported.records.map((r) => r.verdicts.faithfulness?.result)).toMatchObject([
			{ ok: true, verdict: { score: 5 } },
			{ ok: true, verdict: { score: 2 } }
		]);
	});

	it('leaves an answer ungraded when one of its judge requests is missing', async () => {
		const exported = await exportGradingBatch({ runId: 'ar1', answers, settings, modelName: 'gpt-4o-mini', validator });
		const output = fakeOutput(exported.lines.slice(1), verdict);
		const imported = await importGradingBatch({ runId: 'ar1', answers, settings, modelName: 'gpt-4o-mini', validator, outputText: output });
		expect(imported.records.map((r) => r.caseId)).toEqual(['q2']);
		expect(imported.missing).toEqual(['q1']);
		// q1's other reply matched a request, so it is not reported as unknown.
		expect(imported.problems).toEqual([]);
	});
});
