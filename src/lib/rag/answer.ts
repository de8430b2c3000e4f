import { TRACE_KIND_ATTR } from '../tracing/traces.ts';
import { AssayError, toErrorData, type AssayErrorData } from '../shared/errors.ts';
import type { Span, Tracer } from '../tracing/types.ts';
import type { AnswerCacheHit, AnswerCacheHook, AnswerCacheRequest } from '../cache/answer-cache.ts';
import {
	assemblePrompt,
	generationMetrics,
	metricsAttributes,
	summarizeCitations,
	type AssembledPrompt,
	type ChatMessage,
	type ChatModel,
	type ChatUsage,
	type CitationSummary,
	type FinishReason,
	type GenerationMetrics,
	type PackedSource,
	type PromptInput,
	type SourceChunk
} from '../generation/index.ts';
import { decideRoute, routeAttributes, type AnswerRouting, type RouteDecision } from './route.ts';

/**
 * Where an answer is: `retrieving` (search), `reranking` (the cross-encoder, hybrid-rerank only;
 * reported by `retrieve`), `waiting` (the chat request is sent, no token yet — the TTFT interval),
 * `generating` (tokens arriving).
 */
export type AnswerStage = 'retrieving' | 'reranking' | 'waiting' | 'generating';

/**
 * One event of an answer, for the UI — a single discriminated union:
 * `stage` (each time the pipeline enters an {@link AnswerStage}), `sources` (what was packed and the exact
 * messages sent, before any token), `token` (text so far grows), `citations` (after every token that
 * changed them), `metrics` (at the end), `done`, `error`; `route` (after retrieval, when routing is on:
 * which model answers and why).
 */
export type AnswerEvent =
	| { readonly type: 'stage'; readonly stage: AnswerStage }
	| {
			readonly type: 'sources';
			readonly sources: readonly PackedSource[];
			readonly droppedChunkIds: readonly string[];
			readonly promptTokens: number;
			readonly messages: readonly ChatMessage[];
	  }
	| { readonly type: 'route'; readonly decision: RouteDecision }
	| { readonly type: 'token'; readonly text: string }
	| { readonly type: 'citations'; readonly citations: CitationSummary }
	| { readonly type: 'metrics'; readonly metrics: GenerationMetrics }
	| { readonly type: 'done'; readonly finishReason: FinishReason; readonly text: string; readonly citations: CitationSummary }
	| { readonly type: 'error'; readonly error: AssayErrorData };

/** Inputs of {@link answerQuestion}. */
export interface AnswerInput extends Omit<PromptInput, 'chunks'> {
	readonly model: ChatModel;
	/** Retrieval for the question: candidates in rank order (the search pipeline's hits); may report `reranking` through `onStage`. */
	readonly retrieve: (question: string, onStage: (stage: 'reranking') => void) => Promise<readonly SourceChunk[]>;
	readonly tracer: Tracer;
	/** Milliseconds clock for TTFT/TPOT (e.g. `performance.now`). */
	readonly clock: () => number;
	readonly temperature?: number;
	readonly seed?: number;
	readonly signal?: AbortSignal;
	readonly onEvent: (event: AnswerEvent) => void;
	/** `assay.trace.kind` of the root span: `answer` (default) or `eval_case` for an answer run's case. */
	readonly traceKind?: 'answer' | 'eval_case';
	/**
	 * The answer cache (src/lib/cache), consulted after the prompt is packed: a hit is served
	 * instead of generating (no chat span; root span `assay.cache.hit` true, `assay.cache.kind`,
	 * `assay.cache.similarity`), a miss generates and stores a finished answer. Absent = no cache
	 * (evaluations leave it out unless their run asks for it).
	 */
	readonly cache?: AnswerCacheHook;
	/**
	 * Live model routing (`./route.ts`): after retrieval the router picks `models.cheap` or
	 * `models.strong`, which then answers instead of `model` (cache keys and the chat span name
	 * the routed model). Absent = `model` answers.
	 */
	readonly routing?: AnswerRouting;
}

/**
 * The RAG query pipeline: retrieve → assemble (token budget) → generate (stream) → citations.
 * Runs inside a `rag.answer` span with a child `chat {model}` span carrying OpenTelemetry GenAI
 * attributes. Never throws: failures arrive as one `error` event (typed `AssayErrorData`).
 */
