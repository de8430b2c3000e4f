import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { defaultAppConfig, parseChunkingConfig, type ChunkingConfig } from '../lib/config/schema.ts';
import {
	describeRecipeSource,
	detectRecipe,
	findEmbeddingModel,
	pickDtype,
	type EmbeddingModelSpec,
	type EmbeddingRecipe,
	type ModelDtype,
	type ModelSource
} from '../lib/embedding/index.ts';
import { readFolderDtypes, readFolderRecipe } from '../lib/adapters/model-files-node.ts';
import { computeRerankEffect, evaluateRun, formatRerankEffect, formatTrecRun, parseRun, runRetrievalMode } from '../lib/evals/index.ts';
import { rerankPoolSize } from '../lib/search/rerank/pool.ts';
import { createAnalyzer } from '../lib/search/index.ts';
import type { RerankerSpec } from '../lib/search/rerank/index.ts';
import { EXPAND_MODES, ExpandConfigSchema, RETRIEVAL_MODES, type ExpandConfig } from '../lib/search/retrieval/index.ts';
import { formatSpansFile } from './spans-file.ts';
import { describeFusion, FUSION_METHODS, FusionConfigSchema, SCORE_NORMALIZATIONS, type FusionConfig } from '../lib/search/fusion/index.ts';
import { tuneFusion } from '../lib/evals/tuning/fusion.ts';
import { AssayError } from '../lib/shared/errors.ts';
import { TransformersEmbedder } from '../lib/adapters/transformers-embedder.ts';
import { TransformersReranker } from '../lib/adapters/transformers-reranker.ts';
import { UsageError } from './io.ts';
import { writeAblation } from './ablation-output.ts';
import { choiceOption, numberOption, parseOptions, positiveIntegerOption, stringOption } from './args.ts';
import { loadBeirDataset } from './beir-files.ts';
import { EXIT_OK, type CliIo } from './io.ts';
import { progressLines } from './progress.ts';
import { describeRewriteRun, REWRITE_OPTION_SPECS, REWRITE_USAGE, rewriteFromFlags } from './run-rewrite.ts';
import { readPrices } from './eval-command.ts';
import { CONTEXTUAL_OPTION_SPECS, CONTEXTUAL_USAGE, contextualFromFlags, describeContextualRun } from './run-contextual.ts';

/** The app's defaults (one `AppConfig`): analyzer, BM25, dtypes, RRF k, depth, rerank pool. */
const DEFAULTS = defaultAppConfig();

