/**
 * Vector search side by side, in one run on this machine:
 *
 * 1. The exact scan at 50k × 384 (random unit vectors, k = 10): the read-only memory stream of
 *    the same matrix (the hardware floor of any scan), today's scan before the SIMD kernel
 *    (bench/vector/legacy-exact.ts), the JS fallback, the SIMD f32 scan, the SIMD int8 scan
 *    with exact rescoring (and its recall@10 against f32), and Voy through our adapter.
 * 2. The HNSW graph at 100k × 384 clustered vectors: build time, recall@10 against the exact
 *    scan and query p50/p95 at several `efSearch`, next to the exact scan at the same size —
 *    the numbers behind `HNSW_AUTO_MIN_VECTORS`.
 *
 *   npx tsx bench/vector/run.ts [--scan-n 50000] [--graph-n 100000] [--dims 384] [--queries 200] [--no-voy]
 *
 * Not part of the test suite; numbers depend on the machine and what else runs on it.
 */
import { parseArgs } from 'node:util';
import { createVoyIndex } from '../../src/lib/adapters/voy-index.ts';
import { loadVoyInNode } from '../../src/lib/adapters/voy-node.ts';
import {
	DEFAULT_HNSW_PARAMS,
	ExactVectorIndex,
	HnswIndex,
	l2Normalize,
	VectorMatrix,
	type VectorIndex,
	type VectorItem
} from '../../src/lib/search/vector/index.ts';
import { recordFigures, type Figure } from '../figures.ts';
import { LegacyExactVectorIndex } from './legacy-exact.ts';

const { values } = parseArgs({
	options: {
		'scan-n': { type: 'string', default: '50000' },
		'graph-n': { type: 'string', default: '100000' },
		dims: { type: 'string', default: '384' },
		queries: { type: 'string', default: '200' },
		'no-voy': { type: 'boolean', default: false }
	}
});
const scanN = Number(values['scan-n']);
const graphN = Number(values['graph-n']);
const dims = Number(values.dims);
const queryCount = Number(values.queries);

function rng(seed: number): () => number {
	let t = seed;
	return () => {
		t = (t + 0x6d2b79f5) | 0;
		let r = Math.imul(t ^ (t >>> 15), 1 | t);
		r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
		return ((r ^ (r >>> 14)) >>> 0) / 4294967296 - 0.5;
	};
}

function randomItems(n: number, seed: number, prefix = 'c'): VectorItem[] {
	const rand = rng(seed);
	return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, vector: Float32Array.from({ length: dims }, rand) }));
}

/**
 * Clustered vectors, like embeddings of documents on topics: `clusters` random unit centres
 * (seed `centreSeed`), each vector a centre plus uniform noise of norm ≈ 0.75 (cosine to its
 * centre ≈ 0.8, to a sibling ≈ 0.64, to another cluster ≈ 0). Queries use the same centres
 * with noise from another seed, so they are new points near the data, not copies of it.
 */
function clusteredItems(n: number, clusters: number, centreSeed: number, noiseSeed: number, prefix = 'c'): VectorItem[] {
	const centreRand = rng(centreSeed);
	const centres = Array.from({ length: clusters }, () => l2Normalize(Float32Array.from({ length: dims }, centreRand)));
	const rand = rng(noiseSeed);
	const amplitude = 0.75 * 2 * Math.sqrt(3 / dims);
	return Array.from({ length: n }, (_, i) => ({
		id: `${prefix}${i}`,
		vector: Float32Array.from(centres[(i * 7919) % clusters]!, (x) => x + amplitude * rand())
	}));
}

