import type { AnswerCacheHook } from '../../cache/answer-cache.ts';
import { answerQuestion } from '../../rag/answer.ts';
import type { ChatMessage, ChatModel } from '../../generation/types.ts';
import type { SourceChunk } from '../../generation/prompt.ts';
import type { Tokenizer } from '../../generation/tokenizer.ts';
import type { GenerationMetrics } from '../../generation/metrics.ts';
import type { CitationSummary } from '../../generation/citations.ts';
import type { Span, Tracer } from '../../tracing/types.ts';
import type { AssayErrorData } from '../../shared/errors.ts';
import type { GoldenCase } from '../golden/types.ts';
import type { AnswerRecord, AnswerRunConfig, AnswerRunRecord, AnswerSource, RetrievedChunk } from './types.ts';
import { runOrderedPool } from './pool.ts';
import { ThroughputMeter, type Throughput } from './throughput.ts';

/** One retrieved chunk handed to an answer run: the prompt's source chunk plus its portable document reference and retrieval score. */
export interface RetrievedSource extends SourceChunk {
	/** Portable document reference (corpus id, else relative path), as golden sets name documents. */
	readonly documentRef: string;
	/** The retrieval pipeline's score of the chunk (scale depends on the mode; higher = better). */
	readonly score: number;
}

/**
 * What answering one case needs besides the configuration: the engine, retrieval with the run's
 * configuration, the budget tokenizer, tracer and clock (shared by {@link runAnswerCases} and the
 * `assay` system under test, `evals/system/assay-system.ts`).
 */
export interface AnswerCaseDeps {
	readonly model: ChatModel;
	/** Retrieval with the run's configuration: chunks in rank order (only the first `config.topK` are used). */
	readonly retrieve: (query: string) => Promise<readonly RetrievedSource[]>;
	/** Budget tokenizer of the prompt assembly (`promptTokensEstimate`). */
	readonly tokenizer: Tokenizer;
	readonly tracer: Tracer;
	/** Milliseconds clock for retrieval time, TTFT, TPOT and total time (e.g. `performance.now`). */
	readonly clock: () => number;
	/** Aborting stops the case in flight (its record then has `finishReason: 'abort'` or an error). */
	readonly signal?: AbortSignal;
	/**
	 * The Ask page's answer cache (src/lib/cache). Evaluations bypass it: absent unless the run
	 * explicitly asks for it (a cached answer would stand in for the engine under test).
	 */
	readonly answerCache?: AnswerCacheHook;
}

/** Inputs of {@link runAnswerCases}. */
export interface AnswerRunInput extends AnswerCaseDeps {
	/** The run; its `config` gives prompt spec, few-shot examples, context window, maxTokens, temperature, seed. */
	readonly run: AnswerRunRecord;
	/** The cases still to answer, in order (a resumed run passes only the unanswered ones). */
	readonly cases: readonly GoldenCase[];
	/** Aborting stops the run: the case in flight is not stored (a resume answers it again). */
	readonly signal?: AbortSignal;
	/**
	 * Persists one answer, in case order (also with concurrency > 1), each awaited before the
	 * next is handed over. A throw ends the run with that error.
	 */
	readonly onAnswer: (record: AnswerRecord) => Promise<void>;
	/**
	 * Called after each stored answer: `done` of `total` = `cases.length` of THIS call, and the
	 * throughput so far (stored answers and their output tokens over `clock` time since the call began).
	 */
	readonly onProgress?: (done: number, total: number, throughput: Throughput) => void;
	/** Cases answered at once, integer 1–32 (`MAX_CONCURRENCY`); default 1. The in-browser engine answers one at a time: pass 1. */
	readonly concurrency?: number;
	/** Epoch milliseconds for `createdAtMs`; default `Date.now`. */
	readonly now?: () => number;
}

