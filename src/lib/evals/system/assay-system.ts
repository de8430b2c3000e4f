import { isUnreachable } from './unreachable.ts';
import { AssayError } from '../../shared/errors.ts';
import { sha256Text, canonicalJson } from '../../shared/hash.ts';
import { answerCase, type AnswerCaseDeps, type RetrievedSource } from '../answers/run.ts';
import type { AnswerRecord, AnswerRunConfig } from '../answers/types.ts';
import type { SystemCaseRequest, SystemOutput, SystemRef, SystemUnderTest } from './types.ts';

/**
 * The `assay` system type: Assay's own pipeline — retrieve with the configured mode and top-k →
 * assemble the prompt with the system prompt spec (and few-shot examples) under the token
 * budget → the ChatModel — wrapped as a SystemUnderTest, so it is evaluated by the same runner,
 * checks, judges, report and gate as an `http`, `exec` or `file` system. Each case is answered
 * by `answerCase` (evals/answers/run.ts), the code the Answer evals page runs, with the
 * request's seed as the generation seed (`baseSeed + repeat`).
 */

/** Inputs of {@link AssaySystem}: the pipeline's parts (see `AnswerCaseDeps`, minus the per-call signal) and what identifies it. */
export interface AssaySystemInput extends Omit<AnswerCaseDeps, 'signal'> {
	/** The user's name for it (report), e.g. "hybrid + prompt v3"; default `config.label`. */
	readonly label?: string;
	/** Retrieval mode, top-k, model, prompt spec + few-shot, context window, max tokens, temperature (`seed` is taken from each request). */
	readonly config: AnswerRunConfig;
	/**
	 * What the retrieval searches, as canonical-JSON-able data that changes whenever the indexed
	 * content does (e.g. `{workspaceId, contentHash}` or a BEIR corpus's SHA-256): part of the
	 * cache key, so a changed corpus is never answered from the cache.
	 */
	readonly corpusIdentity: unknown;
	/** Run id written into the answer records; default `assay-system`. */
	readonly runId?: string;
	/** Epoch milliseconds for `createdAtMs`; default `Date.now`. */
	readonly now?: () => number;
}

/** Assay's own pipeline as a {@link SystemUnderTest}. */
export class AssaySystem implements SystemUnderTest {
	readonly ref: SystemRef;
	/**
	 * `{type: 'assay', corpus, mode, topK, runAs, model, prompt: {spec, fewShot}, contextWindowTokens, maxTokens, temperature}`:
	 * everything but the case and the seed that determines an answer (the runner adds both).
	 */
	readonly cacheIdentity: unknown;
	readonly #input: AssaySystemInput;

	constructor(input: AssaySystemInput) {
		this.#input = input;
		const c = input.config;
		this.ref = {
			type: 'assay',
			label: input.label ?? c.label,
			details: { mode: c.mode, topK: c.topK, model: c.model.modelId, provider: c.model.provider, promptVersion: c.prompt.spec.version }
		};
		this.cacheIdentity = {
			type: 'assay',
			corpus: input.corpusIdentity,
			mode: c.mode,
			topK: c.topK,
			runAs: c.runAs ?? null,
			model: { provider: c.model.provider, modelId: c.model.modelId, baseUrl: c.model.baseUrl ?? null },
			prompt: { spec: c.prompt.spec, fewShot: c.prompt.fewShot },
			contextWindowTokens: c.contextWindowTokens,
			maxTokens: c.maxTokens,
			temperature: c.temperature
		};
	}

	/** SHA-256 hex of the canonical JSON of {@link cacheIdentity} (handy as a short identity in logs). */
	identityHash(): Promise<string> {
		return sha256Text(canonicalJson(this.cacheIdentity));
	}

	/**
	 * Answer one case and return the full answer record (messages sent, packed sources, citations,
	 * token counts, timings) — what the Answer evals page stores; `error` set when the case failed.
	 */
	async answerRecord(request: SystemCaseRequest): Promise<AnswerRecord> {
		return (await this.#run(request)).record;
	}

	async #run(request: SystemCaseRequest): Promise<{ record: AnswerRecord; hits: readonly RetrievedSource[] }> {
		const { config, runId, now, label: _label, corpusIdentity: _corpus, retrieve, ...deps } = this.#input;
		let hits: readonly RetrievedSource[] = [];
		const capture = async (q: string): Promise<readonly RetrievedSource[]> => (hits = await retrieve(q));
		const record = await answerCase(
			{ ...deps, retrieve: capture, ...(request.signal ? { signal: request.signal } : {}) },
			{ ...config, seed: request.seed },
			request.case,
			runId ?? 'assay-system',
			now ?? Date.now
		);
		return { record, hits };
	}

	/**
	 * The port: the answer text and the retrieved chunks (the first `topK`) in rank order as
	 * contexts (`documentRef`, chunk `text`, retrieval `score`, `title`), the engine's token usage
	 * and timings (`totalMs` the whole case, `ttftMs` of the stream; ms).
	 * @throws AssayError `SYSTEM_UNREACHABLE` when the model cannot be reached ({@link isUnreachable});
	 *   `SYSTEM_REQUEST_FAILED` for any other failed case, with the pipeline's error code and
	 *   message (`details.cause`: the code, `details.partialText`: what had streamed, if any).
	 */
	async answer(request: SystemCaseRequest): Promise<SystemOutput> {
		const { record: r, hits } = await this.#run(request);
		if (r.error !== null) {
			const code = isUnreachable(r.error) ? 'SYSTEM_UNREACHABLE' : 'SYSTEM_REQUEST_FAILED';
			throw new AssayError(code, `Assay's pipeline failed on case "${r.caseId}": ${r.error.code}: ${r.error.message}`, {
				details: { cause: r.error.code, ...(r.text !== '' ? { partialText: r.text } : {}) }
			});
		}
		const byId = new Map(hits.map((h) => [h.chunkId, h] as const));
		return {
			answer: r.text,
			contexts: r.retrieved.map((c) => {
				const hit = byId.get(c.chunkId);
				return { documentRef: c.documentRef, score: c.score, ...(hit ? { text: hit.text, title: hit.title } : {}) };
			}),
			usage: { inputTokens: r.tokens.input, outputTokens: r.tokens.output },
			timings: { totalMs: r.timings.totalMs, ttftMs: r.timings.ttftMs }
		};
	}
}
