/**
 * BM25 side by side: Assay's Bm25Index vs MiniSearch and Orama on SciFact (same documents,
 * same queries): index build time, query latency p50/p95, heap used by the index, nDCG@10.
 * Then Assay's nDCG@10 on SciFact (english) and autorag_ko (cjk) against the reference runs.
 *
 *   npx tsx bench/bm25/run.ts [--data <datasets dir>]
 *
 * Data: `--data`, else `../shared/datasets`, else `tests/fixtures/datasets` (SciFact only).
 * Not part of the test suite; numbers depend on the machine.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadBeirDataset, type BeirDataset } from '../../src/cli/beir-files.ts';
import { evaluateRun, runBm25, type Qrels, type RunEntry } from '../../src/lib/evals/index.ts';
import { createAnalyzer } from '../../src/lib/search/index.ts';
import { assayEngine, miniSearchEngine, oramaEngine, type Engine } from './engines.ts';

// Expose V8's gc() without needing `node --expose-gc`, so heap deltas are measured after a full collection.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Row {
	name: string;
	buildMs: number;
	p50Ms: number;
	p95Ms: number;
	heapMiB: number;
	ndcg10: number;
}

function percentile(sorted: readonly number[], p: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function heapUsed(): number {
	gc();
	gc();
	return process.memoryUsage().heapUsed;
}

async function measure(engine: Engine, data: BeirDataset, qrels: Qrels): Promise<Row> {
	const before = heapUsed();
	const t0 = performance.now();
	await engine.build(data.corpus);
	const buildMs = performance.now() - t0;
	const heapMiB = (heapUsed() - before) / 2 ** 20;
	const queries = data.queries.filter((q) => qrels.has(q.id));
	for (const q of queries.slice(0, 20)) await engine.search(q.text, 10); // warm-up
	const latencies: number[] = [];
	const run = new Map<string, RunEntry[]>();
	for (const q of queries) {
		const t = performance.now();
		const hits = await engine.search(q.text, 10);
		latencies.push(performance.now() - t);
		run.set(
			q.id,
			hits.map((h) => ({ docId: h.id, score: h.score }))
		);
	}
	latencies.sort((a, b) => a - b);
	const ndcg10 = evaluateRun(qrels, run, { cutoffs: [10] }).summary.ndcg_cut_10 ?? 0;
	return { name: engine.name, buildMs, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), heapMiB, ndcg10 };
}

function table(rows: readonly Row[]): string {
	const base = rows[0] as Row;
	const ratio = (v: number, b: number) => (b > 0 ? ` (${(v / b).toFixed(2)}×)` : '');
	const lines = ['| engine | build ms | query p50 ms | query p95 ms | heap MiB | nDCG@10 |', '|---|---:|---:|---:|---:|---:|'];
	for (const r of rows) {
		lines.push(
			`| ${r.name} | ${r.buildMs.toFixed(0)}${ratio(r.buildMs, base.buildMs)} | ${r.p50Ms.toFixed(3)}${ratio(r.p50Ms, base.p50Ms)} | ` +
				`${r.p95Ms.toFixed(3)}${ratio(r.p95Ms, base.p95Ms)} | ${r.heapMiB.toFixed(1)}${ratio(r.heapMiB, base.heapMiB)} | ` +
				`${r.ndcg10.toFixed(4)}${ratio(r.ndcg10, base.ndcg10)} |`
		);
	}
	return lines.join('\n');
}

async function assayNdcg(data: BeirDataset, analyzer: 'english' | 'cjk'): Promise<number> {
	const qrels = data.qrels as Qrels;
	const queries = data.queries.filter((q) => qrels.has(q.id));
	const result = await runBm25(data.corpus, queries, { params: { k1: 0.9, b: 0.4 }, analyzer: createAnalyzer(analyzer), depth: 1000 });
	const run = new Map(result.lists.map((l) => [l.queryId, l.hits.map((h) => ({ docId: h.id, score: h.score }))]));
	return evaluateRun(qrels, run, { cutoffs: [10] }).summary.ndcg_cut_10 ?? 0;
}

async function main(): Promise<void> {
	const { values } = parseArgs({ options: { data: { type: 'string' } } });
	const candidates = values.data ? [values.data] : ['../shared/datasets', 'tests/fixtures/datasets'];
	const dataDir = candidates.map((d) => resolve(d)).find((d) => existsSync(join(d, 'scifact')));
	if (!dataDir) throw new Error(`No scifact folder under ${candidates.join(' or ')}`);
	const scifact = loadBeirDataset(join(dataDir, 'scifact'));
	if (!scifact.qrels) throw new Error('scifact has no qrels');
	const judged = scifact.queries.filter((q) => scifact.qrels?.has(q.id)).length;
	console.log(`# BM25 bench — scifact from ${dataDir}: ${scifact.corpus.length} docs, ${judged} test queries, top 10`);
	console.log(`Node ${process.version}; heap = heapUsed delta after gc() around the build (index + anything it keeps).\n`);

	const engines = [
		assayEngine(),
		miniSearchEngine('defaults'),
		miniSearchEngine('assayAnalyzer'),
		oramaEngine('defaults'),
		oramaEngine('assayAnalyzer')
	];
	const rows: Row[] = [];
	const keep: Engine[] = []; // Keep every index alive so later heap deltas are not freed earlier ones.
	for (const engine of engines) {
		rows.push(await measure(engine, scifact, scifact.qrels));
		keep.push(engine);
	}
	console.log(table(rows));
	console.log('\nRatios are relative to Assay (first row).\n');

	console.log('## Assay nDCG@10 vs the reference BM25 runs (depth 1000)');
	console.log(`scifact, english: ${(await assayNdcg(scifact, 'english')).toFixed(4)} (reference 0.677)`);
	const koDir = join(dataDir, 'autorag_ko');
	if (existsSync(koDir)) {
		console.log(`autorag_ko, cjk: ${(await assayNdcg(loadBeirDataset(koDir), 'cjk')).toFixed(4)} (reference 0.925)`);
	} else {
		console.log(`autorag_ko: not found under ${dataDir} (not committed; pass --data ../shared/datasets)`);
	}
	void keep;
}

await main();
