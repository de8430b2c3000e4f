import type { ResponseCache } from '$lib/evals/system/types.ts';
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
