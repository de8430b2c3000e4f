import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { OpenAiChatModel } from '../lib/adapters/openai-chat.ts';
import { costFor, DEFAULT_PRICE_TABLE, type PriceTable } from '../lib/cost/index.ts';
import type { RewriteRunSummary } from '../lib/evals/index.ts';
import { ScriptedChatModel } from '../lib/generation/scripted.ts';
import type { ChatModel, ChatRequest } from '../lib/generation/types.ts';
import { MemoryRewriteCache, REWRITE_DEFAULTS, REWRITE_TECHNIQUES, type RewriteConfig } from '../lib/search/rewrite/index.ts';
import { AssayError } from '../lib/shared/errors.ts';
import { z } from '../lib/shared/zod.ts';
import { choiceOption, positiveIntegerOption } from './args.ts';
import { UsageError } from './io.ts';

/** The `assay run` options of query rewriting, for its usage text. */
export const REWRITE_USAGE = `  --rewrite <technique>  rewrite each query first with a chat model: multi-query (N rewrites, each
                         retrieved, all lists RRF-fused with the original's), hyde (a hypothetical
                         answer passage is embedded instead of the query; BM25 keeps the query) or
                         expand (keywords appended to the BM25 query only; not --expand, which is
                         parent-document retrieval)
  --rewrite-count <n>    rewrites (multi-query) or most keywords (expand), 1–10 (default ${REWRITE_DEFAULTS.count})
  --base-url <url>       OpenAI-compatible endpoint of the answering model (…/v1), for --rewrite
  --model <name>         its model name
  --api-key-env <VAR>    environment variable holding its API key
  --scripted-rewrites <file> instead of an endpoint: JSON {"<query>": "<reply>" | {"reply", "inputTokens",
                         "outputTokens"}}; a query not listed gets an empty reply (falls back to the query)
  --rewrite-cache <file> JSON cache of rewrites per (model, prompt version, technique, N, query): read
                         when it exists, written after the run (default: in memory for this run)
  --prices <file>        price table (JSON, docs/cost.md) for the rewrite cost; default the built-in one
`;

/** The option specs `assay run` adds for rewriting. */
export const REWRITE_OPTION_SPECS = {
	rewrite: { type: 'string' },
	'rewrite-count': { type: 'string' },
	'base-url': { type: 'string' },
	model: { type: 'string' },
	'api-key-env': { type: 'string' },
	'scripted-rewrites': { type: 'string' },
	'rewrite-cache': { type: 'string' },
	prices: { type: 'string' }
} as const;

const ScriptedReplies = z.record(
	z.string(),
	z.union([z.string(), z.object({ reply: z.string(), inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0) })])
);

/** The query inside a rewrite prompt's `<query untrusted="true">` wrapper (as sent, defused). */
const promptQuery = (r: ChatRequest) => /<query untrusted="true">\n([\s\S]*)\n<\/query>/.exec(r.messages.at(-1)?.content ?? '')?.[1] ?? '';

/**
 * The JSON in the file at `path`.
 * @throws AssayError `CONFIG_INVALID` naming `flag` when it is not readable JSON.
 */
export function readJson(path: string, flag: string): unknown {
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch (e) {
		throw new AssayError('CONFIG_INVALID', `${flag} ${path}: not a readable JSON file (${e instanceof Error ? e.message : String(e)})`);
	}
}

/**
 * A scripted model reading replies from the JSON file at `path` (given as `flag`): each request
 * is answered with the entry named by `keyOf(request)`, or an empty reply when none is listed.
 * @throws AssayError `CONFIG_INVALID` for a file that is not `{"<key>": "<reply>" | {reply, inputTokens, outputTokens}}`.
 */
export function scriptedReplyModel(path: string, flag: string, modelId: string, keyOf: (r: ChatRequest) => string): ChatModel {
	const parsed = ScriptedReplies.safeParse(readJson(path, flag));
	if (!parsed.success)
		throw new AssayError('CONFIG_INVALID', `${flag} ${path}: expected {"<key>": "<reply>" | {reply, inputTokens, outputTokens}}`);
	const replies = parsed.data;
	return new ScriptedChatModel(modelId, (r) => {
		const key = keyOf(r);
		const entry = Object.hasOwn(replies, key) ? replies[key]! : '';
		return typeof entry === 'string'
			? { tokens: [entry] }
			: { tokens: [entry.reply], usage: { inputTokens: entry.inputTokens, outputTokens: entry.outputTokens } };
	});
}

/** The flags `--rewrite` and `--contextual` share: the answering model's endpoint and the price table. */
export const SHARED_MODEL_FLAGS = ['base-url', 'model', 'api-key-env', 'prices'] as const;