/** Usage text of `assay run`. */
export const RUN_USAGE = `Usage: assay run --dataset <BEIR folder> --mode <mode> --out <run file> [options]

Run a BEIR collection through Assay's retrieval pipeline (the same code as the app; exact
vector index) and write a TREC run. With qrels, nDCG@10 / MAP / recall@100 / MRR go to stderr.

Options:
  --dataset <dir>        BEIR folder (required)
  --mode <mode>          lexical | dense | hybrid | hybrid-rerank (required)
  --out <file>           run file, "-" for stdout (required)
  --embed-model <id|dir> hub id (downloads from huggingface.co) or a local model folder (offline)
  --rerank-model <id|dir> cross-encoder, hub id or local folder (hybrid-rerank)
  --dtype <dtype>        model weights precision, both models (default: the app's,
                         ${DEFAULTS.embedding.dtype} embedding / ${DEFAULTS.rerank.dtype} reranker; a local folder without
                         those weights gets the first it has of fp32, q8, int8, uint8, fp16, q4…)
  --pooling <mean|cls>   default: detected (1_Pooling/config.json, registry, model family), else mean
  --query-prefix <text>  default: detected (config_sentence_transformers.json prompts, registry,
                         model family, e.g. "query: " for E5), else none (a notice says so)
  --passage-prefix <text> default: detected like --query-prefix
  --top-k <n>            documents per query (default 100)
  --depth <n>            candidates per retriever before fusion (default ${DEFAULTS.retrieval.depth})
  --rrf-k <number>       RRF constant (default ${DEFAULTS.retrieval.rrfK})
  --rerank-pool <n>      rerank pool factor × top-k (default ${DEFAULTS.retrieval.rerankPoolFactor})
  --rerank-depth <n>     rerank pool depth: fused candidates the reranker scores, 1–1000, ≥ --top-k
                         (hybrid-rerank; replaces --rerank-pool; default: factor × top-k)
  --rerank-effect <file> hybrid-rerank with qrels: the reranker's effect per query (nDCG@10 of the
                         fused list vs the reranked one, relevant documents moved into / out of the
                         top-k) as JSON; the summary and the largest changes always go to stderr
  --fusion <method>      rrf | weighted-rrf | combsum | combmnz (hybrid modes; default rrf)
  --normalization <n>    minmax | zscore (combsum, combmnz; default minmax)
  --weights <l,d>        lexical,dense weights, e.g. 0.3,0.7 (weighted-rrf, combsum, combmnz)
  --fusion-config <file> fusion from a JSON file: a fusion configuration, or a --tune-fusion
                         result (its "fusion"); other fusion flags may not be given with it
  --tune-fusion          instead of a run: grid-search the lexical weight w (dense 1 − w) of
                         --fusion (default combsum) on a tune split of the queries, confirm
                         on the other against RRF k 60 (paired test); --out gets the result,
                         whose "fusion" --fusion-config reads. With:
    --weight-step <s>    grid step of w in (0, 0.5] (default 0.1)
    --k-values <list>    RRF k values tried, e.g. 10,60 (rrf, weighted-rrf; default --rrf-k)
    --metric <name>      trec_eval measure tuned (default ndcg_cut_10)
    --tune-share <s>     share of queries in the tune split, (0, 1) (default 0.5)
    --seed <n>           seed of the split (default 42)
  --ablation <file>      also measure every stage of the run (lexical, dense, fused, reranked),
                         each cut to --top-k and scored as a separate run of that stage, with
                         paired tests between consecutive stages and, per query, where each
                         relevant document was lost; writes assay.stage-ablation/v1 JSON
                         ("-" = stdout, not with --out -) and prints the table on stderr
                         (needs qrels; not with --tune-fusion)
  --ablation-metric <m>  metric the stage tests compare (default ndcg@10; report names:
                         ndcg@k, recall@k, map, recip_rank, …)
  --expand <mode>        parent-document retrieval: none (default: each document is one item) |
                         parent-section | neighbours — documents are chunked as the app chunks an
                         imported BEIR document (title + blank line + text, plain-text chunker),
                         chunks are searched and expanded to their parent section (a plain-text
                         document is one section) or a window of neighbouring chunks; documents
                         rank by their best span (at most --top-k spans per query)
  --expand-max-tokens <n> token budget of one returned span (default 512; estimated tokens)
  --expand-window <n>    neighbour chunks on each side (neighbours; default 1)
  --chunk-size <n>       chunk size in UTF-16 code units with --expand (default ${DEFAULTS.chunking.chunkSizeChars})
  --chunk-overlap <n>    chunk overlap with --expand (default ${DEFAULTS.chunking.chunkOverlapChars})
  --spans-out <file>     with --expand: the returned spans per query as JSON
                         (schemas/expanded-spans.v1.schema.json), "-" for stdout
${REWRITE_USAGE}${CONTEXTUAL_USAGE}  --tag <name>           run tag (default assay-<mode>)
  -q, --quiet            no progress lines (embedding, queries) on stderr; the model recipe line and the summary stay
  -h, --help             this text
BM25 runs with the app's defaults: analyzer ${DEFAULTS.bm25.analyzer}, k1 ${DEFAULTS.bm25.k1}, b ${DEFAULTS.bm25.b}.
`;

