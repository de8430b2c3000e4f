import type { ChatModel } from '../../generation/types.ts';
import { canonicalJson, sha256Text } from '../../shared/hash.ts';
import { z } from '../../shared/zod.ts';
import { parseRewriteReply } from './parse.ts';
import { rewriteMessages } from './prompts.ts';
import {
	REWRITE_PROMPT_VERSION,
	type QueryPlan,
	type QueryVariant,
	type RewriteCache,
	type RewriteConfig,
	type RewriteTechnique
} from './types.ts';

/** What the rewriting stage needs: the model (the answering model profile) and, optionally, a cache. */
export interface RewriteDeps {
	readonly model: ChatModel;
	/** Absent = every query asks the model. */
	readonly cache?: RewriteCache | undefined;
	readonly signal?: AbortSignal | undefined;
}

const CachedRewrite = z.object({ generated: z.array(z.string()).min(1) });

/**
 * The cache key of a rewrite: SHA-256 hex of canonical JSON of the model id, the prompt version,
 * the technique, the count and the query (the `responseCache` key convention: everything that
 * determines the reply). Prefixed `rewrite:` so it never meets a system-under-test key.
 */
export async function rewriteCacheKey(modelId: string, config: RewriteConfig, query: string): Promise<string> {
	const identity = {
		kind: 'assay.query-rewrite',
		modelId,
		promptVersion: REWRITE_PROMPT_VERSION,
		technique: config.technique,
		count: config.technique === 'hyde' ? 1 : config.count,
		query
	};
	return `rewrite:${await sha256Text(canonicalJson(identity))}`;
}

/** The variants the retrievers run for `generated` texts of `technique` (index 0: the original). */
export function variantsFor(technique: RewriteTechnique, original: string, generated: readonly string[]): QueryVariant[] {
	if (technique === 'multi-query')
		return [
			{ name: 'original', lexical: original, dense: original },
			...generated.map((q, i) => ({ name: `rewrite-${i + 1}`, lexical: q, dense: q }))
		];
	if (technique === 'hyde') return [{ name: 'original', lexical: original, dense: generated[0] ?? original }];
	return [{ name: 'original', lexical: generated.length ? `${original} ${generated.join(' ')}` : original, dense: original }];
}

/**
 * Rewrite one query with `deps.model` (temperature 0, seed 0). A cached rewrite for the same
 * (model id, prompt version, technique, count, query) is reused with no model call. A model error
 * or a malformed reply never throws: the plan holds the original query only and `fallback` says
 * why (and nothing is cached, so a later run asks again). An aborted call is a fallback too.
 * Tokens are the engine's `usage` event; an engine that reports none counts 0.
 */
export async function rewriteQuery(query: string, config: RewriteConfig, deps: RewriteDeps): Promise<QueryPlan> {
	const { technique } = config;
	const key = deps.cache ? await rewriteCacheKey(deps.model.modelId, config, query) : null;
	if (deps.cache && key) {
		const hit = CachedRewrite.safeParse(await deps.cache.get(key));
		if (hit.success)
			return {
				technique,
				original: query,
				variants: variantsFor(technique, query, hit.data.generated),
				generated: hit.data.generated,
				cached: true,
				fallback: null,
				usage: { calls: 0, inputTokens: 0, outputTokens: 0 }
			};
	}
	let reply = '';
	let error: string | null = null;
	let inputTokens = 0;
	let outputTokens = 0;
	let aborted = false;
	try {
		for await (const event of deps.model.stream(
			{ messages: rewriteMessages(technique, query, config.count), maxTokens: config.maxTokens, temperature: 0, seed: 0 },
			deps.signal
		)) {
			if (event.type === 'token') reply += event.text;
			else if (event.type === 'usage') ({ inputTokens, outputTokens } = event.usage);
			else if (event.type === 'error') error = `the rewrite model failed: ${event.error.message}`;
			else if (event.type === 'done' && event.finishReason === 'abort') aborted = true;
		}
	} catch (e) {
		error = `the rewrite model failed: ${e instanceof Error ? e.message : String(e)}`;
	}
	const usage = { calls: 1, inputTokens, outputTokens };
	const parsed = error || aborted ? null : parseRewriteReply(technique, reply, config.count, query);
	if (!parsed || !parsed.ok) {
		const fallback = error ?? (aborted ? 'the rewrite was cancelled' : (parsed as { reason: string }).reason);
		return { technique, original: query, variants: variantsFor('multi-query', query, []), generated: [], cached: false, fallback, usage };
	}
	if (deps.cache && key) await deps.cache.put(key, { generated: parsed.generated });
	return {
		technique,
		original: query,
		variants: variantsFor(technique, query, parsed.generated),
		generated: parsed.generated,
		cached: false,
		fallback: null,
		usage
	};
}

/**
 * Rewrite each distinct query of `queries` once, in order (one call at a time: a local model
 * serves one request at a time anyway), stopping early when `deps.signal` aborts (the rest get
 * no plan). Returns the plans by query text, ready for `EvalRequest.rewrite.plans`.
 * `onProgress(done, total)` counts distinct queries.
 */
export async function planQueries(
	queries: readonly string[],
	config: RewriteConfig,
	deps: RewriteDeps,
	onProgress?: (done: number, total: number) => void
): Promise<Record<string, QueryPlan>> {
	const distinct = [...new Set(queries)];
	const plans: Record<string, QueryPlan> = {};
	for (const [i, q] of distinct.entries()) {
		if (deps.signal?.aborted) break;
		Object.defineProperty(plans, q, { value: await rewriteQuery(q, config, deps), enumerable: true, writable: true, configurable: true });
		onProgress?.(i + 1, distinct.length);
	}
	return plans;
}
