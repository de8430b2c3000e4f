/**
 * The Ask page's answer cache (docs/caching.md): exact and semantic reuse of grounded answers.
 *
 * - **Exact key** = SHA-256 hex of canonical JSON of {key version, workspace id, model ref, generation
 *   parameters, prompt spec (its version, texts) + few-shot examples, the packed sources' chunk
 *   ids with the SHA-256 of their text, normalised question}.
 * - **Scope key** = the same without the question. A semantic hit needs an equal scope key, the
 *   same embedding model, and cosine similarity of the question embeddings ≥ the threshold
 *   (default {@link DEFAULT_SIMILARITY_THRESHOLD}); the most similar entry wins (ties: newest).
 * - **Invalidation**: entries carry the workspace's corpus content hash, the prompt version and
 *   the model ref; one whose values differ from the current ones is stale: never served, and
 *   deleted by the lookup that finds it.
 * No DOM: storage and embeddings are ports ({@link AnswerCacheStore}, {@link QuestionEmbedder}).
 */
import { AssayError } from '../shared/errors.ts';
import { canonicalJson, sha256Text } from '../shared/hash.ts';
import type { CitationSummary, FinishReason } from '../generation/index.ts';

/** Bumped when the key recipe changes, so old entries stop matching. */
export const ANSWER_CACHE_KEY_VERSION = 1;
/** Default cosine-similarity threshold of a semantic hit. */
export const DEFAULT_SIMILARITY_THRESHOLD = 0.95;

/** `off`: never looked up nor stored; `exact`: exact key only; `semantic`: exact, then semantic. */
export type AnswerCacheMode = 'off' | 'exact' | 'semantic';

/** The cache setting (per workspace on the Ask page). `similarityThreshold` in [0, 1]. */
export interface AnswerCacheSettings {
	readonly mode: AnswerCacheMode;
	readonly similarityThreshold: number;
}

/** Default settings: off, threshold 0.95. */
export const DEFAULT_ANSWER_CACHE_SETTINGS: AnswerCacheSettings = { mode: 'off', similarityThreshold: DEFAULT_SIMILARITY_THRESHOLD };

/** Provider and model id of the answering engine. */
export interface ModelRef {
	readonly provider: string;
	readonly modelId: string;
}

/** Everything of one answer request that decides the answer (what `answerQuestion` sends). */
export interface AnswerCacheRequest {
	readonly model: ModelRef;
	/** Generation parameters: max output tokens, context window (tokens), temperature, seed (absent = engine default). */
	readonly params: {
		readonly maxTokens: number;
		readonly contextWindowTokens: number;
		readonly temperature?: number;
		readonly seed?: number;
	};
	/** The prompt spec (must carry `version`) and the few-shot examples, as sent. */
	readonly prompt: { readonly spec: { readonly version: number } & object; readonly fewShot: readonly unknown[] };
	/** The packed sources in prompt order. */
	readonly sources: readonly { readonly chunkId: string; readonly text: string }[];
	readonly question: string;
}

/** Where the request runs: the workspace and its corpus content hash (`corpusHash` of its documents). */
export interface AnswerCacheScope {
	readonly workspaceId: string;
	readonly corpusHash: string;
}

/** What is kept of an answer. `usage.estimated` when the engine reported no usage (prompt estimate + output estimate). */
export interface CachedAnswer {
	readonly text: string;
	readonly citations: CitationSummary;
	readonly finishReason: FinishReason;
	readonly usage: { readonly inputTokens: number; readonly outputTokens: number; readonly estimated: boolean };
	/** The packed sources the answer cites by number. */
	readonly sources: readonly { readonly n: number; readonly chunkId: string; readonly documentId: string; readonly title: string }[];
}

/** A question embedding: the model key it was made with and its vector. */
export interface QuestionEmbedding {
	readonly modelKey: string;
	readonly vector: readonly number[];
}

/** One stored entry (store `answerCache`, keyed by `key`). */
export interface AnswerCacheEntry {
	/** Exact key (64 hex). */
	readonly key: string;
	/** Scope key: the exact key's parts minus the question (64 hex). */
	readonly scopeKey: string;
	readonly workspaceId: string;
	readonly question: string;
	readonly normalizedQuestion: string;
	/** Absent when the entry was stored without semantic mode (it then only serves exact hits). */
	readonly embedding: QuestionEmbedding | null;
	readonly corpusHash: string;
	readonly promptVersion: number;
	readonly model: ModelRef;
	readonly answer: CachedAnswer;
	/** Epoch milliseconds. */
	readonly createdAtMs: number;
}

