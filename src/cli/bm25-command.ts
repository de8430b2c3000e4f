import { writeFileSync } from 'node:fs';
import { chunkDocument } from '../lib/chunking/index.ts';
import { AnalyzerNameSchema, defaultAppConfig, parseBm25Config, parseChunkingConfig } from '../lib/config/schema.ts';
import { evaluateRun, formatTrecRun, parseRun, runBm25 } from '../lib/evals/index.ts';
import { createAnalyzer } from '../lib/search/index.ts';
import { AssayError } from '../lib/shared/errors.ts';
import { choiceOption, numberOption, parseOptions, positiveIntegerOption, stringOption } from './args.ts';
import { loadBeirDataset } from './beir-files.ts';
import { EXIT_OK, type CliIo } from './io.ts';

/** The app's defaults (one `AppConfig`): BM25 parameters, analyzer and chunk sizes. */
const DEFAULTS = defaultAppConfig();

/** Usage text of `assay bm25`. */
export const BM25_USAGE = `Usage: assay bm25 --dataset <BEIR folder> --out <run file> [options]

Index a BEIR collection with BM25 and write a TREC run (qid Q0 docid rank score tag).
Reads corpus.jsonl (or corpus.jsonl.gz) and queries.jsonl; when qrels.tsv exists only the
queries it judges are run, and nDCG@10 / MAP / recall@100 / MRR are printed on stderr.

Options:
  --dataset <dir>        BEIR folder (required)
  --out <file>           run file to write, "-" for stdout (required)
  --k1 <number>          term-frequency saturation, 0–10 (default ${DEFAULTS.bm25.k1})
  --b <number>           length normalisation, 0–1 (default ${DEFAULTS.bm25.b})
  --analyzer <name>      auto | english | cjk | segmenter (default ${DEFAULTS.bm25.analyzer})
  --depth <n>            documents per query (default 1000)
  --chunking <mode>      none: each document whole (default);
                         default: chunk each text, index "title + chunk", rank documents by best chunk
  --chunk-size <n>       chunk size in UTF-16 code units (default ${DEFAULTS.chunking.chunkSizeChars}; --chunking default only)
  --chunk-overlap <n>    chunk overlap in UTF-16 code units (default ${DEFAULTS.chunking.chunkOverlapChars})
  --tag <name>           run tag, last column (default assay-bm25)
  -h, --help             this text
`;

/**
 * `assay bm25`: see {@link BM25_USAGE}. Returns the exit code.
 * @throws UsageError for bad arguments; AssayError for unreadable or malformed data.
 */
export async function bm25Command(argv: readonly string[], io: CliIo): Promise<number> {
	const values = parseOptions(argv, {
		dataset: { type: 'string' },
		out: { type: 'string' },
		k1: { type: 'string' },
		b: { type: 'string' },
		analyzer: { type: 'string' },
		depth: { type: 'string' },
		chunking: { type: 'string' },
		'chunk-size': { type: 'string' },
		'chunk-overlap': { type: 'string' },
		tag: { type: 'string' },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout(BM25_USAGE);
		return EXIT_OK;
	}
	const datasetDir = stringOption(values, 'dataset');
	const outPath = stringOption(values, 'out');
	const params = parseBm25Config({ k1: numberOption(values, 'k1', DEFAULTS.bm25.k1), b: numberOption(values, 'b', DEFAULTS.bm25.b) });
	const analyzerName = choiceOption(values, 'analyzer', AnalyzerNameSchema.options, DEFAULTS.bm25.analyzer);
	const depth = positiveIntegerOption(values, 'depth', 1000);
	const chunking = choiceOption(values, 'chunking', ['none', 'default'] as const, 'none');
	const chunkingConfig = parseChunkingConfig({
		chunkSizeChars: positiveIntegerOption(values, 'chunk-size', DEFAULTS.chunking.chunkSizeChars),
		chunkOverlapChars:
			values['chunk-overlap'] === undefined
				? DEFAULTS.chunking.chunkOverlapChars
				: numberOption(values, 'chunk-overlap', DEFAULTS.chunking.chunkOverlapChars)
	});
	const tag = stringOption(values, 'tag', 'assay-bm25');

	const dataset = loadBeirDataset(datasetDir);
	const qrels = dataset.qrels;
	const queries = qrels ? dataset.queries.filter((q) => qrels.has(q.id)) : dataset.queries;
	const analyzer = createAnalyzer(analyzerName);
	let splitDocument: ((doc: { title: string; text: string }) => string[]) | undefined;
	if (chunking === 'default') {
		splitDocument = (doc) => chunkDocument(doc.text, 'text', chunkingConfig).map((c) => `${doc.title} ${c.text}`);
	}
	const result = await runBm25(dataset.corpus, queries, {
		params,
		analyzer,
		depth,
		...(splitDocument ? { splitDocument } : {})
	});
	const runText = formatTrecRun(result.lists, tag);
	if (outPath === '-') io.stdout(runText);
	else {
		try {
			writeFileSync(outPath, runText);
		} catch (error) {
			throw new AssayError('FILE_READ', `Cannot write ${outPath}: ${(error as Error).message}`, { cause: error });
		}
	}

	const lines = result.lists.reduce((n, l) => n + l.hits.length, 0);
	const perQuery = queries.length > 0 ? result.searchMs / queries.length : 0;
	io.stderr(
		`assay bm25: ${dataset.name}: ${dataset.corpus.length} documents (${result.itemCount} items), ${queries.length} queries; ` +
			`analyzer ${analyzerName}, k1 ${params.k1}, b ${params.b}, chunking ${chunking}\n` +
			`indexed in ${result.indexMs.toFixed(0)} ms, searched in ${result.searchMs.toFixed(0)} ms (${perQuery.toFixed(2)} ms/query); ` +
			`wrote ${lines} lines to ${outPath === '-' ? 'stdout' : outPath}\n`
	);
	if (qrels && lines > 0) {
		// Evaluate the run as written (6-decimal scores), exactly what trec_eval would read.
		const s = evaluateRun(qrels, parseRun(runText), { cutoffs: [10, 100] }).summary;
		const f = (name: string) => (s[name] ?? 0).toFixed(4);
		io.stderr(
			`ndcg_cut_10 ${f('ndcg_cut_10')}  map ${f('map')}  recall_100 ${f('recall_100')}  recip_rank ${f('recip_rank')}  (${s.num_q} queries)\n`
		);
	}
	return EXIT_OK;
}