/**
 * The endpoint model of `--base-url`, `--model` and `--api-key-env`.
 * @throws UsageError without `--model`, or when the `--api-key-env` variable is not set.
 */
export function endpointModel(values: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): ChatModel {
	if (typeof values.model !== 'string') throw new UsageError('--base-url needs --model');
	const keyEnv = values['api-key-env'];
	const apiKey = typeof keyEnv === 'string' ? env[keyEnv] : undefined;
	if (typeof keyEnv === 'string' && !apiKey) throw new UsageError(`--api-key-env ${keyEnv}: the variable is not set`);
	return new OpenAiChatModel({ baseUrl: values['base-url'] as string, model: values.model, ...(apiKey ? { apiKey } : {}) });
}

/** What `--rewrite` sets up: the configuration, the model, the cache and how to save it. */
export interface RunRewrite {
	readonly config: RewriteConfig;
	readonly model: ChatModel;
	readonly cache: MemoryRewriteCache;
	/** Write the cache file (no-op without `--rewrite-cache`). */
	save(): void;
	readonly priceTable: PriceTable;
}

/**
 * The rewriting of `assay run` from its flags, or `undefined` without `--rewrite`.
 * @throws UsageError for flags given without `--rewrite`, or neither/both of `--base-url` and `--scripted-rewrites`.
 */
export function rewriteFromFlags(
	values: Record<string, unknown>,
	env: Readonly<Record<string, string | undefined>>,
	readPrices: (path: string) => PriceTable
): RunRewrite | undefined {
	if (values.rewrite === undefined) {
		const shared: readonly string[] = values.contextual === true ? SHARED_MODEL_FLAGS : [];
		for (const name of Object.keys(REWRITE_OPTION_SPECS))
			if (values[name] !== undefined && !shared.includes(name)) throw new UsageError(`--${name} needs --rewrite`);
		return undefined;
	}
	const technique = choiceOption(values, 'rewrite', REWRITE_TECHNIQUES, 'multi-query');
	const count = positiveIntegerOption(values, 'rewrite-count', REWRITE_DEFAULTS.count);
	if (count > 10) throw new UsageError(`--rewrite-count must be 1–10, received ${count}`);
	const scripted = values['scripted-rewrites'];
	const baseUrl = values['base-url'];
	if ((typeof scripted === 'string') === (typeof baseUrl === 'string'))
		throw new UsageError('--rewrite needs exactly one of --base-url (with --model) and --scripted-rewrites');
	const model =
		typeof scripted === 'string'
			? scriptedReplyModel(scripted, '--scripted-rewrites', 'scripted-rewriter', promptQuery)
			: endpointModel(values, env);
	const cachePath = typeof values['rewrite-cache'] === 'string' ? values['rewrite-cache'] : null;
	const stored = cachePath && existsSync(cachePath) ? readJson(cachePath, '--rewrite-cache') : {};
	if (stored === null || typeof stored !== 'object' || Array.isArray(stored))
		throw new AssayError('CONFIG_INVALID', `--rewrite-cache ${cachePath}: expected a JSON object`);
	const cache = MemoryRewriteCache.from(stored as Record<string, unknown>);
	return {
		config: { technique, count, maxTokens: REWRITE_DEFAULTS.maxTokens },
		model,
		cache,
		save: () => {
			if (cachePath) writeFileSync(cachePath, `${JSON.stringify(cache, null, 1)}\n`);
		},
		priceTable: typeof values.prices === 'string' ? readPrices(values.prices) : DEFAULT_PRICE_TABLE
	};
}

/**
 * The summary line of the rewriting stage, e.g.
 * `assay run: rewrites (multi-query ×3, gpt-4o-mini): 12 calls, 480 input + 96 output tokens, 0 cached, 1 fallback; cost $0.000130`.
 */
export function describeRewriteRun(s: RewriteRunSummary, table: PriceTable): string {
	const cost = costFor({ provider: s.provider, modelId: s.modelId }, s, table);
	const shown = s.technique === 'hyde' ? 'hyde' : `${s.technique} ×${s.count}`;
	const fallbacks = `${s.fallbacks.length} fallback${s.fallbacks.length === 1 ? '' : 's'}`;
	return `assay run: rewrites (${shown}, ${s.modelId}): ${s.calls} call${s.calls === 1 ? '' : 's'}, ${s.inputTokens} input + ${s.outputTokens} output tokens, ${s.cached} cached, ${fallbacks}; cost ${cost.ok ? `$${cost.usd.toFixed(6)}` : cost.text}\n${s.fallbacks.map((f) => `assay run: ${f.queryId}: rewrite fell back to the original query: ${f.reason}\n`).join('')}`;
}
