import type { ChatModel } from '../../generation/types.ts';
import { canonicalJson, sha256Text } from '../../shared/hash.ts';
import { z } from '../../shared/zod.ts';
import { parseContext } from './parse.ts';
import { contextPrompt, documentExcerpt } from './prompts.ts';
import { CONTEXT_PROMPT_VERSION, type ContextCache, type ContextualChunk, type ContextualConfig, type ContextualSummary } from './types.ts';

/** What contextualising needs: the chat model (the answering model profile) and, optionally, a cache. */
export interface ContextualDeps {
	readonly model: ChatModel;
	/** Absent = every chunk asks the model. */
	readonly cache?: ContextCache | undefined;
	readonly signal?: AbortSignal | undefined;
}

const CachedContext = z.object({ context: z.string().min(1) });

/**
 * The cache key of a chunk's context: `context:` + SHA-256 hex of canonical JSON of the model id,
 * the prompt version, the excerpt budget, the title, the section path, the chunk text and the
 * SHA-256 of the whole document text — so a chunk whose document content or chunking changes
 * (different text, or a different document around it) gets a new context.
 */
export async function contextCacheKey(modelId: string, config: ContextualConfig, chunk: ContextualChunk): Promise<string> {
	const identity = {
		kind: 'assay.chunk-context',
		modelId,
		promptVersion: CONTEXT_PROMPT_VERSION,
		excerptTokens: config.excerptTokens,
		documentTitle: chunk.documentTitle,
		sectionPath: chunk.sectionPath,
		chunkText: chunk.chunkText,
		documentHash: await sha256Text(chunk.documentText)
	};
	return `context:${await sha256Text(canonicalJson(identity))}`;
}

type One = { context: string | null; cached: boolean; failure: string | null; calls: number; inputTokens: number; outputTokens: number };

async function contextualiseOne(chunk: ContextualChunk, config: ContextualConfig, deps: ContextualDeps): Promise<One> {
	const key = deps.cache ? await contextCacheKey(deps.model.modelId, config, chunk) : null;
	if (deps.cache && key) {
		const hit = CachedContext.safeParse(await deps.cache.get(key));
		if (hit.success) return { context: hit.data.context, cached: true, failure: null, calls: 0, inputTokens: 0, outputTokens: 0 };
	}
	const excerpt = documentExcerpt(chunk.documentText, chunk.chunkStart ?? 0, config.excerptTokens);
	const messages = contextPrompt(chunk.documentTitle, chunk.sectionPath, excerpt, chunk.chunkText);
	let reply = '';
	let failure: string | null = null;
	let inputTokens = 0;
	let outputTokens = 0;
	try {
		for await (const event of deps.model.stream({ messages, maxTokens: config.maxTokens, temperature: 0, seed: 0 }, deps.signal)) {
			if (event.type === 'token') reply += event.text;
			else if (event.type === 'usage') ({ inputTokens, outputTokens } = event.usage);
			else if (event.type === 'error') failure = `the context model failed: ${event.error.message}`;
			else if (event.type === 'done' && event.finishReason === 'abort') failure ??= 'the context call was cancelled';
		}
	} catch (e) {
		failure = `the context model failed: ${e instanceof Error ? e.message : String(e)}`;
	}
	const parsed = failure ? null : parseContext(reply);
	if (!parsed || !parsed.ok)
		return { context: null, cached: false, failure: failure ?? (parsed as { reason: string }).reason, calls: 1, inputTokens, outputTokens };
	if (deps.cache && key) await deps.cache.put(key, { context: parsed.context });
	return { context: parsed.context, cached: false, failure: null, calls: 1, inputTokens, outputTokens };
}

/**
 * Write (or read back from the cache) a context for each chunk, one call at a time, in order
 * (temperature 0, seed 0). A malformed reply, a model error or a cancel never throws: that chunk
 * has no context (it is indexed with its text alone), is listed in `failures`, and nothing is
 * cached for it, so a later run asks again. Stops early when `deps.signal` aborts (the rest are
 * failures "cancelled"). Tokens are the engine's `usage` event; an engine reporting none counts 0.
 * `onProgress(done, total)` counts chunks.
 */
export async function contextualizeChunks(
	chunks: readonly ContextualChunk[],
	config: ContextualConfig,
	deps: ContextualDeps,
	onProgress?: (done: number, total: number) => void
): Promise<ContextualSummary> {
	const contexts = new Map<string, string>();
	const failures: { id: string; reason: string }[] = [];
	let generated = 0;
	let cached = 0;
	let calls = 0;
	let inputTokens = 0;
	let outputTokens = 0;
	for (const [i, chunk] of chunks.entries()) {
		if (deps.signal?.aborted) {
			failures.push({ id: chunk.id, reason: 'the context call was cancelled' });
			continue;
		}
		const one = await contextualiseOne(chunk, config, deps);
		calls += one.calls;
		inputTokens += one.inputTokens;
		outputTokens += one.outputTokens;
		if (one.context !== null) {
			contexts.set(chunk.id, one.context);
			if (one.cached) cached++;
			else generated++;
		} else failures.push({ id: chunk.id, reason: one.failure ?? 'unknown' });
		onProgress?.(i + 1, chunks.length);
	}
	const { modelId, provider } = deps.model;
	return {
		modelId,
		provider,
		promptVersion: CONTEXT_PROMPT_VERSION,
		contexts,
		generated,
		cached,
		failures,
		calls,
		inputTokens,
		outputTokens
	};
}
