import { evaluateRun, parseQrels, parseRun } from '../lib/evals/index.ts';
import { parseOptions, stringOption } from './args.ts';
import { readTextFile } from './beir-files.ts';
import { EXIT_OK, UsageError, type CliIo } from './io.ts';

/** Usage text of `assay eval`. */
export const EVAL_USAGE = `Usage: assay eval --qrels <file> --run <file> [options]

Score a TREC run against qrels exactly as trec_eval does (ties by document id descending,
rank column ignored; a query counts when it is in both files). Prints trec_eval-style lines:
measure, "all" (or the query id), value.

Options:
  --qrels <file>       qrels: TREC (qid iter docid grade) or BEIR qrels.tsv
  --run <file>         TREC run (qid Q0 docid rank score tag); .gz accepted
  --k <list>           cutoffs for P, recall and nDCG, comma-separated (default 10)
  --per-query          also print each query's values (trec_eval -q)
  --include-missing    qrels queries absent from the run score 0 and count (trec_eval -c)
  -h, --help           this text
`;

/**
 * `assay eval`: see {@link EVAL_USAGE}. Returns the exit code.
 * @throws UsageError for bad arguments; AssayError for unreadable or malformed files.
 */
export async function evalCommand(argv: readonly string[], io: CliIo): Promise<number> {
	const values = parseOptions(argv, {
		qrels: { type: 'string' },
		run: { type: 'string' },
		k: { type: 'string' },
		'per-query': { type: 'boolean' },
		'include-missing': { type: 'boolean' },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout(EVAL_USAGE);
		return EXIT_OK;
	}
	const qrelsPath = stringOption(values, 'qrels');
	const runPath = stringOption(values, 'run');
	const kText = stringOption(values, 'k', '10');
	if (!/^\d+(,\d+)*$/.test(kText) || kText.split(',').some((k) => Number(k) < 1)) {
		throw new UsageError(`--k must be positive integers separated by commas, received "${kText}"`);
	}
	const cutoffs = [...new Set(kText.split(',').map(Number))];
	const evaluation = evaluateRun(parseQrels(readTextFile(qrelsPath), qrelsPath), parseRun(readTextFile(runPath), runPath), {
		cutoffs,
		includeMissingQueries: values['include-missing'] === true
	});
	const names = ['num_ret', 'num_rel', 'num_rel_ret', 'map', 'recip_rank'];
	for (const k of cutoffs) names.push(`P_${k}`, `recall_${k}`, `ndcg_cut_${k}`);
	const line = (name: string, scope: string, value: number) => {
		const shown = name.startsWith('num_') ? String(value) : value.toFixed(4);
		return `${name.padEnd(22)}\t${scope}\t${shown}\n`;
	};
	let out = '';
	if (values['per-query']) {
		for (const [qid, measures] of evaluation.perQuery) {
			for (const name of names) out += line(name, qid, measures[name] ?? 0);
		}
	}
	out += line('num_q', 'all', evaluation.queryCount);
	for (const name of names) out += line(name, 'all', evaluation.summary[name] ?? 0);
	io.stdout(out);
	return EXIT_OK;
}
