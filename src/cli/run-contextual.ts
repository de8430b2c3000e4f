import { existsSync, writeFileSync } from 'node:fs';
import { costFor, DEFAULT_PRICE_TABLE, type PriceTable } from '../lib/cost/index.ts';
import type { ChatModel, ChatRequest } from '../lib/generation/types.ts';
import { CONTEXTUAL_DEFAULTS, type ContextualConfig, type ContextualSummary } from '../lib/search/contextual/index.ts';
import { MemoryRewriteCache } from '../lib/search/rewrite/index.ts';
import { AssayError } from '../lib/shared/errors.ts';
import { UsageError } from './io.ts';
import { endpointModel, readJson, scriptedReplyModel } from './run-rewrite.ts';

/** The `assay run` options of contextual chunks, for its usage text. */
export const CONTEXTUAL_USAGE = `  --contextual           contextual chunks (Anthropic, "Contextual Retrieval", 2024): a chat model
                         writes a short context for each document (each chunk with --expand), which
                         is prepended to the text BM25 indexes and the embedder embeds (the reranker
                         and the run keep the original text); uses --base-url/--model like --rewrite
  --scripted-contexts <file> instead of an endpoint: JSON {"<chunk text>": "<reply>" | {"reply",
                         "inputTokens", "outputTokens"}}; a chunk not listed gets an empty reply (no context)
  --contextual-cache <file> JSON store of contexts per (model, prompt version, chunk, document hash):
                         read when it exists, written after the run (default: in memory for this run)
`;

/** The option specs `assay run` adds for contextual chunks. */
export const CONTEXTUAL_OPTION_SPECS = {
	contextual: { type: 'boolean' },
	'scripted-contexts': { type: 'string' },
	'contextual-cache': { type: 'string' }
} as const;

/** The chunk inside a context prompt's `<chunk untrusted="true">` wrapper (as sent, defused). */
const promptChunk = (r: ChatRequest) => /<chunk untrusted="true">\n([\s\S]*)\n<\/chunk>/.exec(r.messages.at(-1)?.content ?? '')?.[1] ?? '';

/** What `--contextual` sets up: the configuration, the model, the store and how to save it. */
export interface RunContextual {
	readonly config: ContextualConfig;
	readonly model: ChatModel;
	readonly cache: MemoryRewriteCache;
	/** Write the store file (no-op without `--contextual-cache`). */
	save(): void;
	readonly priceTable: PriceTable;
}

/**
 * Contextual chunks of `assay run` from its flags, or `undefined` without `--contextual`.
 * @throws UsageError for its flags without `--contextual`, or neither/both of `--base-url` and `--scripted-contexts`;
 *   AssayError `CONFIG_INVALID` for an unreadable scripted file or store.
 */
export function contextualFromFlags(
	values: Record<string, unknown>,
	env: Readonly<Record<string, string | undefined>>,
	readPrices: (path: string) => PriceTable
): RunContextual | undefined {
	if (values.contextual !== true) {
		for (const name of ['scripted-contexts', 'contextual-cache'])
			if (values[name] !== undefined) throw new UsageError(`--${name} needs --contextual`);
		return undefined;
	}
	const scripted = values['scripted-contexts'];
	if ((typeof scripted === 'string') === (typeof values['base-url'] === 'string'))
		throw new UsageError('--contextual needs exactly one of --base-url (with --model) and --scripted-contexts');
	const model =
		typeof scripted === 'string'
			? scriptedReplyModel(scripted, '--scripted-contexts', 'scripted-contextualiser', promptChunk)
			: endpointModel(values, env);
	const cachePath = typeof values['contextual-cache'] === 'string' ? values['contextual-cache'] : null;
	const stored = cachePath && existsSync(cachePath) ? readJson(cachePath, '--contextual-cache') : {};
	if (stored === null || typeof stored !== 'object' || Array.isArray(stored))
		throw new AssayError('CONFIG_INVALID', `--contextual-cache ${cachePath}: expected a JSON object`);
	const cache = MemoryRewriteCache.from(stored as Record<string, unknown>);
	return {
		config: CONTEXTUAL_DEFAULTS,
		model,
		cache,
		save: () => {
			if (cachePath) writeFileSync(cachePath, `${JSON.stringify(cache, null, 1)}\n`);
		},
		priceTable: typeof values.prices === 'string' ? readPrices(values.prices) : DEFAULT_PRICE_TABLE
	};
}

/**
 * The summary line of the contextual-chunks stage, e.g.
 * `assay run: contexts (scripted-contextualiser, prompt v1): 2 generated, 0 cached, 1 failed; 3 calls, 0 input + 3 output tokens; cost …`,
 * then one line per chunk left without a context.
 */
export function describeContextualRun(s: ContextualSummary, table: PriceTable): string {
	const cost = costFor({ provider: s.provider, modelId: s.modelId }, s, table);
	return `assay run: contexts (${s.modelId}, prompt v${s.promptVersion}): ${s.generated} generated, ${s.cached} cached, ${s.failures.length} failed; ${s.calls} call${s.calls === 1 ? '' : 's'}, ${s.inputTokens} input + ${s.outputTokens} output tokens; cost ${cost.ok ? `$${cost.usd.toFixed(6)}` : cost.text}\n${s.failures.map((f) => `assay run: ${f.id}: no context (indexed with its text alone): ${f.reason}\n`).join('')}`;
}