/** What each query goes through, for the progress lines. */
const QUERY_STEPS: Record<(typeof RETRIEVAL_MODES)[number], string> = {
	lexical: 'BM25',
	dense: 'embed query, vector search',
	hybrid: 'BM25 + vector search, RRF',
	'hybrid-rerank': 'BM25 + vector search, RRF, reranking'
};

/**
 * The fusion flags as a configuration (undefined when none is given = RRF with --rrf-k).
 * @throws UsageError for a malformed flag; AssayError `CONFIG_INVALID` for a configuration the schema refuses.
 */
function fusionOptions(values: Record<string, unknown>): FusionConfig | undefined {
	const file = values['fusion-config'];
	if (typeof file === 'string') {
		if (values.fusion !== undefined || values.normalization !== undefined || values.weights !== undefined)
			throw new UsageError('--fusion-config cannot be combined with --fusion, --normalization or --weights');
		let json: unknown;
		try {
			json = JSON.parse(readFileSync(file, 'utf8'));
		} catch (e) {
			throw new AssayError('CONFIG_INVALID', `--fusion-config ${file}: ${e instanceof Error ? e.message : String(e)}`);
		}
		const inner = json !== null && typeof json === 'object' && 'fusion' in json ? (json as { fusion: unknown }).fusion : json;
		return parseFusion(inner, `--fusion-config ${file}`);
	}
	if (values.fusion === undefined && values.normalization === undefined && values.weights === undefined) return undefined;
	const method = choiceOption(values, 'fusion', FUSION_METHODS, 'rrf');
	const normalization =
		values.normalization === undefined ? undefined : choiceOption(values, 'normalization', SCORE_NORMALIZATIONS, 'minmax');
	let weights: { lexical: number; dense: number } | undefined;
	if (typeof values.weights === 'string') {
		const parts = values.weights.split(',');
		if (parts.length !== 2) throw new UsageError(`--weights must be two numbers "lexical,dense", received "${values.weights}"`);
		weights = { lexical: numberOption({ w: parts[0] }, 'w', 0), dense: numberOption({ w: parts[1] }, 'w', 0) };
	}
	return parseFusion({ method, ...(normalization ? { normalization } : {}), ...(weights ? { weights } : {}) }, 'fusion flags');
}

/**
 * `--rerank-depth`: absent = undefined (the pool stays factor × top-k).
 * @throws UsageError for a value outside 1–1000, below --top-k, with --rerank-pool, or outside hybrid-rerank.
 */
function rerankDepthOption(values: Record<string, unknown>, mode: string, topK: number): number | undefined {
	if (values['rerank-depth'] === undefined) return undefined;
	const depth = positiveIntegerOption(values, 'rerank-depth', 1);
	if (mode !== 'hybrid-rerank') throw new UsageError(`--rerank-depth applies only to --mode hybrid-rerank, not ${mode}`);
	if (values['rerank-pool'] !== undefined) throw new UsageError('--rerank-depth cannot be combined with --rerank-pool');
	if (depth > 1000) throw new UsageError(`--rerank-depth must be at most 1000, received ${depth}`);
	if (depth < topK) throw new UsageError(`--rerank-depth (${depth}) must be at least --top-k (${topK})`);
	return depth;
}

function parseFusion(input: unknown, source: string): FusionConfig {
	const parsed = FusionConfigSchema.safeParse(input);
	if (!parsed.success)
		throw new AssayError(
			'CONFIG_INVALID',
			`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`
		);
	return parsed.data;
}

/**
 * The expansion flags (undefined for `--expand none` or none given: today's run).
 * @throws UsageError for a malformed number; AssayError `CONFIG_INVALID` for values out of range or expansion flags without --expand.
 */