export async function answerQuestion(input: AnswerInput): Promise<void> {
	const root = input.tracer.startSpan('rag.answer', {
		attributes: {
			'assay.rag.question_chars': input.question.length,
			'assay.prompt.version': input.spec.version,
			'assay.prompt.few_shot_examples': input.fewShot?.length ?? 0,
			[TRACE_KIND_ATTR]: input.traceKind ?? 'answer',
			// Content (stripped before storing when the workspace does not capture content).
			'gen_ai.retrieval.query.text': input.question
		}
	});
	try {
		input.onEvent({ type: 'stage', stage: 'retrieving' });
		const chunks = await input.retrieve(input.question, (stage) => input.onEvent({ type: 'stage', stage }));
		if (input.routing) {
			const { model, decision } = await decideRoute(input.routing, input.question, chunks, input.signal);
			root.setAttributes(routeAttributes(decision));
			input.onEvent({ type: 'route', decision });
			input = { ...input, model };
		}
		const prompt = assemblePrompt({ ...input, chunks });
		root.setAttributes({
			'assay.rag.retrieved_chunks': chunks.length,
			'assay.rag.packed_sources': prompt.sources.length,
			'assay.rag.prompt_tokens_estimate': prompt.promptTokens,
			'gen_ai.retrieval.documents': JSON.stringify(
				chunks.map((c) => ({
					id: c.chunkId,
					document: c.documentId,
					title: c.title,
					...scoreOf(c),
					packed: prompt.sources.some((p) => p.chunkId === c.chunkId),
					text: c.text
				}))
			)
		});
		input.onEvent({
			type: 'sources',
			sources: prompt.sources,
			droppedChunkIds: prompt.droppedChunkIds,
			promptTokens: prompt.promptTokens,
			messages: prompt.messages
		});
		const request = input.cache ? cacheRequest(input, prompt) : null;
		const hit = input.cache && request ? await input.cache.lookup(request) : null;
		if (hit) {
			serveCached(input, prompt, root, hit);
			return;
		}
		if (input.cache) root.setAttributes({ 'assay.cache.hit': false });
		const result = await generate(input, prompt, root);
		if (input.cache && request && result.finishReason === 'stop') {
			const usage = result.usage ?? { inputTokens: prompt.promptTokens, outputTokens: input.tokenizer.countTokens(result.text) };
			await input.cache
				.store(request, {
					text: result.text,
					citations: result.citations,
					finishReason: result.finishReason,
					usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, estimated: result.usage === undefined },
					sources: prompt.sources.map((s) => ({ n: s.n, chunkId: s.chunkId, documentId: s.documentId, title: s.title }))
				})
				// A cache that cannot store must not fail an answer already shown.
				.catch((error: unknown) => root.setAttributes({ 'assay.cache.store_error': toErrorData(error).message }));
		}
	} catch (error) {
		const data = toErrorData(error);
		root.setError(`${data.code}: ${data.message}`);
		input.onEvent({ type: 'error', error: data });
	} finally {
		root.end();
	}
}

/** The cache request of a packed prompt: model, generation parameters, prompt spec + few-shot, packed sources, question. */
function cacheRequest(input: AnswerInput, prompt: AssembledPrompt): AnswerCacheRequest {
	return {
		model: { provider: input.model.provider, modelId: input.model.modelId },
		params: {
			maxTokens: input.reserveOutputTokens,
			contextWindowTokens: input.contextWindowTokens,
			...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
			...(input.seed !== undefined ? { seed: input.seed } : {})
		},
		prompt: { spec: input.spec, fewShot: input.fewShot ?? [] },
		sources: prompt.sources.map((s) => ({ chunkId: s.chunkId, text: s.text })),
		question: input.question
	};
}

/** Emit a cached answer as the events of a generated one (one token event with the whole text), without calling the model. */
function serveCached(input: AnswerInput, prompt: AssembledPrompt, root: Span, hit: AnswerCacheHit): void {
	const { answer } = hit.entry;
	const citations = summarizeCitations(answer.text, prompt.sources.length);
	root.setAttributes({
		'assay.cache.hit': true,
		'assay.cache.kind': hit.kind,
		'assay.cache.similarity': hit.similarity,
		'assay.cache.entry_created_ms': hit.entry.createdAtMs,
		'assay.cache.tokens_saved': answer.usage.inputTokens + answer.usage.outputTokens,
		'assay.rag.cited_sources': citations.cited.length,
		'gen_ai.output.messages': JSON.stringify([
			{ role: 'assistant', parts: [{ type: 'text', content: answer.text }], finish_reason: answer.finishReason }
		])
	});
	if (answer.text !== '') input.onEvent({ type: 'token', text: answer.text });
	input.onEvent({ type: 'citations', citations });
	input.onEvent({ type: 'done', finishReason: answer.finishReason, text: answer.text, citations });
}

