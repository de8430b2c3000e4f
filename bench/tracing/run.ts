/**
 * Tracing overhead on search: SciFact lexical (BM25) search through `searchHybrid` — the
 * function every `LibraryService.search` runs — with three tracers, interleaved in one run:
 *
 * - `off`: a tracer that builds nothing (an inert span; bench-local, the floor);
 * - `noopTracer`: the shipped `BasicTracer([])` (ids, clock and copies, no sink);
 * - `on`: `BasicTracer([IdbSpanSink(store.spans, { maxStoredSpans: 5000 })])`, exactly what the
 *   library wires, with spans batched into IndexedDB (fake-indexeddb, the same store the chunks
 *   are read from, so the flushes compete with search on the same thread).
 *
 * Every query of every repetition runs once per tracer, back to back, in an order that cycles
 * through every permutation, so load and GC pressure are shared. Reports p50/p95 per tracer,
 * the p50 ratios with a paired bootstrap 95 % interval, and the cost of one span measured
 * directly (hot path: startSpan + setAttributes + end; and the IndexedDB flush per span).
 *
 *   npx tsx bench/tracing/run.ts [--reps 10] [--per-round 2000] [--rounds 40]
 *
 * Writes bench/out/tracing.json. Not part of the test suite; numbers depend on the machine.
 */
import 'fake-indexeddb/auto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IDBFactory } from 'fake-indexeddb';
import { createLibraryServiceWithInternals } from '../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../src/lib/services/eval-service.ts';
import { searchHybrid, type HybridContext } from '../../src/lib/services/hybrid-searcher.ts';
import { IdbSpanSink } from '../../src/lib/storage/index.ts';
import { BasicTracer, noopTracer, type Span, type Tracer } from '../../src/lib/tracing/index.ts';
import { LegacyBasicTracer } from './legacy-tracer.ts';
import { bootstrapMedian, bootstrapMedianRatio, median, percentile } from './stats.ts';

const root = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({
	options: {
		reps: { type: 'string', default: '10' },
		'per-round': { type: 'string', default: '2000' },
		rounds: { type: 'string', default: '40' }
	}
});
const reps = Number(values.reps);
const perRound = Number(values['per-round']);
const rounds = Number(values.rounds);

/** A span that records nothing and allocates nothing. */
const inertSpan: Span = {
	traceId: '0'.repeat(32),
	spanId: '0'.repeat(16),
	setAttribute: () => {},
	setAttributes: () => {},
	addEvent: () => {},
	setError: () => {},
	end: () => {}
};
const offTracer: Tracer = { startSpan: () => inertSpan };

// ---- Workspace: SciFact, one chunk per document, on fake-indexeddb ----
const scifact = join(root, 'tests', 'fixtures', 'datasets', 'scifact');
const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory() });
const svc = combineApis(api, createEvalService(api, internals));
let t0 = performance.now();
const imported = await svc.importBeirFolder({
	name: 'scifact',
	corpus: new Blob([readFileSync(join(scifact, 'corpus.jsonl.gz'))]),
	corpusGzipped: true,
	queries: new Blob([readFileSync(join(scifact, 'queries.jsonl'))]),
	qrels: new Blob([readFileSync(join(scifact, 'qrels.tsv'))]),
	analyzer: 'english'
});
const importMs = performance.now() - t0;
const workspaceId = imported.workspace.id;
const store = await internals.store();
const index = await internals.loadedIndex(workspaceId);
const config = await api.workspaceConfig(workspaceId);
const acls = await internals.access(workspaceId);
const queries = imported.goldenSet.cases.map((c) => c.query);
const sink = new IdbSpanSink(store.spans, { maxStoredSpans: 5000 });
const arms: { name: string; tracer: Tracer }[] = [
	{ name: 'off (inert tracer)', tracer: offTracer },
	{ name: 'noopTracer (BasicTracer, no sink)', tracer: noopTracer },
	{ name: 'on (BasicTracer + IdbSpanSink)', tracer: new BasicTracer([sink]) },
	{ name: 'on, tracer before the fix (913d2f7)', tracer: new LegacyBasicTracer([sink]) }
];
const contexts: HybridContext[] = arms.map((arm) => ({
	store,
	index,
	config,
	tracer: arm.tracer,
	acls,
	vectors: async () => null,
	embedder: null,
	reranker: null
}));
const search = (arm: number, query: string) => searchHybrid(contexts[arm]!, { workspaceId, query, topK: 10, mode: 'lexical' });