function expandOptions(values: Record<string, unknown>): { config: ExpandConfig; chunking: ChunkingConfig } | undefined {
	const mode = choiceOption(values, 'expand', EXPAND_MODES, 'none');
	const extra = ['expand-max-tokens', 'expand-window', 'chunk-size', 'chunk-overlap', 'spans-out'].filter((f) => values[f] !== undefined);
	if (mode === 'none') {
		if (extra.length > 0) throw new AssayError('CONFIG_INVALID', `--${extra[0]} needs --expand parent-section or --expand neighbours.`);
		return undefined;
	}
	const parsed = ExpandConfigSchema.safeParse({
		mode,
		maxTokens: positiveIntegerOption(values, 'expand-max-tokens', 512),
		windowChunks: values['expand-window'] === undefined ? 1 : numberOption(values, 'expand-window', 1)
	});
	if (!parsed.success)
		throw new AssayError('CONFIG_INVALID', `--expand: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
	const chunking = parseChunkingConfig({
		mode: 'recursive',
		chunkSizeChars: positiveIntegerOption(values, 'chunk-size', DEFAULTS.chunking.chunkSizeChars),
		chunkOverlapChars:
			values['chunk-overlap'] === undefined ? DEFAULTS.chunking.chunkOverlapChars : numberOption(values, 'chunk-overlap', 0)
	});
	return { config: parsed.data, chunking };
}

/** A hub id, or a local folder (then the source is that folder's parent). */
function modelLocation(value: string): { modelId: string; source: ModelSource; folder: string | null } {
	const path = resolve(value);
	if (existsSync(path) && statSync(path).isDirectory())
		return { modelId: basename(path), source: { kind: 'local', path: `${dirname(path)}/` }, folder: path };
	return { modelId: value, source: { kind: 'hub' }, folder: null };
}

/**
 * The line `assay run` prints before embedding: model, dtype, pooling and both prefixes, each
 * with its source (`--flag`, `from config_sentence_transformers.json`, `family e5`, …), and a
 * notice when no prefixes are known for the model.
 */
export function describeEmbedStart(
	spec: EmbeddingModelSpec,
	recipe: EmbeddingRecipe,
	flags: { pooling: boolean; queryPrefix: boolean; passagePrefix: boolean }
): string {
	const src = (flag: boolean, name: string, source: EmbeddingRecipe['prefixSource']) => (flag ? `--${name}` : describeRecipeSource(source));
	const lines = [
		`assay run: embedding ${spec.modelId} (${spec.dtype}), pooling ${spec.pooling} (${src(flags.pooling, 'pooling', recipe.poolingSource)}), query prefix ${JSON.stringify(spec.queryPrefix)} (${src(flags.queryPrefix, 'query-prefix', recipe.prefixSource)}), passage prefix ${JSON.stringify(spec.passagePrefix)} (${src(flags.passagePrefix, 'passage-prefix', recipe.prefixSource)})`
	];
	if (!recipe.known && !flags.queryPrefix && !flags.passagePrefix)
		lines.push(
			`assay run: no query/passage prefixes are known for ${spec.modelId}; if its model card names some, pass --query-prefix and --passage-prefix`
		);
	return `${lines.join('\n')}\n`;
}

/**
 * `assay run`: see {@link RUN_USAGE}. Returns the exit code.
 * @throws UsageError for bad arguments; AssayError for unreadable data or models.
 */
export async function runCommand(
	argv: readonly string[],
	io: CliIo,
	env: Readonly<Record<string, string | undefined>> = process.env
): Promise<number> {
	const values = parseOptions(argv, {
		dataset: { type: 'string' },
		mode: { type: 'string' },
		out: { type: 'string' },
		'embed-model': { type: 'string' },
		'rerank-model': { type: 'string' },
		dtype: { type: 'string' },
		pooling: { type: 'string' },
		'query-prefix': { type: 'string' },
		'passage-prefix': { type: 'string' },
		'top-k': { type: 'string' },
		depth: { type: 'string' },
		'rrf-k': { type: 'string' },
		'rerank-pool': { type: 'string' },
		'rerank-depth': { type: 'string' },
		'rerank-effect': { type: 'string' },
		fusion: { type: 'string' },
		normalization: { type: 'string' },
		weights: { type: 'string' },
		'fusion-config': { type: 'string' },
		'tune-fusion': { type: 'boolean' },
		'weight-step': { type: 'string' },
		'k-values': { type: 'string' },
		metric: { type: 'string' },
		'tune-share': { type: 'string' },
		seed: { type: 'string' },
		expand: { type: 'string' },
		'expand-max-tokens': { type: 'string' },
		'expand-window': { type: 'string' },
		'chunk-size': { type: 'string' },
		'chunk-overlap': { type: 'string' },
		'spans-out': { type: 'string' },
		tag: { type: 'string' },
		...REWRITE_OPTION_SPECS,
		...CONTEXTUAL_OPTION_SPECS,
		ablation: { type: 'string' },
		'ablation-metric': { type: 'string' },
		quiet: { type: 'boolean', short: 'q' },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout(RUN_USAGE);
		return EXIT_OK;
	}
	const dataset = loadBeirDataset(stringOption(values, 'dataset'));
	const tuning = values['tune-fusion'] === true;
	const mode = choiceOption(values, 'mode', RETRIEVAL_MODES, tuning ? 'hybrid' : 'lexical');
	const fusion = fusionOptions(values);
	if (values.mode === undefined && !tuning)
		throw new AssayError('CONFIG_INVALID', '--mode is required (lexical | dense | hybrid | hybrid-rerank).');
	const outPath = stringOption(values, 'out');
	const rewrite = rewriteFromFlags(values, env, readPrices);
	if (rewrite && tuning) throw new UsageError('--rewrite cannot be combined with --tune-fusion');
	const contextual = contextualFromFlags(values, env, readPrices);
	if (contextual && tuning) throw new UsageError('--contextual cannot be combined with --tune-fusion');
	const dtypes = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;
	// The app's default dtype, unless a local folder lacks those weights: then the first it has (DTYPE_PREFERENCE).
	const dtypeFor = (folder: string | null, appDefault: ModelDtype): ModelDtype =>
		choiceOption(values, 'dtype', dtypes, (folder ? pickDtype(appDefault, readFolderDtypes(folder)) : null) ?? appDefault);
	let embedSpec: EmbeddingModelSpec | undefined;
	if (typeof values['embed-model'] === 'string') {
		const { modelId, source, folder } = modelLocation(values['embed-model']);
		const recipe = detectRecipe(modelId, folder ? readFolderRecipe(folder) : {}, findEmbeddingModel(modelId));
		embedSpec = {
			modelId,
			source,
			dtype: dtypeFor(folder, DEFAULTS.embedding.dtype),
			device: 'wasm',
			pooling: choiceOption(values, 'pooling', ['mean', 'cls'] as const, recipe.pooling),
			queryPrefix: stringOption(values, 'query-prefix', recipe.queryPrefix),
			passagePrefix: stringOption(values, 'passage-prefix', recipe.passagePrefix)
		};
		io.stderr(
			describeEmbedStart(embedSpec, recipe, {
				pooling: values.pooling !== undefined,
				queryPrefix: values['query-prefix'] !== undefined,
				passagePrefix: values['passage-prefix'] !== undefined
			})
		);
	}
	let rerankSpec: RerankerSpec | undefined;
	if (typeof values['rerank-model'] === 'string') {
		const { modelId, source, folder } = modelLocation(values['rerank-model']);
		rerankSpec = { modelId, source, dtype: dtypeFor(folder, DEFAULTS.rerank.dtype), device: 'wasm', batchSize: 16 };
	}
	const topK = positiveIntegerOption(values, 'top-k', 100);
	const qrels = dataset.qrels;
	const ablationPath = typeof values.ablation === 'string' ? values.ablation : null;
	if (ablationPath !== null) {
		if (tuning) throw new UsageError('--ablation cannot be combined with --tune-fusion');
		if (ablationPath === '-' && outPath === '-') throw new UsageError('--ablation - and --out - cannot both write to stdout');
		if (!qrels) throw new AssayError('DATASET_INVALID', "--ablation needs the dataset's qrels.");
	}
	const queries = qrels ? dataset.queries.filter((q) => qrels.has(q.id)) : dataset.queries;
	const embedder = embedSpec ? new TransformersEmbedder() : undefined;
	const reranker = rerankSpec ? new TransformersReranker() : undefined;
	// Progress goes to stderr only: stdout may be the run itself (--out -).
	const progress = values.quiet
		? {}
		: {
				onEmbedProgress: progressLines(`assay run: embedding ${dataset.corpus.length} documents:`, io.stderr),
				onQueryProgress: progressLines(`assay run: queries (${QUERY_STEPS[mode]}):`, io.stderr)
			};
	const rrfK = numberOption(values, 'rrf-k', DEFAULTS.retrieval.rrfK);
	const depth = positiveIntegerOption(values, 'depth', DEFAULTS.retrieval.depth);
	const rerankDepth = rerankDepthOption(values, mode, topK);
	const expand = expandOptions(values);
	// The stage lists of an expanded run rank chunks, not the documents the qrels judge.
	if (expand && ablationPath !== null) throw new UsageError('--ablation cannot be combined with --expand');
	const runOptions = {
		...(expand ? { expand } : {}),
		params: { k1: DEFAULTS.bm25.k1, b: DEFAULTS.bm25.b },
		analyzer: createAnalyzer(DEFAULTS.bm25.analyzer),
		depth,
		rrfK,
		fusion,
		rerankPoolFactor: positiveIntegerOption(values, 'rerank-pool', DEFAULTS.retrieval.rerankPoolFactor),
		...(rerankDepth !== undefined ? { rerankDepth } : {}),
		...(embedder && embedSpec ? { embedder, embedSpec } : {}),
		...(reranker && rerankSpec ? { reranker, rerankSpec } : {}),
		...progress
	};
	try {
		if (tuning) {
			if (!qrels) throw new AssayError('DATASET_INVALID', "--tune-fusion needs the dataset's qrels.");
			// The two stage lists once (BM25; dense embeds the corpus once), `depth` deep: every grid point fuses them.
			const lexical = await runRetrievalMode(dataset.corpus, queries, { ...runOptions, mode: 'lexical', topK: depth });
			const dense = await runRetrievalMode(dataset.corpus, queries, { ...runOptions, mode: 'dense', topK: depth });
			const denseById = new Map(dense.lists.map((l) => [l.queryId, l.hits]));
			const kValues =
				typeof values['k-values'] === 'string' ? values['k-values'].split(',').map((k) => numberOption({ k }, 'k', 0)) : [rrfK];
			const result = tuneFusion(
				lexical.lists.map((l) => ({ id: l.queryId, lexical: l.hits, dense: denseById.get(l.queryId) ?? [] })),
				qrels,
				{
					method: fusion?.method ?? 'combsum',
					...(fusion?.normalization ? { normalization: fusion.normalization } : {}),
					weightStep: numberOption(values, 'weight-step', 0.1),
					kValues,
					metric: stringOption(values, 'metric', 'ndcg_cut_10'),
					topK,
					tuneShare: numberOption(values, 'tune-share', 0.5),
					seed: positiveIntegerOption(values, 'seed', 42)
				}
			);
			const text = `${JSON.stringify({ schema: 'assay.fusion-tuning/v1', dataset: dataset.name, fusion: result.chosen, ...result }, null, 2)}\n`;
			if (outPath === '-') io.stdout(text);
			else writeFileSync(outPath, text);
			const c = result.confirm;
			io.stderr(
				`assay run: tuned ${describeFusion(result.chosen, rrfK)} on ${result.split.tune.length} queries (${result.metric} ${result.tune.chosenMean.toFixed(4)}, RRF k 60 ${result.tune.baselineMean.toFixed(4)}); confirm split ${result.split.confirm.length} queries: ${c.chosenMean.toFixed(4)} vs ${c.baselineMean.toFixed(4)}, Δ ${c.comparison.meanDifference.toFixed(4)} [${c.comparison.ciLow.toFixed(4)}, ${c.comparison.ciHigh.toFixed(4)}], p ${c.comparison.pValue.toFixed(4)}: ${c.comparison.verdict}\n`
			);
			return EXIT_OK;
		}
		const result = await runRetrievalMode(dataset.corpus, queries, {
			...runOptions,
			mode,
			topK,
			keepStages: ablationPath !== null,
			...(rewrite ? { rewrite: { config: rewrite.config, model: rewrite.model, cache: rewrite.cache } } : {}),
			...(contextual ? { contextual: { config: contextual.config, model: contextual.model, cache: contextual.cache } } : {})
		});
		rewrite?.save();
		contextual?.save();
		if (contextual && result.contextual) io.stderr(describeContextualRun(result.contextual, contextual.priceTable));
		if (rewrite && result.rewrite) io.stderr(describeRewriteRun(result.rewrite, rewrite.priceTable));
		const runText = formatTrecRun(result.lists, stringOption(values, 'tag', `assay-${mode}`));
		if (outPath === '-') io.stdout(runText);
		else writeFileSync(outPath, runText);
		io.stderr(
			`assay run: ${dataset.name}: ${dataset.corpus.length} documents, ${queries.length} queries, mode ${mode}; embedded in ${result.embedMs.toFixed(0)} ms (${result.backend ?? 'no model'}), searched in ${result.searchMs.toFixed(0)} ms\n`
		);
		if (expand && result.expansion) {
			io.stderr(
				`assay run: expansion ${expand.config.mode} (≤ ${expand.config.maxTokens} tokens${expand.config.mode === 'neighbours' ? `, window ${expand.config.windowChunks}` : ''}): ${[...result.expansion.spans.values()].reduce((n, l) => n + l.length, 0)} spans, average ${result.expansion.averageTokens.toFixed(1)} tokens\n`
			);
			const spansOut = values['spans-out'];
			if (typeof spansOut === 'string') {
				const text = formatSpansFile(dataset.name, expand.config, expand.chunking, result.expansion);
				if (spansOut === '-') io.stdout(text);
				else writeFileSync(spansOut, text);
			}
		}
		const lines = result.lists.reduce((n, l) => n + l.hits.length, 0);
		if (qrels && lines > 0) {
			const s = evaluateRun(qrels, parseRun(runText), { cutoffs: [10, 100] }).summary;
			const f = (name: string) => (s[name] ?? 0).toFixed(4);
			io.stderr(
				`ndcg_cut_10 ${f('ndcg_cut_10')}  map ${f('map')}  recall_100 ${f('recall_100')}  recip_rank ${f('recip_rank')}  (${s.num_q} queries)\n`
			);
		}
		if (qrels && result.fusedLists) {
			const effect = computeRerankEffect(qrels, result.fusedLists, result.lists, { topK, poolDepth: rerankPoolSize(runOptions, topK) });
			io.stderr(`${formatRerankEffect(effect).join('\n')}\n`);
			const effectPath = values['rerank-effect'];
			if (typeof effectPath === 'string')
				writeFileSync(effectPath, `${JSON.stringify({ schema: 'assay.rerank-effect/v1', dataset: dataset.name, ...effect }, null, 2)}\n`);
		}
		if (ablationPath !== null && qrels && result.stages) {
			writeAblation(
				{
					dataset: dataset.name,
					mode,
					topK,
					depth,
					rrfK,
					rerankPoolFactor: runOptions.rerankPoolFactor,
					rerankDepth,
					fusion,
					embedModel: mode !== 'lexical' ? (embedSpec?.modelId ?? null) : null,
					rerankModel: mode === 'hybrid-rerank' ? (rerankSpec?.modelId ?? null) : null,
					stages: result.stages,
					qrels,
					metric: stringOption(values, 'ablation-metric', 'ndcg@10')
				},
				ablationPath,
				io
			);
		}
	} finally {
		await embedder?.dispose();
		await reranker?.dispose();
	}
	return EXIT_OK;
}
