import { canonicalJson, sha256Text } from '../../shared/hash.ts';
import type { ChatModel, ChatRequest, ChatUsage, FinishReason, ModelStreamEvent } from '../../generation/types.ts';
import type { JudgePromptSpec, RubricInput } from '../judge/prompts.ts';
import type { ResponseCache, SystemCaseRequest, SystemOutput } from './types.ts';

/**
 * Response caching of system evaluation: keys, the value shapes, an in-memory cache and a
 * caching {@link ChatModel} wrapper. A key is the SHA-256 hex of the canonical JSON
 * (`canonicalJson`: keys sorted, `undefined` dropped) of everything that determines a response,
 * so a re-run or a CI retry with the same inputs asks nobody, and any change of an input is a
 * miss. Only successful responses are stored (never an error, a cut or an aborted stream). A
 * stored value that does not have the expected shape (an edited or damaged cache file) is a miss.
 */

/** Version of the stored value shapes; a value of another version is a miss. */
export const CACHE_VALUE_VERSION = 1;

/**
 * Cache key of one system request: SHA-256 of canonical JSON of
 * `{kind: 'system', identity, case, repeat, seed}` — the system's `cacheIdentity` (rendered
 * request minus secrets plus a hash of the secret values), the WHOLE golden case (any of its
 * fields may feed a body template), the repeat index and its seed. The abort signal is not part of it.
 */
export function systemCacheKey(identity: unknown, request: Pick<SystemCaseRequest, 'case' | 'repeat' | 'seed'>): Promise<string> {
	return sha256Text(
		canonicalJson({ kind: 'system', identity: identity ?? null, case: request.case, repeat: request.repeat, seed: request.seed })
	);
}

/** Who answers a chat request, for {@link judgeCacheKey}: the model and, for a judge, its prompt. */
export interface ChatCacheIdentity {
	readonly modelId: string;
	readonly provider: string;
	/** Base URL of an OpenAI-compatible endpoint; absent for in-browser models. */
	readonly baseUrl?: string;
	/** Judge prompt id and version (the messages carry its text, so a changed prompt misses anyway). */
	readonly promptId?: string;
	readonly promptVersion?: number;
}

/**
 * Cache key of one chat completion (judge calls, and the answering model of the `assay`
 * system): SHA-256 of canonical JSON of `{kind: 'chat', modelId, provider, baseUrl, promptId,
 * promptVersion, messages, temperature, seed, maxTokens, responseFormat}`; absent optional
 * fields are written as `null`, so "absent" never collides with a value.
 */
export function judgeCacheKey(identity: ChatCacheIdentity, request: ChatRequest): Promise<string> {
	return sha256Text(
		canonicalJson({
			kind: 'chat',
			modelId: identity.modelId,
			provider: identity.provider,
			baseUrl: identity.baseUrl ?? null,
			promptId: identity.promptId ?? null,
			promptVersion: identity.promptVersion ?? null,
			messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
			temperature: request.temperature ?? null,
			seed: request.seed ?? null,
			maxTokens: request.maxTokens,
			responseFormat: request.responseFormat ?? null
		})
	);
}

/** A system output as stored (`cached` is not stored: it is set on replay). */
export interface CachedSystemValue {
	readonly v: typeof CACHE_VALUE_VERSION;
	readonly kind: 'system';
	readonly output: Omit<SystemOutput, 'cached'>;
}

