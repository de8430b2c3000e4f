/**
 * Vector index side by side: Voy (voy-search 0.6.3 through our adapter, with its guards) vs the
 * exact flat scan, at 1k, 10k and 50k random unit vectors of 384 dimensions: build time, query
 * latency p50/p95 (k = 10, 200 queries), memory (JS heap + wasm memory growth), recall@10 of
 * Voy's raw neighbours against the exact top-10, and — at the sizes where it is affordable —
 * Voy's JSON serialise size and parse time, to check that rebuilding from stored vectors beats
 * parsing the serialisation.
 *
 *   npx tsx bench/vector/run.ts [--sizes 1000,10000,50000] [--dims 384]
 *
 * Not part of the test suite; numbers depend on the machine.
 */
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createVoyIndex, type VoyInstance } from '../../src/lib/adapters/voy-index.ts';
import { loadVoyInNode } from '../../src/lib/adapters/voy-node.ts';
import { ExactVectorIndex, type VectorIndex, type VectorItem } from '../../src/lib/search/vector/index.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const { values } = parseArgs({
	options: {
		sizes: { type: 'string', default: '1000,10000,50000' },
		dims: { type: 'string', default: '384' },
		queries: { type: 'string', default: '200' }
	}
});
const sizes = values.sizes!.split(',').map(Number);
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

function vectors(n: number, seed: number): VectorItem[] {
	const rand = rng(seed);
	return Array.from({ length: n }, (_, i) => ({ id: `c${i}`, vector: Float32Array.from({ length: dims }, rand) }));
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function memoryMiB(): number {
	gc();
	const m = process.memoryUsage();
	return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
}

interface Row {
	engine: string;
	n: number;
	buildMs: number;
	p50Ms: number;
	p95Ms: number;
	memMiB: number;
	recall10: number | null;
	jsonMiB: number | null;
	parseMs: number | null;
}

const Voy = await loadVoyInNode();
const rows: Row[] = [];
for (const n of sizes) {
	const items = vectors(n, n);
	const queries = vectors(queryCount, 7).map((q) => q.vector);
	const run = (engine: string, make: () => VectorIndex) => {
		const before = memoryMiB();
		const t0 = performance.now();
		const index = make();
		index.add(items);
		const buildMs = performance.now() - t0;
		const memMiB = memoryMiB() - before;
		const times: number[] = [];
		for (const q of queries) {
			const s = performance.now();
			index.search(q, 10);
			times.push(performance.now() - s);
		}
		times.sort((a, b) => a - b);
		return {
			index,
			row: {
				engine,
				n,
				buildMs,
				p50Ms: percentile(times, 50),
				p95Ms: percentile(times, 95),
				memMiB,
				recall10: null,
				jsonMiB: null,
				parseMs: null
			} as Row
		};
	};
	const exact = run('exact scan', () => new ExactVectorIndex(dims));
	rows.push(exact.row);
	const voy = run('voy (guarded)', () => createVoyIndex(Voy, dims));
	let hits = 0;
	for (const q of queries.slice(0, 50)) {
		const truth = new Set((exact.index as ExactVectorIndex).search(q, 10).map((h) => h.id));
		for (const id of (voy.index as ReturnType<typeof createVoyIndex>).rawNeighbours(q, 10)) if (truth.has(id)) hits++;
	}
	voy.row.recall10 = hits / (50 * 10);
	if (n <= 10_000) {
		const inner = (voy.index as unknown as { voy: VoyInstance & { serialize(): string } }).voy;
		const json = inner.serialize();
		voy.row.jsonMiB = json.length / 2 ** 20;
		const t = performance.now();
		(Voy as unknown as { deserialize(s: string): VoyInstance }).deserialize(json).free();
		voy.row.parseMs = performance.now() - t;
	}
	rows.push(voy.row);
	(voy.index as ReturnType<typeof createVoyIndex>).dispose();
	console.error(`done n=${n}`);
}

const f = (x: number | null, d = 1) => (x === null ? '—' : x.toFixed(d));
console.log(`\n${dims}-d random unit vectors, k = 10, ${queryCount} queries, Node ${process.version}\n`);
console.log('| index | vectors | build ms | query p50 ms | query p95 ms | memory MiB | recall@10 vs exact | JSON MiB | JSON parse ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows)
	console.log(
		`| ${r.engine} | ${r.n} | ${f(r.buildMs, 0)} | ${f(r.p50Ms, 2)} | ${f(r.p95Ms, 2)} | ${f(r.memMiB)} | ${f(r.recall10, 3)} | ${f(r.jsonMiB)} | ${f(r.parseMs, 0)} |`
	);
