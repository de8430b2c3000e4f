import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OpenAiChatModel } from '../lib/adapters/openai-chat.ts';
import { TransformersEmbedder } from '../lib/adapters/transformers-embedder.ts';
import { embeddingModelKey, type EmbeddingModelSpec } from '../lib/embedding/index.ts';
import type { ChatModel } from '../lib/generation/types.ts';
import type { QuestionEmbedder } from '../lib/cache/answer-cache.ts';
import { cacheQualitySummary, evaluateCacheQuality, parseCachePairs, replayWithModel } from '../lib/cache/cache-quality.ts';
import { choiceOption, numberOption, parseOptions, positiveIntegerOption, stringOption } from './args.ts';
import { writeFileAtomic } from './eval/atomic-write.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIo } from './io.ts';

/** Usage text of `assay cache-eval`. */
export const CACHE_EVAL_USAGE = `Usage: assay cache-eval --pairs <pairs.jsonl> --base-url URL --model NAME
       --embed-model <id> --embed-models-dir <dir> [--threshold 0.95] [--mode semantic|exact]
       [--max-wrong-hit-rate 0] [--max-tokens 256] [--api-key-env VAR] [--out report.json] [--json]

Cache-quality evaluation of the semantic answer cache: replays question pairs (JSONL, one
{"id","kind","first":{"question","reference"},"second":{...}} per line; e.g. negations and swapped
entities) through the model with the cache off, then through a fresh cache, and reports the paired
score difference (cache on − off; score 1 when the answer equals the reference after normalisation)
and the wrong-hit rate: wrong hits / hits, a wrong hit being one served from a question whose
reference differs. Definitions: docs/caching.md.

Exit codes: 0 wrong-hit rate ≤ --max-wrong-hit-rate, 1 above it, 2 unusable input.

Options:
  --pairs <file>            question pairs (JSONL)
  --base-url <url>          OpenAI-compatible endpoint of the answering model (…/v1)
  --model <name>            its model name
  --api-key-env <VAR>       environment variable holding its API key
  --embed-model <id>        embedding model folder name under --embed-models-dir (transformers.js, local)
  --embed-models-dir <dir>  folder of local embedding models
  --threshold <t>           cosine threshold of a semantic hit, [0, 1]; default 0.95
  --mode <m>                semantic (default) or exact (the control)
  --max-wrong-hit-rate <r>  highest acceptable wrong-hit rate; default 0
  --max-tokens <n>          answer length limit; default 256
  --out <file>              write the assay.cache-quality/v1 JSON there
  --json                    print the report as JSON
  -h, --help                this text
`;

/** What `assay cache-eval` needs from outside (tests inject the model and the embedder). */
export interface CacheEvalSurroundings {
	readonly env?: Readonly<Record<string, string | undefined>>;
	readonly model?: ChatModel;
	readonly embed?: QuestionEmbedder;
}

/**
 * `assay cache-eval`: see {@link CACHE_EVAL_USAGE}. Returns 0 when the wrong-hit rate is at most
 * `--max-wrong-hit-rate`, 1 otherwise.
 * @throws UsageError for bad arguments; AssayError for unusable input (exit 2 via runCli).
 */
export async function cacheEvalCommand(argv: readonly string[], io: CliIo, surroundings: CacheEvalSurroundings = {}): Promise<number> {
	const values = parseOptions(argv, {
		pairs: { type: 'string' },
		'base-url': { type: 'string' },
		model: { type: 'string' },
		'api-key-env': { type: 'string' },
		'embed-model': { type: 'string' },
		'embed-models-dir': { type: 'string' },
		threshold: { type: 'string' },
		mode: { type: 'string' },
		'max-wrong-hit-rate': { type: 'string' },
		'max-tokens': { type: 'string' },
		out: { type: 'string' },
		json: { type: 'boolean' },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout(CACHE_EVAL_USAGE);
		return EXIT_OK;
	}
	const pairs = parseCachePairs(readFileSync(stringOption(values, 'pairs'), 'utf8'));
	const maxTokens = positiveIntegerOption(values, 'max-tokens', 256);
	const model = surroundings.model ?? modelFrom(values, surroundings.env ?? {});
	const embed = surroundings.embed ?? embedderFrom(values);
	const maxWrong = numberOption(values, 'max-wrong-hit-rate', 0);
	const report = await evaluateCacheQuality({
		pairs,
		answer: replayWithModel(model, maxTokens),
		embed,
		similarityThreshold: numberOption(values, 'threshold', 0.95),
		mode: choiceOption(values, 'mode', ['semantic', 'exact'] as const, 'semantic')
	});
	const json = `${JSON.stringify(report, null, 2)}\n`;
	if (typeof values.out === 'string') writeFileAtomic(values.out, json);
	if (values.json) io.stdout(json);
	else {
		io.stdout(
			[
				...cacheQualitySummary(report),
				...report.rows
					.filter((r) => r.wrongHit)
					.map((r) => `  ✗ "${r.question}" served the answer of "${r.servedFor}" (similarity ${r.similarity?.toFixed(3)})`)
			].join('\n') + '\n'
		);
	}
	return report.wrongHitRate <= maxWrong ? EXIT_OK : EXIT_FAILURE;
}

function modelFrom(values: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): ChatModel {
	const baseUrl = values['base-url'];
	const model = values.model;
	if (typeof baseUrl !== 'string' || typeof model !== 'string') throw new UsageError('--base-url and --model are required');
	const keyEnv = values['api-key-env'];
	const apiKey = typeof keyEnv === 'string' ? env[keyEnv] : undefined;
	if (typeof keyEnv === 'string' && !apiKey) throw new UsageError(`--api-key-env ${keyEnv}: the variable is not set`);
	return new OpenAiChatModel({ baseUrl, model, ...(apiKey ? { apiKey } : {}) });
}

function embedderFrom(values: Record<string, unknown>): QuestionEmbedder {
	const modelId = values['embed-model'];
	const dir = values['embed-models-dir'];
	if (typeof modelId !== 'string' || typeof dir !== 'string') throw new UsageError('--embed-model and --embed-models-dir are required');
	const spec: EmbeddingModelSpec = {
		modelId,
		dtype: 'fp32',
		device: 'wasm',
		source: { kind: 'local', path: `${resolve(dir)}/` },
		pooling: 'mean',
		queryPrefix: '',
		passagePrefix: ''
	};
	const embedder = new TransformersEmbedder();
	return async (question) => ({
		modelKey: embeddingModelKey(spec),
		vector: Array.from((await embedder.embed(spec, [question], 'query')).vectors[0] ?? [])
	});
}