/** What one `answerQuestion` call produced, gathered from its events. */
interface Collected {
	retrieved: readonly RetrievedSource[];
	retrievalMs: number;
	messages: readonly ChatMessage[];
	sources: readonly AnswerSource[];
	promptTokens: number;
	text: string;
	metrics: GenerationMetrics | null;
	finishReason: AnswerRecord['finishReason'];
	citations: CitationSummary | null;
	error: AssayErrorData | null;
	/** Trace and span id of the case's `rag.answer` span, as the tracer assigned them. */
	root: { traceId: string; spanId: string } | null;
}

/**
 * `tracer`, noting the first root span `answerQuestion` starts (`rag.answer`, no parent) in
 * `got.root`, so the answer record can name the span its scores go on.
 */
function noteRoot(tracer: Tracer, got: Collected): Tracer {
	return {
		startSpan(name: string, options?: Parameters<Tracer['startSpan']>[1]): Span {
			const span = tracer.startSpan(name, options);
			if (got.root === null && !options?.parent && name === 'rag.answer') got.root = { traceId: span.traceId, spanId: span.spanId };
			return span;
		}
	};
}

async function answerOne(input: AnswerCaseDeps, cfg: AnswerRunConfig, c: GoldenCase): Promise<Collected> {
	const got: Collected = {
		retrieved: [],
		retrievalMs: 0,
		messages: [],
		sources: [],
		promptTokens: 0,
		text: '',
		metrics: null,
		finishReason: null,
		citations: null,
		error: null,
		root: null
	};
	await answerQuestion({
		model: input.model,
		tracer: noteRoot(input.tracer, got),
		traceKind: 'eval_case',
		clock: input.clock,
		spec: cfg.prompt.spec,
		fewShot: cfg.prompt.fewShot,
		question: c.query,
		contextWindowTokens: cfg.contextWindowTokens,
		reserveOutputTokens: cfg.maxTokens,
		tokenizer: input.tokenizer,
		temperature: cfg.temperature,
		seed: cfg.seed,
		...(input.signal ? { signal: input.signal } : {}),
		...(input.answerCache ? { cache: input.answerCache } : {}),
		retrieve: async (q) => {
			const start = input.clock();
			const hits = (await input.retrieve(q)).slice(0, cfg.topK);
			got.retrievalMs = input.clock() - start;
			got.retrieved = hits;
			return hits;
		},
		onEvent: (e) => {
			if (e.type === 'sources') {
				// Packed sources keep the retrieved chunk's fields; the reference is looked up by chunk id to stay typed.
				const refs = new Map(got.retrieved.map((r) => [r.chunkId, r.documentRef] as const));
				got.sources = e.sources.map((s) => ({
					n: s.n,
					chunkId: s.chunkId,
					documentId: s.documentId,
					documentRef: refs.get(s.chunkId) ?? s.documentId,
					title: s.title,
					text: s.text
				}));
				got.messages = e.messages;
				got.promptTokens = e.promptTokens;
			} else if (e.type === 'token') got.text += e.text;
			else if (e.type === 'metrics') got.metrics = e.metrics;
			else if (e.type === 'done') {
				// RAG answers send no tools, so `tool_calls` cannot end one; were it to, the text is what it is.
				got.finishReason = e.finishReason === 'tool_calls' ? 'stop' : e.finishReason;
				got.citations = e.citations;
				got.text = e.text;
			} else if (e.type === 'error') got.error = e.error;
		}
	});
	return got;
}

