import {
	AnswerCache,
	DEFAULT_ANSWER_CACHE_SETTINGS,
	checkThreshold,
	type AnswerCacheHit,
	type AnswerCacheSettings,
	type AnswerCacheStore
} from '$lib/cache/answer-cache.ts';
import type { AnswerApi } from '$lib/services/answer-api.ts';
import { readPref, writePref } from './workspace-prefs.ts';

const PREF = 'answerCache';

/**
 * The Ask page's answer cache setting of a workspace (localStorage `assay.answerCache.<workspaceId>`):
 * `{mode: 'off' | 'exact' | 'semantic', similarityThreshold}`; anything absent or malformed reads as
 * the default (off, 0.95).
 */
export function loadAnswerCacheSettings(storage: Storage, workspaceId: string): AnswerCacheSettings {
	const stored = readPref(storage, PREF, workspaceId);
	if (stored.kind !== 'value' || typeof stored.value !== 'object' || stored.value === null) return DEFAULT_ANSWER_CACHE_SETTINGS;
	const { mode, similarityThreshold } = stored.value as Record<string, unknown>;
	const okMode = mode === 'off' || mode === 'exact' || mode === 'semantic';
	let threshold = DEFAULT_ANSWER_CACHE_SETTINGS.similarityThreshold;
	try {
		if (typeof similarityThreshold === 'number') threshold = checkThreshold(similarityThreshold);
	} catch {
		// Keep the default.
	}
	return { mode: okMode ? mode : 'off', similarityThreshold: threshold };
}

/** Store the workspace's setting. @throws AssayError `CONFIG_INVALID` for a threshold outside [0, 1]. */
export function saveAnswerCacheSettings(storage: Storage, workspaceId: string, settings: AnswerCacheSettings): void {
	checkThreshold(settings.similarityThreshold);
	writePref(storage, PREF, workspaceId, settings);
}

/** The answer cache's store over the library worker (`answerCache` store, schema v6). */
export function workerAnswerCacheStore(
	api: Pick<AnswerApi, 'listAnswerCache' | 'putAnswerCacheEntry' | 'deleteAnswerCacheEntries'>
): AnswerCacheStore {
	return {
		list: (workspaceId) => api.listAnswerCache(workspaceId),
		put: (entry) => api.putAnswerCacheEntry(entry),
		delete: (keys) => api.deleteAnswerCacheEntries([...keys])
	};
}

/** The cache of the Ask page: its counters last for the visit; embeddings come from the library worker. */
export function askAnswerCache(
	api: Pick<AnswerApi, 'listAnswerCache' | 'putAnswerCacheEntry' | 'deleteAnswerCacheEntries' | 'embedQuestion'>,
	workspaceId: () => string | null
): AnswerCache {
	return new AnswerCache({
		store: workerAnswerCacheStore(api),
		settings: DEFAULT_ANSWER_CACHE_SETTINGS,
		embed: (question) => {
			const id = workspaceId();
			if (!id) return Promise.reject(new Error('No workspace is selected.'));
			return api.embedQuestion(id, question);
		}
	});
}

/**
 * The line shown on a cached answer: `From cache (exact, cached 12:04:05)` or
 * `From cache (semantic, similarity 0.97, cached 12:04:05)`; `formatTime` renders epoch ms.
 */
export function cacheHitLabel(
	hit: Pick<AnswerCacheHit, 'kind' | 'similarity'> & { createdAtMs: number },
	formatTime: (ms: number) => string
): string {
	const similarity = hit.kind === 'semantic' ? `, similarity ${hit.similarity.toFixed(2)}` : '';
	return `From cache (${hit.kind}${similarity}, cached ${formatTime(hit.createdAtMs)})`;
}

/** `Answer cache: hit rate 50 % (1 of 2 lookups), 120 tokens saved`. */
export function cacheStatsLabel(stats: { lookups: number; hits: number; hitRate: number; tokensSaved: number }): string {
	return `Answer cache: hit rate ${Math.round(stats.hitRate * 100)} % (${stats.hits} of ${stats.lookups} lookups), ${stats.tokensSaved} tokens saved`;
}