/** A completed chat stream as stored: its token pieces in order, usage and finish reason. */
export interface CachedChatValue {
	readonly v: typeof CACHE_VALUE_VERSION;
	readonly kind: 'chat';
	readonly tokens: readonly string[];
	readonly usage: ChatUsage | null;
	readonly finishReason: Exclude<FinishReason, 'abort'>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumOrNull = (v: unknown): boolean => v === null || isNum(v);

/** Why `v` is not a `SystemContext` (at index `i`), or null when it is one. */
function contextProblem(v: unknown, i: number): string | null {
	const at = `contexts[${i}]`;
	if (!isObject(v)) return `${at} must be an object, received ${describe(v)}`;
	if (v.documentRef === undefined && v.text === undefined) return `${at} needs a documentRef or a text`;
	if (v.documentRef !== undefined && typeof v.documentRef !== 'string')
		return `${at}.documentRef must be a string, received ${describe(v.documentRef)}`;
	if (v.text !== undefined && typeof v.text !== 'string') return `${at}.text must be a string, received ${describe(v.text)}`;
	if (v.score !== undefined && !isNum(v.score)) return `${at}.score must be a finite number, received ${describe(v.score)}`;
	if (v.title !== undefined && typeof v.title !== 'string') return `${at}.title must be a string, received ${describe(v.title)}`;
	return null;
}

function describe(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'an array';
	if (typeof v === 'number') return Number.isFinite(v) ? `the number ${v}` : String(v);
	return typeof v === 'string' ? 'a string' : typeof v;
}

/**
 * Why `value` is not a usable {@link SystemOutput} (answer a string; contexts an array of
 * objects each with a string `documentRef` and/or `text`, optional finite `score`, string
 * `title`; timings `totalMs` finite, `ttftMs` finite or null; usage counts finite or null), or
 * null when it is one. The runner turns a problem into the case's `SYSTEM_RESPONSE_INVALID`
 * error; a stored cache value with a problem is a miss.
 */
export function systemOutputProblem(value: unknown): string | null {
	if (!isObject(value)) return `the output must be an object, received ${describe(value)}`;
	if (typeof value.answer !== 'string') return `answer must be a string, received ${describe(value.answer)}`;
	if (!Array.isArray(value.contexts)) return `contexts must be an array, received ${describe(value.contexts)}`;
	for (const [i, c] of value.contexts.entries()) {
		const problem = contextProblem(c, i);
		if (problem !== null) return problem;
	}
	const t = value.timings;
	if (!isObject(t) || !isNum(t.totalMs) || !isNumOrNull(t.ttftMs)) return 'timings must be {totalMs: number, ttftMs: number | null}';
	const u = value.usage;
	if (u !== undefined && (!isObject(u) || !isNumOrNull(u.inputTokens) || !isNumOrNull(u.outputTokens)))
		return 'usage must be {inputTokens, outputTokens}, each a number or null';
	return null;
}

/** Builds the stored form of a system output (without `cached`). */
export function toCachedSystemValue(output: SystemOutput): CachedSystemValue {
	const { cached: _cached, ...rest } = output;
	return { v: CACHE_VALUE_VERSION, kind: 'system', output: rest };
}

/** The output of a stored system value, or `undefined` when the value is not one (a miss). */
export function readCachedSystemValue(value: unknown): SystemOutput | undefined {
	if (!isObject(value) || value.v !== CACHE_VALUE_VERSION || value.kind !== 'system') return undefined;
	return systemOutputProblem(value.output) === null ? (value.output as unknown as SystemOutput) : undefined;
}

function readCachedChatValue(value: unknown): CachedChatValue | undefined {
	if (!isObject(value) || value.v !== CACHE_VALUE_VERSION || value.kind !== 'chat') return undefined;
	if (!Array.isArray(value.tokens) || !value.tokens.every((t) => typeof t === 'string')) return undefined;
	if (value.finishReason !== 'stop' && value.finishReason !== 'length') return undefined;
	if (value.usage !== null && (!isObject(value.usage) || !isNum(value.usage.inputTokens) || !isNum(value.usage.outputTokens)))
		return undefined;
	return value as unknown as CachedChatValue;
}

/**
 * A {@link ResponseCache} in memory (tests; the app's session). Values are deep-copied on the
 * way in and out (`structuredClone`), so a caller mutating a value never changes the cache.
 * `--no-cache` means no cache object at all, not an empty one.
 */
export class MemoryResponseCache implements ResponseCache {
	private readonly entries = new Map<string, unknown>();

	async get(key: string): Promise<unknown | undefined> {
		return this.entries.has(key) ? structuredClone(this.entries.get(key)) : undefined;
	}

	async put(key: string, value: unknown): Promise<void> {
		this.entries.set(key, structuredClone(value));
	}

