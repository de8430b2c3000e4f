import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../../src/lib/adapters/json-schema-validator.ts';
import { BasicTracer } from '../../../../src/lib/tracing/tracer.ts';
import type { ChatModel, ChatRequest, ModelStreamEvent } from '../../../../src/lib/generation/index.ts';
import { runAnswerCases } from '../../../../src/lib/evals/answers/run.ts';
import { defaultGrading, gradeAnswers } from '../../../../src/lib/evals/answers/grade.ts';
import { runOrderedPool } from '../../../../src/lib/evals/answers/pool.ts';
import { formatThroughput, throughputOf } from '../../../../src/lib/evals/answers/throughput.ts';
import type { AnswerRecord } from '../../../../src/lib/evals/answers/types.ts';
import type { GoldenCase } from '../../../../src/lib/evals/golden/types.ts';
import { hits, makeAnswer, makeRun, words } from './fixtures.ts';

/** Let pending promise callbacks run (bounded; no timers, so no test depends on speed). */
async function settleUntil(cond: () => boolean): Promise<void> {
	for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setImmediate(r));
}

/**
 * A scripted model whose every stream waits for the test to release it: the test decides the
 * order replies come back in. The reply text names the last user message's first word count.
 */
class GatedModel implements ChatModel {
	readonly provider = 'scripted';
	readonly waiting: { request: ChatRequest; release: () => void }[] = [];
	inFlight = 0;
	maxInFlight = 0;
	constructor(
		readonly modelId: string,
		private readonly reply: (request: ChatRequest) => string,
		private readonly gated = true
	) {}
	async *stream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ModelStreamEvent> {
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		try {
			if (this.gated) {
				await new Promise<void>((resolve) => {
					this.waiting.push({ request, release: resolve });
					signal?.addEventListener('abort', () => resolve(), { once: true });
				});
			}
			if (signal?.aborted) return void (yield { type: 'done', finishReason: 'abort' });
			const text = this.reply(request);
			yield { type: 'token', text };
			yield { type: 'usage', usage: { inputTokens: 10, outputTokens: text.split(' ').length } };
			yield { type: 'done', finishReason: 'stop' };
		} finally {
			this.inFlight--;
		}
	}
}

const many: GoldenCase[] = Array.from({ length: 6 }, (_, i) => ({ id: `c${i}`, query: `Question number ${i}?`, relevant: [], tags: [] }));
const answerText = (req: ChatRequest) => `Answer to ${req.messages.at(-1)!.content.match(/Question number (\d+)/)?.[1]} [1].`;

function answerInput(model: ChatModel, concurrency: number, stored: AnswerRecord[], signal?: AbortSignal) {
	let t = 0;
	return {
		run: makeRun(),
		cases: many,
		model,
		retrieve: async () => hits,
		tokenizer: words,
		tracer: new BasicTracer([], () => 0),
		clock: () => (t += 250),
		concurrency,
		onAnswer: async (r: AnswerRecord) => void stored.push(r),
		now: () => 1234,
		...(signal ? { signal } : {})
	};
}

/** A record without what depends on timing or the tracer's random ids. */
const content = ({ timings: _t, traceId: _a, spanId: _b, ...rest }: AnswerRecord) => rest;

