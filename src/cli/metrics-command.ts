import { evaluateRun, parseQrels, parseRun, TREC_EVAL_CUTOFFS, type RunEvaluation } from '../lib/evals/index.ts';
import { parseOptions, stringOption } from './args.ts';
import { readTextFile } from './beir-files.ts';
import { EXIT_OK, UsageError, type CliIo } from './io.ts';

/** Usage text of `assay metrics`. */
export const METRICS_USAGE = `Usage: assay metrics --qrels <file> --run <file> [-c] [-q] [-l <level>] [--k <list>] [--json]

trec_eval-compatible scoring of a TREC run, computed by the same code the browser uses
(src/lib/evals/metrics). Measures, named as trec_eval names them: num_q, num_ret, num_rel,
num_rel_ret, map, Rprec, recip_rank, and P_k, recall_k, ndcg_cut_k for k in
${TREC_EVAL_CUTOFFS.join(', ')} (or the cutoffs given with --k).
Conventions (as trec_eval 9.0.8 / 10.0): the rank column is ignored; documents are ordered
by score descending, ties by document id descending; a query counts when it is in both files.

Options:
  --qrels <file>   qrels: TREC (qid iter docid grade) or BEIR qrels.tsv; .gz accepted
  --run <file>     TREC run (qid Q0 docid rank score tag); .gz accepted
  -c               qrels queries missing from the run score 0 and count in the mean
  -q               also print each query's values (before the "all" lines)
  -l <level>       minimum grade counted relevant by binary measures (default 1)
  --k <list>       cutoffs for P, recall and nDCG, comma-separated (default trec_eval's)
  --json           print {"all": {measure: value}, "per_query": {qid: {measure: value}}}
                   with full-precision numbers (per_query is always included)
  -h, --help       this text
`;

/** Measure names in trec_eval's print order (num_q is first, in "all" only). */
export function trecEvalMeasureNames(cutoffs: readonly number[] = TREC_EVAL_CUTOFFS): string[] {
	return [
		'num_ret',
		'num_rel',
		'num_rel_ret',
		'map',
		'Rprec',
		'recip_rank',
		...cutoffs.map((k) => `P_${k}`),
		...cutoffs.map((k) => `recall_${k}`),
		...cutoffs.map((k) => `ndcg_cut_${k}`)
	];
}

/**
 * `assay metrics`: see {@link METRICS_USAGE}. Returns the exit code.
 * @throws UsageError for bad arguments; AssayError `DATASET_INVALID`/`FILE_READ` for bad files,
 *   and when no query is shared by run and qrels (never a NaN mean).
 */
export async function metricsCommand(argv: readonly string[], io: CliIo): Promise<number> {
	const values = parseOptions(argv, {
		qrels: { type: 'string' },
		run: { type: 'string' },
		c: { type: 'boolean', short: 'c' },
		q: { type: 'boolean', short: 'q' },
		l: { type: 'string', short: 'l' },
		k: { type: 'string' },
		json: { type: 'boolean' },
		help: { type: 'boolean', short: 'h' }
	});
	if (values.help) {
		io.stdout(METRICS_USAGE);
		return EXIT_OK;
	}
	const qrelsPath = stringOption(values, 'qrels');
	const runPath = stringOption(values, 'run');
	const levelText = stringOption(values, 'l', '1');
	if (!/^-?\d+$/.test(levelText)) throw new UsageError(`-l must be an integer grade, received "${levelText}"`);
	const cutoffs = values.k === undefined ? TREC_EVAL_CUTOFFS : parseCutoffs(stringOption(values, 'k'));
	const evaluation = evaluateRun(parseQrels(readTextFile(qrelsPath), qrelsPath), parseRun(readTextFile(runPath), runPath), {
		cutoffs,
		includeMissingQueries: values.c === true,
		relevanceLevel: Number(levelText)
	});
	io.stdout(values.json ? formatJson(evaluation, cutoffs) : formatText(evaluation, values.q === true, cutoffs));
	return EXIT_OK;
}

/**
 * Cutoffs from `--k`: positive integers separated by commas, duplicates dropped, order kept.
 * @throws UsageError for anything else (e.g. `ten`, `0`, `5,`).
 */
export function parseCutoffs(text: string): number[] {
	if (!/^\d+(,\d+)*$/.test(text) || text.split(',').some((k) => Number(k) < 1)) {
		throw new UsageError(`--k must be positive integers separated by commas, received "${text}"`);
	}
	return [...new Set(text.split(',').map(Number))];
}

/** The JSON form: numbers as JavaScript prints them (shortest round-trip), counts as integers. */
export function formatJson(evaluation: RunEvaluation, cutoffs: readonly number[] = TREC_EVAL_CUTOFFS): string {
	const names = ['num_q', ...trecEvalMeasureNames(cutoffs)];
	const pick = (m: Readonly<Record<string, number>>, withQ: boolean) =>
		Object.fromEntries(names.filter((n) => withQ || n !== 'num_q').map((n) => [n, m[n] ?? 0]));
	const perQuery: Record<string, Record<string, number>> = {};
	for (const [qid, m] of evaluation.perQuery) perQuery[qid] = pick(m, false);
	return `${JSON.stringify({ all: pick(evaluation.summary, true), per_query: perQuery }, null, 1)}\n`;
}

/** trec_eval's text form: `%-22s\t%s\t%.4f` per measure, counts as integers. */
export function formatText(evaluation: RunEvaluation, perQuery: boolean, cutoffs: readonly number[] = TREC_EVAL_CUTOFFS): string {
	const names = trecEvalMeasureNames(cutoffs);
	const line = (name: string, scope: string, value: number) =>
		`${name.padEnd(22)}\t${scope}\t${name.startsWith('num_') ? String(value) : value.toFixed(4)}\n`;
	let out = '';
	if (perQuery) {
		for (const [qid, m] of evaluation.perQuery) for (const name of names) out += line(name, qid, m[name] ?? 0);
	}
	out += line('num_q', 'all', evaluation.queryCount);
	for (const name of names) out += line(name, 'all', evaluation.summary[name] ?? 0);
	return out;
}
