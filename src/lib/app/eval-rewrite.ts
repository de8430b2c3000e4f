import type { EvalRequest } from '$lib/services/eval-api.ts';
import { planQueries, rewriteReport, RewriteConfigSchema, type RewriteCache, type RewriteConfigInput } from '$lib/search/rewrite/index.ts';
import type { AppCore } from './app-core.svelte.ts';
import { chatModelFor } from './answer-engine.ts';
import { priceTable } from './price-table.svelte.ts';

/** The app's rewrite cache: the global `responseCache` IndexedDB store, through the library worker. */
export function responseRewriteCache(app: Pick<AppCore, 'api'>): RewriteCache {
	return { get: (key) => app.api.getCachedResponse(key), put: (key, value) => app.api.putCachedResponse(key, value) };
}

/**
 * Rewrite the golden set's queries for one evaluation with the answering role's engine (the Ask
 * page's: an endpoint profile or the loaded in-browser model), cached in `responseCache`, and
 * price the calls with the app's price table. The worker then retrieves with these plans.
 * Aborting `signal` stops between queries (the call in flight ends as a fallback).
 * @throws AssayError `CONFIG_INVALID` (bad endpoint settings) or `MODEL_UNKNOWN` (no in-browser model loaded).
 */
export async function rewritesForEval(
	app: AppCore,
	input: RewriteConfigInput,
	queries: readonly string[],
	onProgress?: (done: number, total: number) => void,
	signal?: AbortSignal
): Promise<NonNullable<EvalRequest['rewrite']>> {
	const config = RewriteConfigSchema.parse(input);
	const model = chatModelFor(app.profiles.engineOf('answer'), app.profiles.endpointFor('answer'), app.llm.loaded);
	const plans = await planQueries(queries, config, { model, cache: responseRewriteCache(app), signal }, onProgress);
	return { plans, report: rewriteReport(config, model, Object.values(plans), priceTable.current()) };
}
