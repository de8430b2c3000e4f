import { existsSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { defaultAppConfig } from '../lib/config/schema.ts';
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
import { evaluateRun, formatTrecRun, parseRun, runRetrievalMode } from '../lib/evals/index.ts';
import { createAnalyzer } from '../lib/search/index.ts';
import type { RerankerSpec } from '../lib/search/rerank/index.ts';
import { RETRIEVAL_MODES } from '../lib/search/retrieval/index.ts';
import { AssayError } from '../lib/shared/errors.ts';
import { TransformersEmbedder } from '../lib/adapters/transformers-embedder.ts';
import { TransformersReranker } from '../lib/adapters/transformers-reranker.ts';
import { choiceOption, numberOption, parseOptions, positiveIntegerOption, stringOption } from './args.ts';
import { loadBeirDataset } from './beir-files.ts';
import { EXIT_OK, type CliIo } from './io.ts';
import { progressLines } from './progress.ts';

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
  --tag <name>           run tag (default assay-<mode>)
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
export async function runCommand(argv: readonly string[], io: CliIo): Promise<number> {
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
		tag: { type: 'string' },
		quiet: { type: 'boolean', short: 'q' },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout(RUN_USAGE);
		return EXIT_OK;
	}
	const dataset = loadBeirDataset(stringOption(values, 'dataset'));
	const mode = choiceOption(values, 'mode', RETRIEVAL_MODES, 'lexical');
	if (values.mode === undefined) throw new AssayError('CONFIG_INVALID', '--mode is required (lexical | dense | hybrid | hybrid-rerank).');
	const outPath = stringOption(values, 'out');
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
	try {
		const result = await runRetrievalMode(dataset.corpus, queries, {
			mode,
			params: { k1: DEFAULTS.bm25.k1, b: DEFAULTS.bm25.b },
			analyzer: createAnalyzer(DEFAULTS.bm25.analyzer),
			topK,
			depth: positiveIntegerOption(values, 'depth', DEFAULTS.retrieval.depth),
			rrfK: numberOption(values, 'rrf-k', DEFAULTS.retrieval.rrfK),
			rerankPoolFactor: positiveIntegerOption(values, 'rerank-pool', DEFAULTS.retrieval.rerankPoolFactor),
			...(embedder && embedSpec ? { embedder, embedSpec } : {}),
			...(reranker && rerankSpec ? { reranker, rerankSpec } : {}),
			...progress
		});
		const runText = formatTrecRun(result.lists, stringOption(values, 'tag', `assay-${mode}`));
		if (outPath === '-') io.stdout(runText);
		else writeFileSync(outPath, runText);
		io.stderr(
			`assay run: ${dataset.name}: ${dataset.corpus.length} documents, ${queries.length} queries, mode ${mode}; embedded in ${result.embedMs.toFixed(0)} ms (${result.backend ?? 'no model'}), searched in ${result.searchMs.toFixed(0)} ms\n`
		);
		const lines = result.lists.reduce((n, l) => n + l.hits.length, 0);
		if (qrels && lines > 0) {
			const s = evaluateRun(qrels, parseRun(runText), { cutoffs: [10, 100] }).summary;
			const f = (name: string) => (s[name] ?? 0).toFixed(4);
			io.stderr(
				`ndcg_cut_10 ${f('ndcg_cut_10')}  map ${f('map')}  recall_100 ${f('recall_100')}  recip_rank ${f('recip_rank')}  (${s.num_q} queries)\n`
			);
		}
	} finally {
		await embedder?.dispose();
		await reranker?.dispose();
	}
	return EXIT_OK;
}