describe('runAnswerCases with concurrency', () => {
	it('stores the same records in case order when a scripted model answers in reverse order', async () => {
		const serial: AnswerRecord[] = [];
		await runAnswerCases(answerInput(new GatedModel('m', answerText, false), 1, serial));

		const gated = new GatedModel('m', answerText);
		const stored: AnswerRecord[] = [];
		const running = runAnswerCases(answerInput(gated, 3, stored));
		await settleUntil(() => gated.waiting.length === 3);
		expect(gated.waiting.length).toBe(3);
		// Release the third, then the second: nothing may be stored before the first is back.
		gated.waiting[2]!.release();
		gated.waiting[1]!.release();
		await settleUntil(() => gated.waiting.length === 5);
		expect(stored).toEqual([]);
		// Release every later one newest first, then the first.
		for (let round = 0; round < 10 && gated.waiting.length < 8; round++) {
			for (const w of [...gated.waiting].reverse().slice(0, -1)) w.release();
			await settleUntil(() => gated.waiting.length >= 6);
		}
		gated.waiting[0]!.release();
		for (const w of gated.waiting) w.release();
		const result = await running;

		expect(result).toMatchObject({ answered: 6, cancelled: false });
		expect(gated.maxInFlight).toBe(3);
		expect(stored.map((r) => r.caseId)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
		expect(stored.map(content)).toEqual(serial.map(content));
		expect(stored[4]!.text).toBe('Answer to 4 [1].');
	});

	it('stores nothing in flight after a cancel: the stored answers are a prefix of the cases', async () => {
		const gated = new GatedModel('m', answerText);
		const stored: AnswerRecord[] = [];
		const abort = new AbortController();
		const running = runAnswerCases(answerInput(gated, 4, stored, abort.signal));
		await settleUntil(() => gated.waiting.length === 4);
		gated.waiting[0]!.release();
		gated.waiting[3]!.release();
		await settleUntil(() => stored.length === 1);
		abort.abort();
		const result = await running;
		expect(result).toMatchObject({ answered: 1, cancelled: true });
		expect(stored.map((r) => r.caseId)).toEqual(['c0']);
		// c0 and c3 finished, so c4 and c5 started; c3 waited for c1 and c2 and was dropped with them, and nothing started after the abort.
		expect(gated.waiting.map((w) => w.request.messages.at(-1)!.content.match(/Question number (\d+)/)?.[1])).toEqual([
			'0',
			'1',
			'2',
			'3',
			'4',
			'5'
		]);
	});

	it('reports cases/s and output tokens/s from the injected clock', async () => {
		const progress: string[] = [];
		const stored: AnswerRecord[] = [];
		const input = { ...answerInput(new GatedModel('m', () => 'one two three four', false), 2, stored) };
		let t = 0;
		const result = await runAnswerCases({
			...input,
			// Every read of the clock advances 100 ms; the meter reads it once at the start and once per progress report.
			clock: () => (t += 100),
			onProgress: (done, total, tp) => progress.push(`${done}/${total} ${tp.cases} ${tp.outputTokens}`)
		});
		expect(progress).toEqual(['1/6 1 4', '2/6 2 8', '3/6 3 12', '4/6 4 16', '5/6 5 20', '6/6 6 24']);
		expect(result.throughput.cases).toBe(6);
		expect(result.throughput.outputTokens).toBe(24);
		expect(result.throughput.casesPerS).toBeCloseTo(6 / (result.throughput.elapsedMs / 1000), 12);
		expect(result.throughput.outputTokensPerS).toBeCloseTo(24 / (result.throughput.elapsedMs / 1000), 12);
	});

	it('refuses a concurrency outside 1–32', async () => {
		await expect(runAnswerCases(answerInput(new GatedModel('m', answerText, false), 33, []))).rejects.toMatchObject({
			code: 'CONFIG_INVALID'
		});
		await expect(runAnswerCases(answerInput(new GatedModel('m', answerText, false), 0, []))).rejects.toMatchObject({
			code: 'CONFIG_INVALID'
		});
	});
});

describe('gradeAnswers with concurrency', () => {
	it('keeps the same verdicts in answer order whatever order the judge replies in', async () => {
		const settings = { ...defaultGrading({ provider: 'scripted', modelId: 'j' }), rubrics: ['answer-relevancy' as const] };
		const answers = ['a', 'b', 'c', 'd'].map((id) => makeAnswer(id, { query: `Question ${id}?`, text: `About ${id} [1].` }));
		const verdictFor = (req: ChatRequest) => {
			const id = req.messages.at(-1)!.content.match(/Question (\w)\?/)?.[1] ?? 'a';
			return JSON.stringify({ score: 1 + 'abcd'.indexOf(id), reason: `for ${id}` });
		};
		const grade = async (model: ChatModel, concurrency: number, clock?: () => number) => {
			const graded: AnswerRecord[] = [];
			const result = await gradeAnswers({
				answers,
				settings,
				model,
				validator: new CfworkerSchemaValidator(),
				concurrency,
				...(clock ? { clock } : {}),
				onGraded: async (r) => void graded.push(r)
			});
			return { graded, result };
		};
		const serial = await grade(new GatedModel('j', verdictFor, false), 1);
		const gated = new GatedModel('j', verdictFor);
		let t = 0;
		const running = grade(gated, 4, () => (t += 1000));
		await settleUntil(() => gated.waiting.length === 4);
		for (const w of [...gated.waiting].reverse()) w.release();
		const parallel = await running;
		expect(gated.maxInFlight).toBe(4);
		expect(parallel.graded.map((r) => r.caseId)).toEqual(['a', 'b', 'c', 'd']);
		expect(parallel.graded).toEqual(serial.graded);
		expect(parallel.graded.map((r) => r.verdicts['answer-relevancy']?.result)).toMatchObject(
			[1, 2, 3, 4].map((score) => ({ ok: true, verdict: { score } }))
		);
		// Each verdict reply is `{"score":n,"reason":"for x"}`: 2 whitespace-separated words counted as output tokens by the model.
		expect(parallel.result.throughput).toMatchObject({ cases: 4, outputTokens: 8 });
		expect(parallel.result.throughput.casesPerS).toBeCloseTo(4 / (parallel.result.throughput.elapsedMs / 1000), 12);
	});
});

describe('runOrderedPool', () => {
	it('rethrows a commit failure after the calls in flight settle and commits nothing after it', async () => {
		const committed: number[] = [];
		await expect(
			runOrderedPool({
				items: [0, 1, 2, 3, 4],
				concurrency: 2,
				work: async (n) => n * 10,
				commit: async (r) => {
					if (r === 20) throw new Error('disk full');
					committed.push(r);
				}
			})
		).rejects.toThrow('disk full');
		expect(committed).toEqual([0, 10]);
	});
});

describe('formatThroughput', () => {
	it('writes both rates with three significant digits, and a dash before any time has passed', () => {
		expect(formatThroughput(throughputOf(5, 82, 2000))).toBe('2.50 cases/s · 41.0 output tokens/s');
		expect(formatThroughput(throughputOf(0, 0, 0))).toBe('— cases/s · — output tokens/s');
	});
});