/** Storage port (the library worker's `answerCache` store, or memory). */
export interface AnswerCacheStore {
	/** Every entry of the workspace. */
	list(workspaceId: string): Promise<readonly AnswerCacheEntry[]>;
	/** Store, replacing an entry with the same key. */
	put(entry: AnswerCacheEntry): Promise<void>;
	/** Delete these keys; resolves with how many existed. */
	delete(keys: readonly string[]): Promise<number>;
}

/** Embeds a question (query side of the workspace's embedding model). */
export type QuestionEmbedder = (question: string) => Promise<QuestionEmbedding>;

/** A served entry. `similarity` is 1 for an exact hit. */
export interface AnswerCacheHit {
	readonly kind: 'exact' | 'semantic';
	readonly similarity: number;
	readonly entry: AnswerCacheEntry;
}

/** What a lookup found: the hit (or null), the stale entries it pruned, and the keys/embedding for a later {@link AnswerCache.store}. */
export interface AnswerCacheLookup {
	readonly hit: AnswerCacheHit | null;
	readonly pruned: number;
	readonly key: string;
	readonly scopeKey: string;
	readonly embedding: QuestionEmbedding | null;
	/** Why the semantic step did not run although asked (the embedder failed), else null. */
	readonly semanticError: string | null;
}

/** Counters since the cache object was made. `hitRate` = hits / lookups (0 with no lookup); `tokensSaved` = input + output tokens of served entries. */
export interface AnswerCacheStats {
	readonly lookups: number;
	readonly hits: number;
	readonly exactHits: number;
	readonly semanticHits: number;
	readonly hitRate: number;
	readonly tokensSaved: number;
}

/**
 * The question as keyed: NFKC, lower case, runs of white space as one space, trimmed, trailing
 * `? ! . 。 ？ ！` removed. `"  Is leave  PAID? "` → `"is leave paid"`.
 */
export function normalizeQuestion(question: string): string {
	return question
		.normalize('NFKC')
		.toLowerCase()
		.replace(/\s+/gu, ' ')
		.trim()
		.replace(/[\s?!.。？！]+$/u, '');
}

/** Exact and scope key of a request (see the module docs). */
export async function answerCacheKeys(request: AnswerCacheRequest, workspaceId: string): Promise<{ key: string; scopeKey: string }> {
	const sources = await Promise.all(request.sources.map(async (s) => ({ chunkId: s.chunkId, contentHash: await sha256Text(s.text) })));
	const scope = {
		v: ANSWER_CACHE_KEY_VERSION,
		workspaceId,
		model: { provider: request.model.provider, modelId: request.model.modelId },
		params: request.params,
		prompt: request.prompt,
		sources
	};
	const scopeKey = await sha256Text(canonicalJson(scope));
	const key = await sha256Text(canonicalJson({ scopeKey, question: normalizeQuestion(request.question) }));
	return { key, scopeKey };
}

/**
 * Cosine similarity of two vectors, in [−1, 1]; 0 when either is all zeros.
 * @throws AssayError `CONFIG_INVALID` when the lengths differ.
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
	if (a.length !== b.length) throw new AssayError('CONFIG_INVALID', `Cannot compare embeddings of ${a.length} and ${b.length} dimensions.`);
	let dot = 0;
	let na = 0;
	let nb = 0;
	for (let i = 0; i < a.length; i++) {
		const x = a[i] as number;
		const y = b[i] as number;
		dot += x * y;
		na += x * x;
		nb += y * y;
	}
	return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** True when the entry no longer fits the current corpus, prompt version or model. */
export function isStale(entry: AnswerCacheEntry, scope: AnswerCacheScope, promptVersion: number, model: ModelRef): boolean {
	return (
		entry.corpusHash !== scope.corpusHash ||
		entry.promptVersion !== promptVersion ||
		entry.model.provider !== model.provider ||
		entry.model.modelId !== model.modelId
	);
}

