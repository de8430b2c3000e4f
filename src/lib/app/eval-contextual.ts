import type { EvalRequest } from '$lib/services/eval-api.ts';
import type { RetrievalConfigInput } from '$lib/evals/runner/index.ts';
import { ContextualConfigSchema, contextualizeChunks, contextualReport, type ContextualConfigInput } from '$lib/search/contextual/index.ts';
import type { AppCore } from './app-core.svelte.ts';
import { chatModelFor } from './answer-engine.ts';
import { responseRewriteCache } from './eval-rewrite.ts';
import { priceTable } from './price-table.svelte.ts';

/**
 * Write the contexts of one evaluation's chunks (contextual chunks: Anthropic, "Contextual
 * Retrieval", Sept 2024) with the answering role's engine (the Ask page's: an endpoint profile or
 * the loaded in-browser model), stored in the global `responseCache` store (a second run writes
 * nothing), and price the calls with the app's price table. The worker lists the chunks
 * (`contextualChunks`, the configuration's chunking) and then indexes them with these contexts.
 * Aborting `signal` stops between chunks (the rest are indexed without a context).
 * @throws AssayError `CONFIG_INVALID` (bad endpoint settings or chunking) or `MODEL_UNKNOWN` (no in-browser model loaded).
 */
export async function contextsForEval(
	app: AppCore,
	workspaceId: string,
	input: ContextualConfigInput,
	chunking: RetrievalConfigInput['chunking'],
	onProgress?: (done: number, total: number) => void,
	signal?: AbortSignal
): Promise<NonNullable<EvalRequest['contextual']>> {
	const config = ContextualConfigSchema.parse(input);
	const model = chatModelFor(app.profiles.engineOf('answer'), app.profiles.endpointFor('answer'), app.llm.loaded);
	const chunks = await app.api.contextualChunks(workspaceId, chunking);
	const summary = await contextualizeChunks(chunks, config, { model, cache: responseRewriteCache(app), signal }, onProgress);
	return { contexts: Object.fromEntries(summary.contexts), report: contextualReport(summary, priceTable.current()) };
}