function toRecord(runId: string, c: GoldenCase, got: Collected, totalMs: number, createdAtMs: number): AnswerRecord {
	const retrieved: RetrievedChunk[] = got.retrieved.map((r, i) => ({
		rank: i + 1,
		chunkId: r.chunkId,
		documentRef: r.documentRef,
		score: r.score
	}));
	return {
		runId,
		caseId: c.id,
		query: c.query,
		...(c.reference !== undefined ? { reference: c.reference } : {}),
		...(c.attack !== undefined ? { attack: { canaries: [...c.attack.canaries], forbiddenHosts: [...c.attack.forbiddenHosts] } } : {}),
		...(got.root ? { traceId: got.root.traceId, spanId: got.root.spanId } : {}),
		text: got.text,
		finishReason: got.error ? null : got.finishReason,
		error: got.error,
		messages: got.messages,
		sources: got.sources,
		retrieved,
		citations: { cited: [...(got.citations?.cited ?? [])], invalid: [...(got.citations?.invalid ?? [])] },
		tokens: { input: got.metrics?.inputTokens ?? null, output: got.metrics?.outputTokens ?? null, promptTokensEstimate: got.promptTokens },
		timings: { retrievalMs: got.retrievalMs, ttftMs: got.metrics?.ttftMs ?? null, tpotMs: got.metrics?.tpotMs ?? null, totalMs },
		checks: [],
		verdicts: {},
		review: null,
		createdAtMs
	};
}

/**
 * Answer one golden case with configuration `config` (retrieve → assemble with the prompt spec and
 * few-shot examples → generate through `answerQuestion`) and return its record for run `runId`.
 * Never throws for a failed case: retrieval errors, a prompt that does not fit and engine errors
 * are the record's `error` (with `finishReason: null` and whatever text had streamed). Tokens,
 * TTFT/TPOT and times as in {@link runAnswerCases}; `createdAtMs` from `now` (default `Date.now`);
 * `traceId` / `spanId` name the case's `rag.answer` span as `deps.tracer` assigned them.
 */
export async function answerCase(
	deps: AnswerCaseDeps,
	config: AnswerRunConfig,
	c: GoldenCase,
	runId: string,
	now: () => number = Date.now
): Promise<AnswerRecord> {
	const start = deps.clock();
	const got = await answerOne(deps, config, c);
	return toRecord(runId, c, got, deps.clock() - start, now());
}

/**
 * Answer golden cases with the run's configuration (retrieve → assemble → generate through
 * `answerQuestion`), up to `concurrency` at once (default 1), and hand each answer to
 * `onAnswer` in case order ({@link runOrderedPool}): the stored answers and their order are the
 * same whatever the concurrency, so a reload loses at most the answers not yet handed over. A
 * failed case (retrieval error, prompt that does
 * not fit, engine error) is stored with `error` set, `finishReason: null` and whatever text had
 * streamed; the run continues. When `signal` aborts — before or during a case — the cases in
 * flight (and finished ones waiting for an earlier case) are NOT stored and the call returns
 * `{cancelled: true}`; passing the remaining cases resumes the run.
 * Tokens are the engine's usage (`null` when it reports none); TTFT/TPOT from
 * `generationMetrics` (vLLM definitions), `null` when not measurable; all times from `clock`, ms.
 * New records carry `checks: []`, `verdicts: {}`, `review: null`, and `traceId` / `spanId` of
 * the case's `rag.answer` span (trace kind `eval_case`) as `tracer` assigned them.
 * @returns `answered` = answers stored by this call (failed ones included); `throughput` over the whole call.
 * @throws whatever `onAnswer` throws (a storage failure stops the run rather than losing answers);
 *   AssayError `CONFIG_INVALID` for a concurrency outside 1–32.
 */
export async function runAnswerCases(input: AnswerRunInput): Promise<{ answered: number; cancelled: boolean; throughput: Throughput }> {
	const now = input.now ?? Date.now;
	const meter = new ThroughputMeter(input.clock);
	const result = await runOrderedPool({
		items: input.cases,
		...(input.concurrency !== undefined ? { concurrency: input.concurrency } : {}),
		...(input.signal ? { signal: input.signal } : {}),
		work: (c) => answerCase(input, input.run.config, c, input.run.id, now),
		commit: async (record, index) => {
			await input.onAnswer(record);
			meter.addCase();
			meter.addOutputTokens(record.tokens.output);
			input.onProgress?.(index + 1, input.cases.length, meter.snapshot());
		}
	});
	return { answered: result.committed, cancelled: result.cancelled, throughput: meter.snapshot() };
}