	/** Number of stored entries. */
	get size(): number {
		return this.entries.size;
	}
}

/** Counters of a caching wrapper: `requests` = calls sent to the wrapped model, `hits` = calls answered from the cache. */
export interface CacheCounts {
	readonly hits: number;
	readonly requests: number;
}

/**
 * The {@link ChatModel} port with a response cache in front: a request whose
 * {@link judgeCacheKey} is stored is replayed as the same stream events (each stored token
 * piece, `usage` when there was one, `done`) without calling the wrapped model; otherwise the
 * wrapped model streams and, when it ended with `done` `stop` or `length` (never after an
 * `error` or an abort), the completion is stored. Judges and the `assay` system's answering
 * model get the cache by being handed this wrapper. `modelId` and `provider` are the wrapped
 * model's, so verdict provenance is unchanged. A failing cache read is a miss; a failing write
 * is ignored (the completion was already delivered) and counted in `writeErrors`.
 */
export class CachingChatModel implements ChatModel {
	readonly modelId: string;
	readonly provider: string;
	private hitCount = 0;
	private requestCount = 0;
	private writeErrorCount = 0;

	constructor(
		private readonly inner: ChatModel,
		private readonly cache: ResponseCache,
		/** Key fields besides the wrapped model's id and provider: `baseUrl`, a judge prompt's id and version. */
		private readonly identity: Omit<ChatCacheIdentity, 'modelId' | 'provider'> = {},
		/** The judge prompt of a request (see {@link judgePromptOf}), added to its key; default none. */
		private readonly promptOf?: (request: ChatRequest) => { readonly promptId: string; readonly promptVersion: number } | undefined
	) {
		this.modelId = inner.modelId;
		this.provider = inner.provider;
	}

	/** Hits and requests so far. */
	counts(): CacheCounts {
		return { hits: this.hitCount, requests: this.requestCount };
	}

	/** Cache writes that failed (the completion was still delivered). */
	get writeErrors(): number {
		return this.writeErrorCount;
	}

	async *stream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ModelStreamEvent> {
		const key = await judgeCacheKey(
			{ ...this.identity, ...this.promptOf?.(request), modelId: this.modelId, provider: this.provider },
			request
		);
		let stored: CachedChatValue | undefined;
		try {
			stored = readCachedChatValue(await this.cache.get(key));
		} catch {
			stored = undefined;
		}
		if (stored !== undefined) {
			this.hitCount++;
			for (const text of stored.tokens) {
				if (signal?.aborted) {
					yield { type: 'done', finishReason: 'abort' };
					return;
				}
				yield { type: 'token', text };
			}
			if (stored.usage !== null) yield { type: 'usage', usage: { ...stored.usage } };
			yield { type: 'done', finishReason: stored.finishReason };
			return;
		}
		this.requestCount++;
		const tokens: string[] = [];
		let usage: ChatUsage | null = null;
		for await (const event of this.inner.stream(request, signal)) {
			if (event.type === 'token') tokens.push(event.text);
			else if (event.type === 'usage') usage = event.usage;
			else if (event.type === 'done' && event.finishReason !== 'abort' && !signal?.aborted) {
				const value: CachedChatValue = { v: CACHE_VALUE_VERSION, kind: 'chat', tokens, usage, finishReason: event.finishReason };
				try {
					await this.cache.put(key, value);
				} catch {
					this.writeErrorCount++;
				}
			}
			yield event;
			if (event.type === 'done' || event.type === 'error') return;
		}
	}
}

/**
 * Which of `prompts` a judge request was rendered from, by its system message (each judge
 * prompt's system message is fixed text; it is rendered once here with an empty input), for
 * {@link CachingChatModel}'s `promptOf`. A request matching none gives `undefined`.
 */
export function judgePromptOf(
	prompts: readonly JudgePromptSpec<RubricInput>[]
): (request: ChatRequest) => { promptId: string; promptVersion: number } | undefined {
	const bySystem = new Map<string, { promptId: string; promptVersion: number }>();
	for (const p of prompts) {
		const system = p.render({ question: '', answer: '', reference: '', context: [] }).find((m) => m.role === 'system');
		if (system !== undefined) bySystem.set(system.content, { promptId: p.id, promptVersion: p.version });
	}
	return (request) => {
		const system = request.messages.find((m) => m.role === 'system');
		return system === undefined ? undefined : bySystem.get(system.content);
	};
}