/** Check a threshold. @throws AssayError `CONFIG_INVALID` outside [0, 1] or not finite. */
export function checkThreshold(threshold: number): number {
	if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1)
		throw new AssayError('CONFIG_INVALID', `The similarity threshold must be in [0, 1], received ${threshold}.`);
	return threshold;
}

/** Options of {@link AnswerCache}. `now`: epoch ms clock (default `Date.now`). */
export interface AnswerCacheOptions {
	readonly store: AnswerCacheStore;
	readonly settings: AnswerCacheSettings;
	/** Needed for `semantic` mode; without it semantic lookups are skipped (exact only). */
	readonly embed?: QuestionEmbedder;
	readonly now?: () => number;
}

/** The answer cache over a store, with hit and tokens-saved counters. */
export class AnswerCache {
	private lookups = 0;
	private exactHits = 0;
	private semanticHits = 0;
	private tokensSaved = 0;
	settings: AnswerCacheSettings;

	constructor(private readonly options: AnswerCacheOptions) {
		this.settings = { ...options.settings, similarityThreshold: checkThreshold(options.settings.similarityThreshold) };
	}

	/**
	 * Find a fresh entry for `request`: the exact key first, then (semantic mode) the most similar
	 * question of the same scope at or above the threshold. Stale entries of the workspace are
	 * deleted on the way. Counts a lookup (and the hit with its tokens) unless the mode is `off`.
	 */
	async lookup(scope: AnswerCacheScope, request: AnswerCacheRequest): Promise<AnswerCacheLookup> {
		const { key, scopeKey } = await answerCacheKeys(request, scope.workspaceId);
		const mode = this.settings.mode;
		if (mode === 'off') return { hit: null, pruned: 0, key, scopeKey, embedding: null, semanticError: null };
		this.lookups++;
		const all = await this.options.store.list(scope.workspaceId);
		const stale = all.filter((e) => isStale(e, scope, request.prompt.spec.version, request.model));
		const pruned = stale.length > 0 ? await this.options.store.delete(stale.map((e) => e.key)) : 0;
		const fresh = all.filter((e) => !isStale(e, scope, request.prompt.spec.version, request.model));
		let embedding: QuestionEmbedding | null = null;
		let semanticError: string | null = null;
		if (mode === 'semantic' && this.options.embed) {
			try {
				embedding = await this.options.embed(request.question);
			} catch (error) {
				semanticError = error instanceof Error ? error.message : String(error);
			}
		}
		const exact = fresh.find((e) => e.key === key);
		let hit: AnswerCacheHit | null = exact ? { kind: 'exact', similarity: 1, entry: exact } : null;
		if (!hit && embedding) hit = this.bestSemantic(fresh, scopeKey, embedding);
		if (hit) {
			if (hit.kind === 'exact') this.exactHits++;
			else this.semanticHits++;
			this.tokensSaved += hit.entry.answer.usage.inputTokens + hit.entry.answer.usage.outputTokens;
		}
		return { hit, pruned, key, scopeKey, embedding, semanticError };
	}

	private bestSemantic(fresh: readonly AnswerCacheEntry[], scopeKey: string, embedding: QuestionEmbedding): AnswerCacheHit | null {
		let best: AnswerCacheHit | null = null;
		for (const entry of fresh) {
			if (entry.scopeKey !== scopeKey || !entry.embedding || entry.embedding.modelKey !== embedding.modelKey) continue;
			if (entry.embedding.vector.length !== embedding.vector.length) continue;
			const similarity = cosineSimilarity(embedding.vector, entry.embedding.vector);
			if (similarity < this.settings.similarityThreshold) continue;
			if (!best || similarity > best.similarity || (similarity === best.similarity && entry.createdAtMs > best.entry.createdAtMs))
				best = { kind: 'semantic', similarity, entry };
		}
		return best;
	}