/** `{score}` of a retrieved chunk that carries one (search hits do; the prompt type does not require it). */
function scoreOf(chunk: SourceChunk): { score?: number } {
	const score = (chunk as SourceChunk & { score?: unknown }).score;
	return typeof score === 'number' ? { score } : {};
}

/** What a finished generation produced. */
interface Generated {
	readonly text: string;
	readonly finishReason: FinishReason;
	readonly citations: CitationSummary;
	readonly usage: ChatUsage | undefined;
}

async function generate(input: AnswerInput, prompt: AssembledPrompt, parent: Span): Promise<Generated> {
	const { model } = input;
	const span = input.tracer.startSpan(`chat ${model.modelId}`, {
		parent,
		attributes: {
			'gen_ai.operation.name': 'chat',
			'gen_ai.provider.name': model.provider,
			'gen_ai.request.model': model.modelId,
			'gen_ai.request.max_tokens': input.reserveOutputTokens,
			'gen_ai.input.messages': JSON.stringify(prompt.messages.map((m) => ({ role: m.role, parts: [{ type: 'text', content: m.content }] })))
		}
	});
	// TTFT starts here, when the chat request is sent — after retrieval, reranking and prompt assembly.
	const startMs = input.clock();
	input.onEvent({ type: 'stage', stage: 'waiting' });
	let firstTokenMs: number | undefined;
	let usage: ChatUsage | undefined;
	let text = '';
	let citations = summarizeCitations('', prompt.sources.length);
	try {
		const request = {
			messages: prompt.messages,
			maxTokens: input.reserveOutputTokens,
			...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
			...(input.seed !== undefined ? { seed: input.seed } : {})
		};
		for await (const event of model.stream(request, input.signal)) {
			if (event.type === 'token') {
				if (event.text === '') continue;
				if (firstTokenMs === undefined) {
					firstTokenMs = input.clock();
					input.onEvent({ type: 'stage', stage: 'generating' });
				}
				text += event.text;
				input.onEvent({ type: 'token', text: event.text });
				const next = summarizeCitations(text, prompt.sources.length);
				if (next.markers.length !== citations.markers.length) input.onEvent({ type: 'citations', citations: next });
				citations = next;
			} else if (event.type === 'usage') {
				usage = event.usage;
			} else if (event.type === 'tool_call') {
				// The answer prompt offers no tools; a call from a confused engine is not part of the answer.
				continue;
			} else if (event.type === 'error') {
				// Details (e.g. the HTTP status) are kept: they tell an unreachable engine from one that answered with an error.
				throw new AssayError(
					event.error.code,
					event.error.message,
					event.error.details ? { details: { ...event.error.details } } : undefined
				);
			} else {
				const metrics = generationMetrics(
					{ startMs, ...(firstTokenMs !== undefined ? { firstTokenMs } : {}), endMs: input.clock() },
					usage
				);
				span.setAttributes({
					...metricsAttributes(metrics),
					'gen_ai.response.finish_reasons': [event.finishReason],
					'assay.rag.cited_sources': citations.cited.length,
					'assay.rag.invalid_citations': citations.invalid.length,
					'gen_ai.output.messages': JSON.stringify([
						{ role: 'assistant', parts: [{ type: 'text', content: text }], finish_reason: event.finishReason }
					])
				});
				input.onEvent({ type: 'metrics', metrics });
				input.onEvent({ type: 'done', finishReason: event.finishReason, text, citations });
				return { text, finishReason: event.finishReason, citations, usage };
			}
		}
		throw new AssayError('LLM_GENERATION_FAILED', 'The model stream ended without a finish event.');
	} catch (error) {
		const data = toErrorData(error);
		span.setError(`${data.code}: ${data.message}`);
		throw error;
	} finally {
		span.end();
	}
}
