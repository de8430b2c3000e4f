import { describe, expect, it } from 'vitest';
import { BasicTracer } from '../../../../src/lib/tracing/tracer.ts';
import { ScriptedChatModel, type ChatScript } from '../../../../src/lib/generation/index.ts';
import { runAnswerCases } from '../../../../src/lib/evals/answers/run.ts';
import type { AnswerRecord } from '../../../../src/lib/evals/answers/types.ts';
import { cases, hits, makeRun, tickingClock, words } from './fixtures.ts';

function setup(script: ChatScript | ((n: number) => ChatScript), signal?: AbortSignal, onStored?: (r: AnswerRecord) => void) {
	const stored: AnswerRecord[] = [];
	const progress: [number, number][] = [];
	let calls = 0;
	const model = new ScriptedChatModel(
		'tiny-1b',
		() => (typeof script === 'function' ? script(calls++) : script),
		async () => {}
	);
	const input = {
		run: makeRun(),
		cases,
		model,
		retrieve: async () => hits,
		tokenizer: words,
		tracer: new BasicTracer([], () => 0),
		clock: tickingClock(),
		onAnswer: async (r: AnswerRecord) => {
			stored.push(r);
			onStored?.(r);
		},
		onProgress: (d: number, t: number) => progress.push([d, t]),
		now: () => 1234,
		...(signal ? { signal } : {})
	};
	return { input, stored, progress, model };
}

describe('runAnswerCases', () => {
	it('stores one record per case with sources, retrieved chunks, citations, tokens and timings', async () => {
		const { input, stored, progress } = setup({ tokens: ['Yes', ' [1]', ' and [5]', '.'], usage: { inputTokens: 120, outputTokens: 4 } });
		expect(await runAnswerCases(input)).toMatchObject({ answered: 3, cancelled: false });
		expect(stored.map((r) => r.caseId)).toEqual(['q1', 'q2', 'q3']);
		expect(progress).toEqual([
			[1, 3],
			[2, 3],
			[3, 3]
		]);
		const first = stored[0]!;
		expect(first).toMatchObject({
			runId: 'ar1',
			query: 'Do kites fly?',
			reference: 'Yes, kites fly.',
			text: 'Yes [1] and [5].',
			finishReason: 'stop',
			error: null,
			checks: [],
			verdicts: {},
			review: null,
			createdAtMs: 1234
		});
		expect(first.retrieved).toEqual([
			{ rank: 1, chunkId: 'c1', documentRef: 'kites.md', score: 3 },
			{ rank: 2, chunkId: 'c2', documentRef: 'birds.md', score: 2 },
			{ rank: 3, chunkId: 'c3', documentRef: 'wind.md', score: 1 }
		]);
		expect(first.sources.map((s) => [s.n, s.chunkId, s.documentRef])).toEqual([
			[1, 'c1', 'kites.md'],
			[2, 'c2', 'birds.md'],
			[3, 'c3', 'wind.md']
		]);
		expect(first.citations).toEqual({ cited: [1], invalid: [5] });
		expect(first.tokens.input).toBe(120);
		expect(first.tokens.output).toBe(4);
		expect(first.tokens.promptTokensEstimate).toBeGreaterThan(0);
		// Clock readings 10 ms apart: case start, retrieval start/end, generation start, first token, end, case end.
		expect(first.timings).toEqual({ retrievalMs: 10, ttftMs: 10, tpotMs: 10 / 3, totalMs: 60 });
	});

	it('stores the exact messages sent to the model, with the run sampling settings', async () => {
		const { input, stored, model } = setup({ tokens: ['ok'] });
		await runAnswerCases(input);
		expect(stored[1]!.messages).toEqual(model.requests[1]!.messages);
		expect(model.requests[0]).toMatchObject({ maxTokens: 50, temperature: 0, seed: 7 });
		expect(stored[1]!.messages.at(-1)!.content).toContain('Question: Do birds sing?');
	});

	it('stores a failed generation with its error and keeps going', async () => {
		const { input, stored } = setup((n) =>
			n === 1 ? { tokens: ['par'], error: { name: 'AssayError', code: 'LLM_GENERATION_FAILED', message: 'boom' } } : { tokens: ['fine'] }
		);
		expect(await runAnswerCases(input)).toMatchObject({ answered: 3, cancelled: false });
		expect(stored[1]).toMatchObject({
			caseId: 'q2',
			text: 'par',
			finishReason: null,
			error: { code: 'LLM_GENERATION_FAILED', message: 'boom' },
			tokens: { input: null, output: null }
		});
		expect(stored[2]).toMatchObject({ caseId: 'q3', text: 'fine', error: null });
	});

	it('cancelled mid-run stores only the finished cases, and a resume answers the rest', async () => {
		const controller = new AbortController();
		const first = setup({ tokens: ['a', 'b'] }, controller.signal);
		// Abort while the second case streams: its record must not be stored.
		first.model.stream = ((orig) =>
			async function* (this: ScriptedChatModel, req, signal) {
				if (first.model.requests.length === 1) controller.abort();
				yield* orig.call(first.model, req, signal);
			})(ScriptedChatModel.prototype.stream) as ScriptedChatModel['stream'];
		expect(await runAnswerCases(first.input)).toMatchObject({ answered: 1, cancelled: true });
		expect(first.stored.map((r) => r.caseId)).toEqual(['q1']);
		const done = new Set(first.stored.map((r) => r.caseId));
		const resume = setup({ tokens: ['c'] });
		expect(await runAnswerCases({ ...resume.input, cases: cases.filter((c) => !done.has(c.id)) })).toMatchObject({
			answered: 2,
			cancelled: false
		});
		expect(resume.stored.map((r) => r.caseId)).toEqual(['q2', 'q3']);
	});

	it('returns cancelled without answering when the signal is already aborted', async () => {
		const controller = new AbortController();
		controller.abort();
		const { input, stored, model } = setup({ tokens: ['a'] }, controller.signal);
		expect(await runAnswerCases(input)).toMatchObject({ answered: 0, cancelled: true });
		expect(stored).toEqual([]);
		expect(model.requests).toEqual([]);
	});
});