	/**
	 * Store `answer` under the lookup's keys (replacing an entry with the same key); `replaceKey`
	 * (Regenerate after a semantic hit) is deleted first. Does nothing in `off` mode or for an
	 * answer that did not finish with `stop`. Resolves with the entry stored, or null.
	 */
	async store(
		scope: AnswerCacheScope,
		request: AnswerCacheRequest,
		lookup: Pick<AnswerCacheLookup, 'key' | 'scopeKey' | 'embedding'>,
		answer: CachedAnswer,
		replaceKey?: string
	): Promise<AnswerCacheEntry | null> {
		if (this.settings.mode === 'off' || answer.finishReason !== 'stop') return null;
		if (replaceKey !== undefined && replaceKey !== lookup.key) await this.options.store.delete([replaceKey]);
		const entry: AnswerCacheEntry = {
			key: lookup.key,
			scopeKey: lookup.scopeKey,
			workspaceId: scope.workspaceId,
			question: request.question,
			normalizedQuestion: normalizeQuestion(request.question),
			embedding: lookup.embedding,
			corpusHash: scope.corpusHash,
			promptVersion: request.prompt.spec.version,
			model: { provider: request.model.provider, modelId: request.model.modelId },
			answer,
			createdAtMs: (this.options.now ?? Date.now)()
		};
		await this.options.store.put(entry);
		return entry;
	}

	/** The embedder of semantic mode, when one was given. */
	get embedder(): QuestionEmbedder | undefined {
		return this.options.embed;
	}

	/** The counters (see {@link AnswerCacheStats}). */
	stats(): AnswerCacheStats {
		const hits = this.exactHits + this.semanticHits;
		return {
			lookups: this.lookups,
			hits,
			exactHits: this.exactHits,
			semanticHits: this.semanticHits,
			hitRate: this.lookups === 0 ? 0 : hits / this.lookups,
			tokensSaved: this.tokensSaved
		};
	}
}

/** An {@link AnswerCacheStore} in memory (CLI, tests, the cache-quality evaluation). */
export class MemoryAnswerCacheStore implements AnswerCacheStore {
	private readonly entries = new Map<string, AnswerCacheEntry>();

	list(workspaceId: string): Promise<readonly AnswerCacheEntry[]> {
		return Promise.resolve([...this.entries.values()].filter((e) => e.workspaceId === workspaceId));
	}

	put(entry: AnswerCacheEntry): Promise<void> {
		this.entries.set(entry.key, entry);
		return Promise.resolve();
	}

	delete(keys: readonly string[]): Promise<number> {
		let n = 0;
		for (const k of keys) if (this.entries.delete(k)) n++;
		return Promise.resolve(n);
	}

	/** How many entries are held. */
	get size(): number {
		return this.entries.size;
	}
}

/**
 * The port `answerQuestion` (src/lib/rag/answer.ts) consults after packing the prompt: `lookup`
 * resolves a hit to serve instead of generating (null = generate), `store` keeps a finished answer.
 */
export interface AnswerCacheHook {
	lookup(request: AnswerCacheRequest): Promise<AnswerCacheHit | null>;
	store(request: AnswerCacheRequest, answer: CachedAnswer): Promise<void>;
}

/** Options of {@link answerCacheHook}. */
export interface AnswerCacheHookOptions {
	/** Regenerate: skip the lookup (nothing served, nothing counted) and store the new answer, deleting `replaceKey` first. */
	readonly bypass?: boolean;
	readonly replaceKey?: string;
	/** Called with each lookup's outcome (the page shows the hit; the trace records it). */
	readonly onLookup?: (lookup: AnswerCacheLookup) => void;
}

/** A {@link AnswerCacheHook} over `cache` for one answer in `scope`. */
export function answerCacheHook(cache: AnswerCache, scope: AnswerCacheScope, options: AnswerCacheHookOptions = {}): AnswerCacheHook {
	let last: Pick<AnswerCacheLookup, 'key' | 'scopeKey' | 'embedding'> | null = null;
	return {
		async lookup(request) {
			if (options.bypass) {
				const keys = await answerCacheKeys(request, scope.workspaceId);
				let embedding: QuestionEmbedding | null = null;
				if (cache.settings.mode === 'semantic' && cache.embedder) embedding = await cache.embedder(request.question).catch(() => null);
				last = { ...keys, embedding };
				return null;
			}
			const found = await cache.lookup(scope, request);
			last = found;
			options.onLookup?.(found);
			return found.hit;
		},
		async store(request, answer) {
			const lookup = last ?? { ...(await answerCacheKeys(request, scope.workspaceId)), embedding: null };
			await cache.store(scope, request, lookup, answer, options.replaceKey);
		}
	};
}