function percentile(sorted: readonly number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Query latencies (ms, sorted) of `search` over `queries`, after 10 warm-up queries. */
function latencies(queries: readonly Float32Array[], search: (q: Float32Array) => unknown): number[] {
	for (const q of queries.slice(0, 10)) search(q);
	const times = queries.map((q) => {
		const t = performance.now();
		search(q);
		return performance.now() - t;
	});
	return times.sort((a, b) => a - b);
}

function recall(truth: readonly (readonly string[])[], got: readonly (readonly string[])[]): number {
	let hits = 0;
	let wanted = 0;
	truth.forEach((t, i) => {
		const set = new Set(got[i]);
		wanted += t.length;
		for (const id of t) if (set.has(id)) hits++;
	});
	return hits / wanted;
}

interface Row {
	readonly what: string;
	readonly n: number;
	readonly buildMs: number | null;
	readonly p50: number;
	readonly p95: number;
	readonly recall: number | null;
	readonly note: string;
}
const rows: Row[] = [];
const f = (x: number | null, d = 2) => (x === null ? '—' : x.toFixed(d));

function measure(what: string, n: number, build: () => VectorIndex, queries: Float32Array[], truth?: string[][], note = ''): VectorIndex {
	const t = performance.now();
	const index = build();
	const buildMs = performance.now() - t;
	const times = latencies(queries, (q) => index.search(q, 10));
	const got = truth ? queries.map((q) => index.search(q, 10).map((h) => h.id)) : null;
	rows.push({
		what,
		n,
		buildMs,
		p50: percentile(times, 50),
		p95: percentile(times, 95),
		recall: got && truth ? recall(truth, got) : null,
		note
	});
	console.error(`  ${what}: p50 ${percentile(times, 50).toFixed(2)} ms`);
	return index;
}

// 1. The exact scan at scanN.
console.error(`scan: ${scanN} × ${dims} random unit vectors`);
const scanItems = randomItems(scanN, 1);
const scanQueries = randomItems(queryCount, 2, 'q').map((q) => q.vector);
const stream = new VectorMatrix(dims);
stream.reserve(scanN);
for (const item of scanItems) stream.push(l2Normalize(item.vector));
const streamTimes = latencies(scanQueries, () => stream.stream());
rows.push({
	what: 'memory stream (read-only, SIMD)',
	n: scanN,
	buildMs: null,
	p50: percentile(streamTimes, 50),
	p95: percentile(streamTimes, 95),
	recall: null,
	note: `${((scanN * stream.rowBytes) / 2 ** 20).toFixed(1)} MiB`
});
const simd = measure(
	'exact scan, SIMD f32',
	scanN,
	() => withItems(new ExactVectorIndex(dims), scanItems),
	scanQueries
) as ExactVectorIndex;
const truth = scanQueries.map((q) => simd.search(q, 10).map((h) => h.id));
measure('exact scan, before (JS, float64)', scanN, () => withItems(new LegacyExactVectorIndex(dims), scanItems), scanQueries, truth);
measure('exact scan, JS fallback', scanN, () => withItems(new ExactVectorIndex(dims, { backend: 'js' }), scanItems), scanQueries, truth);
measure(
	'exact scan, SIMD int8 + f32 rescoring of 40',
	scanN,
	() => withItems(new ExactVectorIndex(dims, { quantization: 'int8' }), scanItems),
	scanQueries,
	truth
);
if (!values['no-voy']) {
	const Voy = await loadVoyInNode();
	const voy = measure(
		'Voy 0.6.3 (guarded adapter)',
		scanN,
		() => withItems(createVoyIndex(Voy, dims), scanItems),
		scanQueries.slice(0, 50),
		truth.slice(0, 50)
	);
	(voy as ReturnType<typeof createVoyIndex>).dispose();
}

function withItems<T extends VectorIndex>(index: T, items: readonly VectorItem[]): T {
	index.add(items);
	return index;
}

// 2. The graph at graphN.
console.error(`graph: ${graphN} × ${dims} clustered vectors`);
const clusters = Math.max(10, Math.round(graphN / 100));
const graphItems = clusteredItems(graphN, clusters, 3, 4);
const graphQueries = clusteredItems(queryCount, clusters, 3, 5, 'q').map((q) => q.vector);
const exactBig = measure('exact scan, SIMD f32', graphN, () => withItems(new ExactVectorIndex(dims), graphItems), graphQueries);
const graphTruth = graphQueries.map((q) => exactBig.search(q, 10).map((h) => h.id));
const hnsw = new HnswIndex(dims);
hnsw.add(graphItems);
const linkStart = performance.now();
hnsw.link();
const linkMs = performance.now() - linkStart;
let defaultRow: Row | null = null;
for (const efSearch of [32, 64, 96, 128]) {
	const index = HnswIndex.restore(hnsw.snapshot()!, (id) => graphItems[Number(id.slice(1))]!.vector)!;
	(index as unknown as { params: object }).params = { ...index.params, efSearch };
	const times = latencies(graphQueries, (q) => index.search(q, 10));
	const got = graphQueries.map((q) => index.search(q, 10).map((h) => h.id));
	const row: Row = {
		what: `HNSW M=${DEFAULT_HNSW_PARAMS.m} efConstruction=${DEFAULT_HNSW_PARAMS.efConstruction} efSearch=${efSearch}`,
		n: graphN,
		buildMs: linkMs,
		p50: percentile(times, 50),
		p95: percentile(times, 95),
		recall: recall(graphTruth, got),
		note: efSearch === DEFAULT_HNSW_PARAMS.efSearch ? 'default' : ''
	};
	rows.push(row);
	if (efSearch === DEFAULT_HNSW_PARAMS.efSearch) defaultRow = row;
	console.error(`  efSearch ${efSearch}: recall ${row.recall!.toFixed(4)}, p50 ${row.p50.toFixed(3)} ms`);
}

console.log(`\n${dims}-d vectors, k = 10, ${queryCount} queries (Voy: 50), Node ${process.version}\n`);
console.log('| index | vectors | build ms | query p50 ms | query p95 ms | recall@10 vs exact | note |');
console.log('|---|---:|---:|---:|---:|---:|---|');
for (const r of rows)
	console.log(`| ${r.what} | ${r.n} | ${f(r.buildMs, 0)} | ${f(r.p50, 3)} | ${f(r.p95, 3)} | ${f(r.recall, 4)} | ${r.note} |`);

const p50Of = (what: string, n: number) => rows.find((r) => r.what === what && r.n === n)!.p50;
const simdP50 = p50Of('exact scan, SIMD f32', scanN);
const streamP50 = p50Of('memory stream (read-only, SIMD)', scanN);
const legacyP50 = p50Of('exact scan, before (JS, float64)', scanN);
const int8Row = rows.find((r) => r.what.startsWith('exact scan, SIMD int8'))!;
console.log(
	`\nexact SIMD / memory stream: ${(simdP50 / streamP50).toFixed(2)}×; before / SIMD: ${(legacyP50 / simdP50).toFixed(1)}×; int8 / f32: ${(int8Row.p50 / simdP50).toFixed(2)}× at recall ${int8Row.recall!.toFixed(4)}`
);
console.log(
	`HNSW build ${(linkMs / 1000).toFixed(1)} s (${(linkMs / graphN).toFixed(2)} ms per vector); exact scan at ${graphN}: p50 ${p50Of('exact scan, SIMD f32', graphN).toFixed(2)} ms`
);

const figures: Figure[] = [
	{
		name: `exact top-10 at ${scanN} × ${dims}, p50 / read-only memory stream`,
		value: simdP50 / streamP50,
		unit: '×',
		target: { op: '<=', value: 2 }
	},
	{
		name: `exact top-10 at ${scanN} × ${dims}, speed-up vs the scan before`,
		value: legacyP50 / simdP50,
		unit: '×',
		target: { op: '>=', value: 3 }
	},
	{ name: `exact top-10 at ${scanN} × ${dims}, SIMD f32 p50`, value: simdP50, unit: 'ms' },
	{
		name: `int8 + rescoring at ${scanN}, recall@10 vs f32`,
		value: int8Row.recall!,
		unit: 'recall@10',
		note: `p50 ${int8Row.p50.toFixed(2)} ms`
	},
	{
		name: `HNSW at ${graphN} clustered, recall@10 vs exact`,
		value: defaultRow!.recall!,
		unit: 'recall@10',
		target: { op: '>=', value: 0.99 }
	},
	{ name: `HNSW at ${graphN} clustered, query p50`, value: defaultRow!.p50, unit: 'ms', target: { op: '<=', value: 1 } },
	{
		name: `HNSW at ${graphN}, build time`,
		value: linkMs / 1000,
		unit: 's',
		note: `${(linkMs / graphN).toFixed(2)} ms per vector, one core`
	}
];
recordFigures('vector', figures);
