import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
	buildServingReport,
	createOpenAiStreamingClient,
	formatPoint,
	parseGoodput,
	realClock,
	runPrefixCacheProbe,
	runServingSweep,
	syntheticRequests,
	type BenchClock,
	type PointSettings,
	type ServingBenchReport,
	type ServingEndpoint
} from '../lib/bench/serving/index.ts';
import { AssayError } from '../lib/shared/errors.ts';
import { choiceOption, numberOption, parseOptions, positiveIntegerOption, stringOption } from './args.ts';
import { EXIT_OK, EXIT_UNREACHABLE, UsageError, type CliIo } from './io.ts';
import { appVersion } from './app-version.ts';

/** Usage text of `assay bench-serving`. */
export const BENCH_SERVING_USAGE = `Usage: assay bench-serving --base-url <url> --model <name> [options]

Serving benchmark of an OpenAI-compatible endpoint (vLLM, TGI, SGLang, llama.cpp, Ollama, …),
with the metrics and flags of vLLM's \`vllm bench serve\`: synthetic prompts of a fixed length,
streamed (stream_options.include_usage), arrivals at a request rate (Poisson, or gamma with
--burstiness; inf = all at once) under a concurrency limit. Per point: TTFT, TPOT, ITL and
end-to-end latency (mean, median, std, p50/p90/p95/p99), requests/s, output and total tokens/s,
goodput under --goodput SLOs. Comma lists of lengths, --request-rate and --max-concurrency
sweep every combination, one point each. Definitions: docs/serving-bench.md.

Options:
  --base-url <url>            server root (http://127.0.0.1:8000) or its /v1 URL
  --endpoint <path>           /v1/chat/completions (default) or /v1/completions
  --model <name>              model name sent in each request
  --num-prompts <n>           measured requests per point (alias --requests; default 100)
  --random-input-len <n[,n…]> prompt length in words (alias --prompt-tokens; default 256)
  --random-output-len <n[,n…]>
                              max output tokens (alias --output-tokens; default 128)
  --ignore-eos                send ignore_eos: true so replies run to the output length (vLLM, SGLang)
  --extra-body <json>         JSON object merged into each request (e.g. '{"min_tokens":128}')
  --request-rate <r[,r…]>     requests per second, or inf (default inf)
  --burstiness <k>            gamma shape of the arrival gaps; 1 = Poisson (default 1)
  --max-concurrency <c[,c…]>  most requests in flight (alias --concurrency; default no limit)
  --warmup <n>                warm-up requests per point, not measured (alias --num-warmups; default 0)
  --seed <n>                  seed of prompts and arrivals (default 0)
  --goodput <slo> …           SLOs in ms: ttft:200 tpot:50 e2el:1000 (all must hold)
  --timeout-ms <ms>           per-request time limit (default none)
  --prefix-probe              also run the prefix-cache probe (shared long prefix vs unique ones)
  --prefix-tokens <n>         prefix length of the probe in words (default 1024)
  --prefix-repeats <n>        repeated and unique requests of the probe (default 5)
  --out <file>                write the assay.serving-bench/v1 JSON report there
  --json                      print the report to stdout instead of the text summary
  -h, --help                  this text

The API key, if any, is read from OPENAI_API_KEY. Exit codes: 0 done, 2 bad usage,
3 no request of any point succeeded (the endpoint is down or refuses; the report is still written).
`;

const APP_VERSION = appVersion();

/** vLLM's `--goodput ttft:200 tpot:50` takes several words: give each its own `--goodput` for parseArgs. */
export function foldGoodputArgs(argv: readonly string[]): string[] {
	const out: string[] = [];
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i]!;
		if (arg !== '--goodput') {
			out.push(arg);
			continue;
		}
		const pairs: string[] = [];
		while (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) pairs.push(argv[++i]!);
		if (pairs.length === 0) throw new UsageError('--goodput needs at least one SLO, e.g. --goodput ttft:200 tpot:50');
		for (const pair of pairs) out.push('--goodput', pair);
	}
	return out;
}

