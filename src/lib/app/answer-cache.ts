import type { ResponseCache } from '$lib/evals/system/types.ts';
import type { CachingChatModel } from '$lib/evals/system/cache.ts';
import type { ChatModel, ChatRequest, ModelStreamEvent } from '$lib/generation/types.ts';
import { canonicalJson } from '$lib/shared/hash.ts';
import type { AnswerApi } from '$lib/services/answer-api.ts';

/**
 * The app's `ResponseCache` (port in `evals/system/types.ts`): system and judge replies kept in
 * IndexedDB (`responseCache` store, schema v5) through the library worker, so a re-run in any
 * tab, after a reload, sends no request it already sent. Counts what it served (`hits`) and what
 * it was asked (`lookups`), for the page to show.
 */
export class IdbResponseCache implements ResponseCache {
	hits = 0;
	lookups = 0;

	constructor(private readonly api: Pick<AnswerApi, 'getCachedResponse' | 'putCachedResponse'>) {}

	async get(key: string): Promise<unknown | undefined> {
		this.lookups++;
		const value = await this.api.getCachedResponse(key);
		if (value !== undefined) this.hits++;
		return value;
	}

	put(key: string, value: unknown): Promise<void> {
		return this.api.putCachedResponse(key, value);
	}
}

/**
 * A judge behind the response cache for one grading pass, where a request repeated within the
 * pass is a retry after a reply that could not be used (the judge runner retries once with the
 * same request): the first ask of a request goes through `cached` (replayed when stored), a
 * repeat goes to `judge` itself, so a cached bad reply can never answer its own retry.
 * `counts()`: `hits` replayed from the cache, `requests` sent to the judge (retries included).
 */
export class GradingPassJudge implements ChatModel {
	readonly modelId: string;
	readonly provider: string;
	private readonly asked = new Set<string>();
	private retries = 0;

	constructor(
		private readonly cached: CachingChatModel,
		private readonly judge: ChatModel
	) {
		this.modelId = judge.modelId;
		this.provider = judge.provider;
	}

	stream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ModelStreamEvent> {
		const key = canonicalJson(request);
		if (!this.asked.has(key)) {
			this.asked.add(key);
			return this.cached.stream(request, signal);
		}
		this.retries++;
		return this.judge.stream(request, signal);
	}

	counts(): { hits: number; requests: number } {
		const c = this.cached.counts();
		return { hits: c.hits, requests: c.requests + this.retries };
	}
}
