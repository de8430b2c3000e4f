/**
 * BM25 index build, before and after, in one run: today's `Bm25Index` + `english` analyzer
 * against the same code at a baseline commit (default: the parent of the commit that brought
 * the own Porter stemmer, i.e. snowball-stemmers' `porter`, a stem Map and a tf Map per item).
 * The baseline sources are extracted with `git archive` under `bench/out/` (git-ignored) and
 * imported side by side. Builds alternate (baseline, current, …) so machine noise hits both;
 * the ratio is of medians. The runs must be identical: every test query's top 1000 (ids and
 * scores) from both indexes is compared and any difference fails the bench.
 *
 *   npx tsx bench/bm25/build.ts [--data <datasets dir>] [--reps 7] [--baseline <commit>]
 *
 * Not part of the test suite; numbers depend on the machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadBeirDataset, type BeirDocument } from '../../src/cli/beir-files.ts';
import * as current from '../../src/lib/search/index.ts';
import { recordFigures } from '../figures.ts';

const STEMMER_COMMIT = '15b0d5c';

type SearchModule = typeof current;

async function loadBaseline(commit: string): Promise<SearchModule> {
	const rev = execFileSync('git', ['rev-parse', '--short', commit], { encoding: 'utf8' }).trim();
	const dir = resolve('bench/out', `baseline-${rev}`);
	if (!existsSync(join(dir, 'src/lib/search/index.ts'))) {
		mkdirSync(dir, { recursive: true });
		execFileSync('sh', ['-c', `git archive ${rev} src/lib | tar -x -C "${dir}"`]);
	}
	return (await import(pathToFileURL(join(dir, 'src/lib/search/index.ts')).href)) as SearchModule;
}

function build(mod: SearchModule, docs: readonly BeirDocument[]): { ms: number; index: current.Bm25Index } {
	const t0 = performance.now();
	const index = new mod.Bm25Index({ k1: 0.9, b: 0.4 }, mod.createAnalyzer('english')) as current.Bm25Index;
	for (const d of docs) index.add(d.id, `${d.title} ${d.text}`);
	index.stats(); // ready to search: the current index settles its pending postings here
	return { ms: performance.now() - t0, index };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
	const { values } = parseArgs({ options: { data: { type: 'string' }, reps: { type: 'string' }, baseline: { type: 'string' } } });
	const candidates = values.data ? [values.data] : ['../shared/datasets', 'tests/fixtures/datasets'];
	const dataDir = candidates.map((d) => resolve(d)).find((d) => existsSync(join(d, 'scifact')));
	if (!dataDir) throw new Error(`No scifact folder under ${candidates.join(' or ')}`);
	const data = loadBeirDataset(join(dataDir, 'scifact'));
	const reps = Number(values.reps ?? 7);
	const baseline = await loadBaseline(values.baseline ?? `${STEMMER_COMMIT}^`);
	console.log(`# BM25 build — scifact (${data.corpus.length} docs), ${reps} alternating builds each, Node ${process.version}\n`);

	const times = { baseline: [] as number[], current: [] as number[] };
	let last: { baseline?: current.Bm25Index; current?: current.Bm25Index } = {};
	for (let r = 0; r < reps + 1; r++) {
		const b = build(baseline, data.corpus);
		const c = build(current, data.corpus);
		if (r > 0) {
			times.baseline.push(b.ms);
			times.current.push(c.ms);
		}
		last = { baseline: b.index, current: c.index };
	}
	const queries = data.queries.filter((q) => data.qrels?.has(q.id));
	let compared = 0;
	for (const q of queries) {
		const a = last.baseline?.search(q.text, { topK: 1000 }) ?? [];
		const b = last.current?.search(q.text, { topK: 1000 }) ?? [];
		if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`Runs differ for query ${q.id}`);
		compared += a.length;
	}
	const mb = median(times.baseline);
	const mc = median(times.current);
	console.log('| build | median ms | min ms | docs/s |');
	console.log('|---|---:|---:|---:|');
	for (const [name, xs] of [
		['baseline (' + (values.baseline ?? `${STEMMER_COMMIT}^`) + ')', times.baseline],
		['current', times.current]
	] as const) {
		console.log(
			`| ${name} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${((data.corpus.length / median(xs)) * 1000).toFixed(0)} |`
		);
	}
	console.log(`\nspeed-up baseline/current: ${(mb / mc).toFixed(2)}× (target ≥ 3×)`);
	console.log(`runs identical: ${queries.length} queries, ${compared} hits (ids and scores) equal`);
	recordFigures('bm25-build', [
		{
			name: 'BM25 build SciFact, speed-up vs before the own stemmer',
			value: mb / mc,
			unit: '×',
			target: { op: '>=', value: 3 },
			note: `runs identical on ${queries.length} queries`
		},
		{ name: 'BM25 build SciFact, median', value: mc, unit: 'ms', note: `${data.corpus.length} docs` }
	]);
}

await main();