/** A non-negative integer option (0 allowed). */
function countOption(values: Record<string, unknown>, name: string, fallback: number): number {
	const v = values[name];
	if (v === undefined) return fallback;
	if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer, received "${String(v)}"`);
	return Number(v);
}

/** A comma list of positive numbers (or `inf` when `allowInf`). */
function numberList(value: string, name: string, allowInf: boolean, integer: boolean): number[] {
	return value.split(',').map((part) => {
		const v = part.trim();
		if (allowInf && v === 'inf') return Infinity;
		const n = Number(v);
		if (v === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
			throw new UsageError(
				`--${name} takes a comma list of positive ${integer ? 'integers' : 'numbers'}${allowInf ? ' or inf' : ''}, received "${value}"`
			);
		return n;
	});
}

/** What the command needs from its surroundings (injected in tests). */
export interface BenchServingSurroundings {
	readonly clock?: BenchClock;
	readonly env?: Readonly<Record<string, string | undefined>>;
	readonly now?: () => Date;
	readonly fetch?: typeof fetch;
}

/**
 * `assay bench-serving`: see {@link BENCH_SERVING_USAGE}.
 * @throws UsageError for bad arguments; AssayError `CONFIG_INVALID` for bad --goodput (exit 2 via runCli).
 */
export async function benchServingCommand(
	argv: readonly string[],
	io: CliIo,
	surroundings: BenchServingSurroundings = {}
): Promise<number> {
	const values = parseOptions(foldGoodputArgs(argv), {
		'base-url': { type: 'string' },
		endpoint: { type: 'string' },
		model: { type: 'string' },
		'num-prompts': { type: 'string' },
		requests: { type: 'string' },
		'random-input-len': { type: 'string' },
		'prompt-tokens': { type: 'string' },
		'random-output-len': { type: 'string' },
		'output-tokens': { type: 'string' },
		'ignore-eos': { type: 'boolean' },
		'extra-body': { type: 'string' },
		'request-rate': { type: 'string' },
		burstiness: { type: 'string' },
		'max-concurrency': { type: 'string' },
		concurrency: { type: 'string' },
		warmup: { type: 'string' },
		'num-warmups': { type: 'string' },
		seed: { type: 'string' },
		goodput: { type: 'string', multiple: true },
		'timeout-ms': { type: 'string' },
		'prefix-probe': { type: 'boolean' },
		'prefix-tokens': { type: 'string' },
		'prefix-repeats': { type: 'string' },
		out: { type: 'string' },
		json: { type: 'boolean' },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout(BENCH_SERVING_USAGE);
		return EXIT_OK;
	}
	const alias = (a: string, b: string) => {
		if (values[a] !== undefined && values[b] !== undefined) throw new UsageError(`--${a} and --${b} are the same option; give one`);
		return values[a] !== undefined ? a : b;
	};
	const baseUrl = stringOption(values, 'base-url');
	const model = stringOption(values, 'model');
	const endpoint = choiceOption<ServingEndpoint>(values, 'endpoint', ['/v1/chat/completions', '/v1/completions'], '/v1/chat/completions');
	const numPrompts = positiveIntegerOption(values, alias('num-prompts', 'requests'), 100);
	const inputKey = alias('random-input-len', 'prompt-tokens');
	const outputKey = alias('random-output-len', 'output-tokens');
	const promptLengths = numberList(typeof values[inputKey] === 'string' ? values[inputKey] : '256', inputKey, false, true);
	const outputLengths = numberList(typeof values[outputKey] === 'string' ? values[outputKey] : '128', outputKey, false, true);
	const warmup = countOption(values, alias('warmup', 'num-warmups'), 0);
	const seed = countOption(values, 'seed', 0);
	const burstinessText = typeof values.burstiness === 'string' ? values.burstiness : '1';
	const burstiness = burstinessText === 'inf' ? Infinity : numberOption(values, 'burstiness', 1);
	if (!(burstiness > 0)) throw new UsageError(`--burstiness must be positive or inf, received "${burstinessText}"`);
	const rates = numberList(typeof values['request-rate'] === 'string' ? values['request-rate'] : 'inf', 'request-rate', true, false);
	const concurrencyKey = alias('max-concurrency', 'concurrency');
	const concurrencies: (number | null)[] =
		typeof values[concurrencyKey] === 'string' ? numberList(values[concurrencyKey], concurrencyKey, false, true) : [null];
	const slos = parseGoodput(((values.goodput as string[] | undefined) ?? []).flatMap((g) => g.split(',')).filter(Boolean));
	let extraBody: Record<string, unknown> | undefined;
	if (typeof values['extra-body'] === 'string') {
		try {
			extraBody = JSON.parse(values['extra-body']) as Record<string, unknown>;
		} catch (error) {
			throw new UsageError(`--extra-body is not JSON: ${(error as Error).message}`);
		}
		if (typeof extraBody !== 'object' || extraBody === null || Array.isArray(extraBody))
			throw new UsageError('--extra-body must be a JSON object');
	}
	const timeoutMs = values['timeout-ms'] === undefined ? undefined : positiveIntegerOption(values, 'timeout-ms', 1);
	const env = surroundings.env ?? process.env;
	const clock = surroundings.clock ?? realClock;
	const client = createOpenAiStreamingClient({
		baseUrl,
		model,
		endpoint,
		...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}),
		ignoreEos: values['ignore-eos'] === true,
		...(extraBody ? { extraBody } : {}),
		...(timeoutMs ? { timeoutMs } : {}),
		...(surroundings.fetch ? { fetch: surroundings.fetch } : {})
	});
	// One point per combination, lengths outermost: prompt × output × rate × concurrency.
	const grid = promptLengths.flatMap((promptTokens) =>
		outputLengths.flatMap((outputTokens) =>
			rates.flatMap((requestRate) => concurrencies.map((maxConcurrency) => ({ promptTokens, outputTokens, requestRate, maxConcurrency })))
		)
	);
	const points: PointSettings[] = grid.map(({ requestRate, maxConcurrency }) => ({ requestRate, burstiness, maxConcurrency }));
	// Each point gets prompts of its own and a warm-up prompt of its own (salt = point index), so a
	// prefix-caching server answers no measured request from an earlier point's or the warm-up's prefill.
	const requests = (pointIndex: number) => {
		const { promptTokens, outputTokens } = grid[pointIndex]!;
		const [warmupRequest, ...measured] = syntheticRequests({
			numPrompts: numPrompts + 1,
			promptTokens,
			outputTokens,
			seed,
			salt: pointIndex
		});
		return { requests: measured, warmupRequest: warmupRequest! };
	};
	const progress = values.json ? io.stderr : io.stdout;
	const results = await runServingSweep({
		client,
		clock,
		requests,
		points,
		warmup,
		seed,
		slos,
		onPoint: (r) =>
			io.stderr(
				`point rate ${r.requestRate === Infinity ? 'inf' : r.requestRate}, concurrency ${r.maxConcurrency ?? 'unlimited'}: ${r.metrics.completed} completed, ${r.metrics.failed} failed\n`
			)
	});
	const prefixCache = values['prefix-probe']
		? await runPrefixCacheProbe({
				client,
				clock,
				prefixTokens: positiveIntegerOption(values, 'prefix-tokens', 1024),
				repeats: positiveIntegerOption(values, 'prefix-repeats', 5),
				outputTokens: Math.min(outputLengths[0]!, 16),
				seed
			})
		: null;
	const report: ServingBenchReport = buildServingReport({
		createdAt: (surroundings.now?.() ?? new Date()).toISOString(),
		appVersion: APP_VERSION,
		target: { baseUrl, endpoint, model },
		settings: {
			numPrompts,
			promptTokens: promptLengths,
			outputTokens: outputLengths,
			ignoreEos: values['ignore-eos'] === true,
			warmup,
			seed,
			goodput: slos
		},
		points: results,
		prefixCache
	});
	const json = `${JSON.stringify(report, null, 2)}\n`;
	if (typeof values.out === 'string') {
		try {
			mkdirSync(dirname(values.out), { recursive: true });
			writeFileSync(values.out, json);
		} catch (error) {
			throw new AssayError('FILE_READ', `Could not write ${values.out}: ${(error as Error).message}`, { cause: error });
		}
	}
	if (values.json) io.stdout(json);
	else {
		for (const p of report.points) progress(formatPoint(p));
		if (prefixCache) {
			const r = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));
			progress(
				`== prefix-cache probe (${prefixCache.prefixTokens}-word prefix, ${prefixCache.repeats} repeats) ==\n` +
					`first TTFT ${r(prefixCache.firstTtftMs)} ms, repeated median ${r(prefixCache.repeatedTtftMs.median)} ms, unique median ${r(prefixCache.uniqueTtftMs.median)} ms\n` +
					`repeated / first ${r(prefixCache.repeatedToFirst)}, repeated / unique ${r(prefixCache.repeatedToUnique)}\n`
			);
		}
		if (typeof values.out === 'string') progress(`report: ${values.out}\n`);
	}
	if (report.points.every((p) => p.completed === 0)) {
		io.stderr(`assay bench-serving: no request succeeded at any point (${report.points[0]?.errors[0] ?? 'no error message'})\n`);
		return EXIT_UNREACHABLE;
	}
	return EXIT_OK;
}