/** Every order of the arms, so each arm runs first, second… equally often. */
function allOrders(items: readonly number[]): number[][] {
	if (items.length <= 1) return [[...items]];
	return items.flatMap((x, i) => allOrders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
}
const permutations = allOrders(arms.map((_, i) => i));

// ---- Search latency, interleaved ----
const loadBefore = loadavg();
for (const q of queries.slice(0, 50)) for (let a = 0; a < arms.length; a++) await search(a, q); // warm-up
const latencies: number[][] = arms.map(() => []);
let pair = 0;
t0 = performance.now();
for (let rep = 0; rep < reps; rep++) {
	for (const q of queries) {
		const order = permutations[pair++ % permutations.length]!;
		for (const a of order) {
			const t = performance.now();
			await search(a, q);
			latencies[a]!.push(performance.now() - t);
		}
	}
}
const searchSeconds = (performance.now() - t0) / 1000;
await sink.flush();
const stored = (await store.spans.listRecent(10_000)).filter((s) => s.name === 'search').length;
const loadAfter = loadavg();

// ---- Cost of one span, measured directly (same shape as the search span) ----
function spanLoop(tracer: Tracer, n: number, query: string): number {
	const t = performance.now();
	for (let i = 0; i < n; i++) {
		const span = tracer.startSpan('search', {
			attributes: { 'assay.search.mode': 'lexical', 'assay.search.top_k': 10, 'assay.search.query_chars': query.length }
		});
		span.setAttributes({ 'assay.search.hits': 10, 'assay.search.query_terms': 7, 'assay.search.depth': 100, 'assay.search.rrf_k': 60 });
		span.end();
	}
	return ((performance.now() - t) * 1e6) / n;
}
const spanNs: number[][] = arms.map(() => []);
const flushNs: number[] = [];
for (let a = 0; a < arms.length; a++) spanLoop(arms[a]!.tracer, perRound, queries[0]!); // warm-up
await sink.flush();
for (let r = 0; r < rounds; r++) {
	for (const a of permutations[r % permutations.length]!)
		spanNs[a]!.push(spanLoop(arms[a]!.tracer, perRound, queries[r % queries.length]!));
	const t = performance.now();
	await sink.flush(); // the batched writes the `on` round queued (spans.add + prune to 5000)
	flushNs.push(((performance.now() - t) * 1e6) / (perRound * 2)); // two arms write to the sink
}

// ---- Report ----
const fmt = (x: number, d = 3) => x.toFixed(d);
console.log(`# Tracing overhead on lexical search — SciFact (${imported.documents} documents, ${queries.length} test queries), top 10`);
console.log(
	`Node ${process.version}, ${availableParallelism()} cores; load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} before, ` +
		`${loadAfter.map((x) => x.toFixed(2)).join(' ')} after. Workspace imported into fake-indexeddb in ${(importMs / 1000).toFixed(1)} s (not counted).`
);
console.log(
	`${reps} repetitions × ${queries.length} queries × ${arms.length} tracers, interleaved per query (order cycling through all ${permutations.length} permutations), ` +
		`after 50 warm-up queries each: ${latencies[0]!.length} searches per tracer in ${searchSeconds.toFixed(1)} s. ` +
		`${stored} search spans in IndexedDB at the end (pruned to 5000).\n`
);
console.log(
	'| tracer | search p50 ms | search p95 ms | p50 ratio vs off [95 % CI] | median paired difference vs off, µs [95 % CI] | one span, hot path ns (median of rounds) |'
);
console.log('|---|---:|---:|---:|---:|---:|');
const summary = arms.map((arm, a) => {
	const sorted = [...latencies[a]!].sort((x, y) => x - y);
	const ratio = a === 0 ? null : bootstrapMedianRatio(latencies[a]!, latencies[0]!, { seed: 7 });
	const diff =
		a === 0
			? null
			: bootstrapMedian(
					latencies[a]!.map((x, i) => (x - latencies[0]![i]!) * 1000),
					{ seed: 7 }
				);
	const row = {
		tracer: arm.name,
		p50Ms: percentile(sorted, 50),
		p95Ms: percentile(sorted, 95),
		ratio,
		diffUs: diff,
		spanNs: median(spanNs[a]!)
	};
	console.log(
		`| ${row.tracer} | ${fmt(row.p50Ms)} | ${fmt(row.p95Ms)} | ${ratio ? `${fmt(ratio.ratio, 4)} [${fmt(ratio.low, 4)}, ${fmt(ratio.high, 4)}]` : '1'} | ` +
			`${diff ? `${fmt(diff.median, 1)} [${fmt(diff.low, 1)}, ${fmt(diff.high, 1)}]` : '—'} | ${fmt(row.spanNs, 0)} |`
	);
	return row;
});
const onVsNoop = bootstrapMedianRatio(latencies[2]!, latencies[1]!, { seed: 7 });
const onVsOff = summary[2]!.ratio!;
const onDiff = summary[2]!.diffUs!;
const offP50Us = summary[0]!.p50Ms * 1000;
console.log(
	`\non / noopTracer p50: ${fmt(onVsNoop.ratio, 4)} [${fmt(onVsNoop.low, 4)}, ${fmt(onVsNoop.high, 4)}]. ` +
		`IndexedDB flush (spans.add + prune to 5000 on fake-indexeddb, in a timer, not inside a search): ${fmt(median(flushNs), 0)} ns per span.`
);
console.log(
	`Recording spans: search p50 ratio on/off ${fmt(onVsOff.ratio, 4)} (95 % CI ${fmt(onVsOff.low, 4)}–${fmt(onVsOff.high, 4)}); ` +
		`median paired difference ${fmt(onDiff.median, 1)} µs (${fmt(onDiff.low, 1)} to ${fmt(onDiff.high, 1)}) = ` +
		`${fmt((onDiff.median / offP50Us) * 100, 2)} % of the off p50 (${fmt((onDiff.high / offP50Us) * 100, 2)} % at the interval's top); ` +
		`one span ${fmt(summary[2]!.spanNs - summary[0]!.spanNs, 0)} ns on the hot path = ` +
		`${fmt(((summary[2]!.spanNs - summary[0]!.spanNs) / 1e3 / offP50Us) * 100, 3)} % of the off p50. ` +
		`${onVsOff.high < 1.01 ? 'Under 1 % (the ratio interval’s top is below 1.01).' : 'The ratio interval reaches 1.01 or more.'}`
);
mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(
	join(root, 'bench', 'out', 'tracing.json'),
	JSON.stringify(
		{ node: process.version, loadBefore, loadAfter, reps, queries: queries.length, summary, onVsNoop, flushNsPerSpan: median(flushNs) },
		null,
		2
	)
);
