import { describe, expect, it } from 'vitest';
import { BasicTracer, InMemorySpanSink } from '../../../src/lib/tracing/tracer.ts';
import { ScriptedChatModel, type ChatScript, type Tokenizer } from '../../../src/lib/generation/index.ts';
import { answerQuestion, type AnswerEvent } from '../../../src/lib/rag/index.ts';

const words: Tokenizer = { exact: true, countTokens: (s) => s.split(/\s+/).filter(Boolean).length };
const spec = { version: 1, role: 'R', inputFormat: 'I', outputFormat: 'O', rules: [], edgeCases: [] };
const chunks = [
	{ chunkId: 'c1', documentId: 'd1', title: 'Kites', text: 'Kites fly high.' },
	{ chunkId: 'c2', documentId: 'd2', title: 'Birds', text: 'Birds sing.' }
];

async function run(script: ChatScript, over: { contextWindowTokens?: number; signal?: AbortSignal } = {}) {
	const sink = new InMemorySpanSink();
	const events: AnswerEvent[] = [];
	const stages: string[] = [];
	const times = [0, 40, 100];
	await answerQuestion({
		model: new ScriptedChatModel('tiny-1b', script, async () => {}),
		retrieve: async () => chunks,
		tracer: new BasicTracer([sink], () => 0),
		clock: () => times.shift() ?? 100,
		spec,
		question: 'Do kites fly?',
		contextWindowTokens: over.contextWindowTokens ?? 200,
		reserveOutputTokens: 50,
		tokenizer: words,
		onEvent: (e) => (e.type === 'stage' ? stages.push(e.stage) : events.push(e)),
		...(over.signal ? { signal: over.signal } : {})
	});
	return { events, stages, spans: sink.spans };
}

describe('answerQuestion', () => {
	it('reports its stages in order: retrieving, waiting for the first token, generating', async () => {
		const { stages } = await run({ tokens: ['a', 'b'] });
		expect(stages).toEqual(['retrieving', 'waiting', 'generating']);
	});

	it('reports reranking when retrieval says it reranks, and measures TTFT from the chat request, not from the question', async () => {
		let now = 0;
		const stages: string[] = [];
		let metrics: unknown;
		await answerQuestion({
			model: new ScriptedChatModel('tiny-1b', { tokens: ['a', 'b'], firstTokenDelayMs: 40 }, async (ms) => void (now += ms)),
			retrieve: async (_q, onStage) => {
				now += 700; // search
				onStage('reranking');
				now += 300; // cross-encoder
				return chunks;
			},
			tracer: new BasicTracer([new InMemorySpanSink()], () => 0),
			clock: () => now,
			spec,
			question: 'Do kites fly?',
			contextWindowTokens: 200,
			reserveOutputTokens: 50,
			tokenizer: words,
			onEvent: (e) => {
				if (e.type === 'stage') stages.push(e.stage);
				if (e.type === 'metrics') metrics = e.metrics;
			}
		});
		expect(stages).toEqual(['retrieving', 'reranking', 'waiting', 'generating']);
		expect(metrics).toMatchObject({ ttftMs: 40 });
	});

	it('streams tokens after the packed sources and ends with text and citations', async () => {
		const { events } = await run({ tokens: ['Yes', ' [1]', ' and [3]', '.'], usage: { inputTokens: 200, outputTokens: 4 } });
		expect(events[0]).toMatchObject({
			type: 'sources',
			sources: [
				{ n: 1, chunkId: 'c1' },
				{ n: 2, chunkId: 'c2' }
			]
		});
		const done = events.at(-1);
		expect(done).toMatchObject({ type: 'done', finishReason: 'stop', text: 'Yes [1] and [3].' });
		expect(done?.type === 'done' && done.citations).toMatchObject({ cited: [1], invalid: [3], uncited: false });
	});

	it('reports TTFT, TPOT and speeds from the clock and usage', async () => {
		const { events } = await run({ tokens: ['a', 'b', 'c', 'd'], usage: { inputTokens: 200, outputTokens: 4 } });
		expect(events.find((e) => e.type === 'metrics')).toEqual({
			type: 'metrics',
			metrics: { ttftMs: 40, tpotMs: 20, prefillTokensPerSecond: 5000, decodeTokensPerSecond: 50, inputTokens: 200, outputTokens: 4 }
		});
	});

	it('records a chat span with OpenTelemetry GenAI attributes under the rag span', async () => {
		const { spans } = await run({ tokens: ['a', 'b', 'c', 'd'], usage: { inputTokens: 200, outputTokens: 4 } });
		const [chat, rag] = spans;
		expect(rag).toMatchObject({
			name: 'rag.answer',
			status: 'ok',
			attributes: { 'assay.rag.packed_sources': 2, 'assay.prompt.version': 1, 'assay.prompt.few_shot_examples': 0 }
		});
		expect(chat).toMatchObject({
			name: 'chat tiny-1b',
			parentSpanId: rag!.spanId,
			attributes: {
				'gen_ai.operation.name': 'chat',
				'gen_ai.provider.name': 'scripted',
				'gen_ai.request.model': 'tiny-1b',
				'gen_ai.usage.input_tokens': 200,
				'gen_ai.usage.output_tokens': 4,
				'gen_ai.server.time_to_first_token': 0.04,
				'gen_ai.server.time_per_output_token': 0.02,
				'gen_ai.response.finish_reasons': ['stop']
			}
		});
	});

	it('hands out the exact messages sent to the model with the packed sources', async () => {
		const model = new ScriptedChatModel('tiny-1b', { tokens: ['a'] }, async () => {});
		const events: AnswerEvent[] = [];
		await answerQuestion({
			model,
			retrieve: async () => chunks,
			tracer: new BasicTracer([], () => 0),
			clock: () => 0,
			spec,
			question: 'Do kites fly?',
			contextWindowTokens: 200,
			reserveOutputTokens: 50,
			tokenizer: words,
			onEvent: (e) => events.push(e)
		});
		const sources = events.find((e) => e.type === 'sources');
		expect(sources?.type === 'sources' && sources.messages).toEqual(model.requests[0]?.messages);
		expect(sources?.type === 'sources' && sources.messages.at(-1)?.content).toBe(
			'Sources:\n<source id="1" title="Kites">\nKites fly high.\n</source>\n\n<source id="2" title="Birds">\nBirds sing.\n</source>\n\nQuestion: Do kites fly?'
		);
	});

	it('marks an answer without any citation as uncited', async () => {
		const { events } = await run({ tokens: ['No idea.'] });
		expect(events.at(-1)).toMatchObject({ type: 'done', citations: { uncited: true } });
	});

	it('turns a model error into one typed error event and an error span', async () => {
		const { events, spans } = await run({ tokens: ['a'], error: { name: 'AssayError', code: 'GPU_DEVICE_LOST', message: 'lost' } });
		expect(events.at(-1)).toEqual({ type: 'error', error: { name: 'AssayError', code: 'GPU_DEVICE_LOST', message: 'lost' } });
		expect(spans.map((s) => s.status)).toEqual(['error', 'error']);
	});

	it('turns a prompt that cannot fit into a CONTEXT_WINDOW_EXCEEDED event without calling the model', async () => {
		const { events } = await run({ tokens: ['a'] }, { contextWindowTokens: 60 });
		expect(events).toHaveLength(1);
		expect(events[0]).toMatchObject({ type: 'error', error: { code: 'CONTEXT_WINDOW_EXCEEDED' } });
	});
});
