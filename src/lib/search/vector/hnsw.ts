import { compareCodePoints } from '../../shared/ids.ts';
import { ScoredHeap } from './heap.ts';
import { VectorMatrix } from './matrix.ts';
import { assertDims, l2Normalize } from './normalize.ts';
import { selectTop } from './select.ts';
import type { VectorHit, VectorIndex, VectorItem } from './types.ts';

/**
 * Parameters of the HNSW graph (Malkov & Yashunin, "Efficient and robust approximate nearest
 * neighbor search using Hierarchical Navigable Small World graphs", IEEE TPAMI 2020,
 * arXiv:1603.09320). Names as in the paper and hnswlib.
 */
export interface HnswParams {
	/** Links per node on levels ≥ 1 (`M`); level 0 keeps up to `2M` (`Mmax0`). 4–64, default 16. */
	readonly m: number;
	/** Candidate list size while inserting (`efConstruction`), ≥ m. Default 128. */
	readonly efConstruction: number;
	/** Candidate list size while searching (`ef`); the search uses `max(efSearch, k)`. Default 96. */
	readonly efSearch: number;
	/** Seed of the level generator, so a build is reproducible. Default 1. */
	readonly seed: number;
}

/** Defaults measured in bench/vector (recall@10 ≥ 0.99 on clustered 384-d vectors at 100k). */
export const DEFAULT_HNSW_PARAMS: HnswParams = { m: 16, efConstruction: 128, efSearch: 96, seed: 1 };

/** A persisted graph: everything but the vectors, which stay in the embeddings store. */
export interface HnswSnapshot {
	readonly version: 1;
	readonly dims: number;
	readonly params: HnswParams;
	/** Id of each node, in node order. */
	readonly ids: readonly string[];
	readonly levels: Uint8Array;
	readonly degree0: Uint8Array;
	/** Level-0 links, `2m` slots per node. */
	readonly links0: Int32Array;
	/** Upper-level links of the nodes with level ≥ 1, in node order: per level `[count, m slots]`. */
	readonly upper: Int32Array;
	readonly entry: number;
	readonly maxLevel: number;
	readonly randomState: number;
}

/**
 * Approximate nearest neighbours over a hierarchical navigable small-world graph, on the same
 * {@link VectorMatrix} and SIMD kernel as the exact scan (so a hit's similarity is the exact
 * f32 cosine, equal to the exact index's). Insertion is Algorithm 1 of the paper with the
 * neighbour-selection heuristic (Algorithm 4, without extension or kept pruned links, as in
 * hnswlib); search is Algorithms 2 and 5.
 *
 * Rows are stored at `add` and linked into the graph later by {@link link} (a background job
 * in the library worker): until then the unlinked rows are scored exactly on every search,
 * so results never miss a vector that is only waiting. Removal marks a node deleted (it still
 * routes searches); a replaced id gets a new node. Searches that keep fewer than `k` hits
 * after deletions and the `allow` filter fall back to the exact scan, so a filter never
 * silently shortens the list.
 */
export class HnswIndex implements VectorIndex {
	readonly kind = 'hnsw' as const;
	readonly params: HnswParams;
	private readonly matrix: VectorMatrix;
	private readonly m0: number;
	private ids: string[] = [];
	private readonly live = new Map<string, number>();
	private deleted = new Uint8Array(0);
	private deletedCount = 0;
	private levels = new Uint8Array(0);
	private degree0 = new Uint8Array(0);
	private links0 = new Int32Array(0);
	private upper: (Int32Array | undefined)[] = [];
	private linked = 0;
	private entry = -1;
	private maxLevel = -1;
	private visited = new Uint32Array(0);
	private epoch = 0;
	private randomState: number;
	private readonly candidates = new ScoredHeap('max');
	private readonly results = new ScoredHeap('min');

	/** @param dims vector length, a positive integer. */
	constructor(
		readonly dims: number,
		params: Partial<HnswParams> = {}
	) {
		if (!Number.isInteger(dims) || dims <= 0) throw new RangeError(`dims must be a positive integer, got ${dims}.`);
		this.params = { ...DEFAULT_HNSW_PARAMS, ...params };
		const { m, efConstruction } = this.params;
		if (!Number.isInteger(m) || m < 2 || m > 127) throw new RangeError(`HNSW m must be an integer in [2, 127], got ${m}.`);
		if (!(efConstruction >= m)) throw new RangeError(`HNSW efConstruction must be ≥ m, got ${efConstruction}.`);
		this.m0 = 2 * m;
		this.randomState = this.params.seed >>> 0;
		this.matrix = new VectorMatrix(dims);
	}

	size(): number {
		return this.live.size;
	}

	has(id: string): boolean {
		return this.live.has(id);
	}

	/** Rows stored but not yet linked into the graph (scored exactly until {@link link} reaches them). */
	get pending(): number {
		return this.ids.length - this.linked;
	}

	/** Nodes marked deleted (they still route; {@link HnswIndex} is rebuilt when they pile up). */
	get deletedNodes(): number {
		return this.deletedCount;
	}

	/** Bytes of vector memory plus graph arrays. */
	get byteLength(): number {
		let upper = 0;
		for (const u of this.upper) upper += u ? u.byteLength : 0;
		return this.matrix.byteLength + this.links0.byteLength + this.degree0.byteLength + this.levels.byteLength + upper;
	}

	add(items: readonly VectorItem[]): void {
		for (const item of items) assertDims(item.vector, this.dims, `Vector "${item.id}"`);
		this.reserve(this.ids.length + items.length);
		for (const item of items) {
			this.markDeleted(item.id);
			const node = this.matrix.push(l2Normalize(item.vector));
			this.ids.push(item.id);
			this.live.set(item.id, node);
		}
	}

	remove(ids: readonly string[]): void {
		for (const id of ids) this.markDeleted(id);
	}

	/**
	 * Link up to `maxNodes` waiting rows into the graph (about 1 ms per node at 384 dimensions
	 * on a laptop core; bench/vector). Returns how many rows still wait.
	 */
	link(maxNodes = Infinity): number {
		const end = Math.min(this.ids.length, this.linked + maxNodes);
		while (this.linked < end) this.insert(this.linked++);
		return this.pending;
	}

	search(query: Float32Array, k: number, allow?: (id: string) => boolean): VectorHit[] {
		assertDims(query, this.dims, 'The query vector');
		if (k <= 0 || this.live.size === 0) return [];
		this.matrix.setQuery(l2Normalize(query));
		const found = this.graphCandidates(Math.max(this.params.efSearch, k));
		const hits: VectorHit[] = [];
		const keep = (node: number, similarity: number) => {
			if (this.deleted[node] || (allow && !allow(this.ids[node]!))) return;
			hits.push({ id: this.ids[node]!, similarity });
		};
		for (let j = 0; j < found.nodes.length; j++) keep(found.nodes[j]!, found.scores[j]!);
		if (this.pending > 0) {
			const rows = Int32Array.from({ length: this.pending }, (_, j) => this.linked + j);
			const scores = this.matrix.gather(rows);
			for (let j = 0; j < rows.length; j++) keep(rows[j]!, scores[j]!);
		}
		hits.sort((a, b) => b.similarity - a.similarity || compareCodePoints(a.id, b.id));
		if (hits.length < Math.min(k, this.live.size)) return this.exactSearch(k, allow);
		return hits.slice(0, k);
	}

	/** The exact top-k over the same rows (the reference recall is measured against). */
	exactSearch(k: number, allow?: (id: string) => boolean, query?: Float32Array): VectorHit[] {
		if (query) this.matrix.setQuery(l2Normalize(query));
		const scores = this.matrix.scan();
		// Deleted nodes (a replaced id keeps its old node) never compete: NaN is never selected.
		if (this.deletedCount > 0) for (let node = 0; node < this.ids.length; node++) if (this.deleted[node]) scores[node] = NaN;
		const best = selectTop(scores, this.ids.length, k, { idOf: (node) => this.ids[node]!, allow });
		return Array.from(best, (node) => ({ id: this.ids[node]!, similarity: scores[node]! }));
	}

	/** Live ids in node order. */
	liveIds(): string[] {
		return this.ids.filter((_, node) => !this.deleted[node]);
	}

	/** A new index with the live rows only, in node order, none linked yet (compaction after many removals). */
	compacted(): HnswIndex {
		const next = new HnswIndex(this.dims, this.params);
		next.add(this.liveIds().map((id) => ({ id, vector: this.vectorOf(id)! })));
		return next;
	}

	/** The stored unit vector of a live `id` (a copy), or `undefined`. */
	vectorOf(id: string): Float32Array | undefined {
		const node = this.live.get(id);
		return node === undefined ? undefined : this.matrix.row(node);
	}

	/**
	 * The graph for storage, or `null` while rows wait to be linked or deleted nodes remain
	 * (those need vectors the embeddings store no longer holds — such an index is rebuilt).
	 */
	snapshot(): HnswSnapshot | null {
		if (this.pending > 0 || this.deletedCount > 0 || this.entry < 0) return null;
		const n = this.ids.length;
		const parts: Int32Array[] = [];
		for (let node = 0; node < n; node++) if (this.upper[node]) parts.push(this.upper[node]!);
		const upper = new Int32Array(parts.reduce((s, p) => s + p.length, 0));
		let at = 0;
		for (const p of parts) upper.set(p, (at += p.length) - p.length);
		return {
			version: 1,
			dims: this.dims,
			params: this.params,
			ids: [...this.ids],
			levels: this.levels.slice(0, n),
			degree0: this.degree0.slice(0, n),
			links0: this.links0.slice(0, n * this.m0),
			upper,
			entry: this.entry,
			maxLevel: this.maxLevel,
			randomState: this.randomState
		};
	}

	/**
	 * An index from a snapshot and the stored vectors, without rebuilding the graph; `null` when
	 * the snapshot does not fit (another version or dims, or a node's vector is missing).
	 */
	static restore(snapshot: HnswSnapshot, vectorOf: (id: string) => Float32Array | undefined): HnswIndex | null {
		if (snapshot.version !== 1) return null;
		const index = new HnswIndex(snapshot.dims, snapshot.params);
		const n = snapshot.ids.length;
		const vectors: Float32Array[] = [];
		for (const id of snapshot.ids) {
			const v = vectorOf(id);
			if (!v || v.length !== snapshot.dims) return null;
			vectors.push(v);
		}
		index.reserve(n);
		vectors.forEach((v, node) => {
			index.matrix.push(l2Normalize(v));
			index.ids.push(snapshot.ids[node]!);
			index.live.set(snapshot.ids[node]!, node);
		});
		index.levels.set(snapshot.levels);
		index.degree0.set(snapshot.degree0);
		index.links0.set(snapshot.links0);
		let at = 0;
		for (let node = 0; node < n; node++) {
			const level = snapshot.levels[node]!;
			if (level === 0) continue;
			const size = level * (index.params.m + 1);
			index.upper[node] = snapshot.upper.slice(at, at + size);
			at += size;
		}
		index.linked = n;
		index.entry = snapshot.entry;
		index.maxLevel = snapshot.maxLevel;
		index.randomState = snapshot.randomState;
		return index;
	}

	private markDeleted(id: string): void {
		const node = this.live.get(id);
		if (node === undefined) return;
		this.live.delete(id);
		this.deleted[node] = 1;
		this.deletedCount++;
	}

	private reserve(n: number): void {
		this.matrix.reserve(n);
		if (n <= this.levels.length) return;
		const cap = Math.max(n, Math.ceil(this.levels.length * 1.25));
		const grow = <T extends Uint8Array | Int32Array | Uint32Array>(old: T, make: (len: number) => T, per = 1): T => {
			const next = make(cap * per);
			next.set(old);
			return next;
		};
		this.levels = grow(this.levels, (l) => new Uint8Array(l));
		this.deleted = grow(this.deleted, (l) => new Uint8Array(l));
		this.degree0 = grow(this.degree0, (l) => new Uint8Array(l));
		this.links0 = grow(this.links0, (l) => new Int32Array(l), this.m0);
		this.visited = new Uint32Array(cap);
		this.epoch = 0;
	}

	// mulberry32: the level generator, seeded, state kept in snapshots.
	private random(): number {
		let t = (this.randomState = (this.randomState + 0x6d2b79f5) >>> 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	// Level of a new node: ⌊−ln(U) · mL⌋ with mL = 1 / ln(M) (the paper's choice), capped.
	private randomLevel(): number {
		const level = Math.floor(-Math.log(1 - this.random()) / Math.log(this.params.m));
		return Math.min(level, 16);
	}

	private insert(node: number): void {
		const level = this.randomLevel();
		this.levels[node] = level;
		if (level > 0) this.upper[node] = new Int32Array(level * (this.params.m + 1));
		if (this.entry < 0) {
			this.entry = node;
			this.maxLevel = level;
			return;
		}
		this.matrix.setQuery(this.matrix.row(node));
		let ep = this.entry;
		let epScore = this.matrix.dotQueryRow(ep);
		for (let lc = this.maxLevel; lc > level; lc--) {
			const best = this.searchLayer([ep], [epScore], 1, lc);
			ep = best.nodes[0]!;
			epScore = best.scores[0]!;
		}
		let entries: { nodes: Int32Array; scores: Float64Array } = { nodes: Int32Array.of(ep), scores: Float64Array.of(epScore) };
		for (let lc = Math.min(level, this.maxLevel); lc >= 0; lc--) {
			const found = this.searchLayer(entries.nodes, entries.scores, this.params.efConstruction, lc);
			const chosen = this.selectNeighbours(found.nodes, found.scores, this.params.m);
			this.setLinks(node, lc, chosen);
			for (const other of chosen) this.addLink(other, node, lc);
			entries = found;
		}
		if (level > this.maxLevel) {
			this.entry = node;
			this.maxLevel = level;
		}
	}

	// Candidates from the graph for the current query (Algorithm 5 down to level 0).
	private graphCandidates(ef: number): { nodes: Int32Array; scores: Float64Array } {
		if (this.entry < 0) return { nodes: new Int32Array(0), scores: new Float64Array(0) };
		let ep = this.entry;
		let epScore = this.matrix.dotQueryRow(ep);
		for (let lc = this.maxLevel; lc > 0; lc--) {
			const best = this.searchLayer([ep], [epScore], 1, lc);
			ep = best.nodes[0]!;
			epScore = best.scores[0]!;
		}
		return this.searchLayer([ep], [epScore], ef, 0);
	}

	// Algorithm 2: best-first search of one level from the entry points, keeping `ef` results.
	private searchLayer(
		entryNodes: ArrayLike<number>,
		entryScores: ArrayLike<number>,
		ef: number,
		level: number
	): { nodes: Int32Array; scores: Float64Array } {
		const epoch = this.nextEpoch();
		const { candidates, results, visited } = this;
		candidates.clear();
		results.clear();
		for (let i = 0; i < entryNodes.length; i++) {
			this.visited[entryNodes[i]!] = epoch;
			candidates.push(entryScores[i]!, entryNodes[i]!);
			results.push(entryScores[i]!, entryNodes[i]!);
			if (results.size > ef) results.pop();
		}
		while (candidates.size > 0) {
			const score = candidates.topScore();
			const current = candidates.topNode();
			candidates.pop();
			if (results.size >= ef && score < results.topScore()) break;
			let list: Int32Array;
			let offset: number;
			let count: number;
			if (level === 0) {
				list = this.links0;
				offset = current * this.m0;
				count = this.degree0[current]!;
			} else ({ list, offset, count } = this.linksOf(current, level));
			const picks = this.matrix.picksView();
			let fresh = 0;
			for (let j = 0; j < count; j++) {
				const other = list[offset + j]!;
				if (visited[other] === epoch) continue;
				visited[other] = epoch;
				picks[fresh++] = other;
			}
			if (fresh === 0) continue;
			const scores = this.matrix.scorePicks(fresh);
			for (let j = 0; j < fresh; j++) {
				const s = scores[j]!;
				if (results.size < ef || s > results.topScore()) {
					candidates.push(s, picks[j]!);
					results.push(s, picks[j]!);
					if (results.size > ef) results.pop();
				}
			}
		}
		return results.drainDescending();
	}

	// Algorithm 4 (hnswlib's getNeighborsByHeuristic2): take candidates best first; keep one
	// only if it is closer to the base than to every neighbour kept so far.
	private selectNeighbours(nodes: ArrayLike<number>, scores: ArrayLike<number>, max: number): number[] {
		const kept: number[] = [];
		for (let i = 0; i < nodes.length && kept.length < max; i++) {
			const c = nodes[i]!;
			let diverse = true;
			for (const s of kept)
				if (this.matrix.dotRows(c, s) > scores[i]!) {
					diverse = false;
					break;
				}
			if (diverse) kept.push(c);
		}
		return kept;
	}

	private linksOf(node: number, level: number): { list: Int32Array; offset: number; count: number } {
		if (level === 0) return { list: this.links0, offset: node * this.m0, count: this.degree0[node]! };
		const u = this.upper[node]!;
		const at = (level - 1) * (this.params.m + 1);
		return { list: u, offset: at + 1, count: u[at]! };
	}

	private setLinks(node: number, level: number, links: readonly number[]): void {
		if (level === 0) {
			this.links0.set(links, node * this.m0);
			this.degree0[node] = links.length;
			return;
		}
		const u = this.upper[node]!;
		const at = (level - 1) * (this.params.m + 1);
		u[at] = links.length;
		u.set(links, at + 1);
	}

	// Add `to` to the links of `from`; past the level's cap, re-select with the heuristic.
	private addLink(from: number, to: number, level: number): void {
		const cap = level === 0 ? this.m0 : this.params.m;
		const { list, offset, count } = this.linksOf(from, level);
		if (count < cap) {
			list[offset + count] = to;
			if (level === 0) this.degree0[from] = count + 1;
			else list[offset - 1] = count + 1;
			return;
		}
		const all = [...list.subarray(offset, offset + count), to];
		const scored = all.map((n) => ({ n, s: this.matrix.dotRows(from, n) })).sort((a, b) => b.s - a.s || a.n - b.n);
		const chosen = this.selectNeighbours(
			scored.map((x) => x.n),
			scored.map((x) => x.s),
			cap
		);
		this.setLinks(from, level, chosen);
	}

	private nextEpoch(): number {
		if (++this.epoch === 0xffffffff) {
			this.visited.fill(0);
			this.epoch = 1;
		}
		return this.epoch;
	}
}

/**
 * Recall@k of the graph against the exact scan over the same rows, on `queries` probe vectors:
 * the normalised midpoints of pairs of stored vectors spread evenly over the index (points
 * between documents, not copies of them, which would be found trivially). 1 for an empty index.
 */
export function measureGraphRecall(index: HnswIndex, k = 10, queries = 50): number {
	const ids = index.liveIds();
	if (ids.length < 2) return 1;
	let found = 0;
	let wanted = 0;
	for (let i = 0; i < queries; i++) {
		const a = index.vectorOf(ids[Math.floor((i * ids.length) / queries)]!)!;
		const b = index.vectorOf(ids[Math.floor(((i + 0.5) * ids.length) / queries) % ids.length]!)!;
		const q = l2Normalize(Float32Array.from(a, (x, j) => x + b[j]!));
		const truth = new Set(index.exactSearch(k, undefined, q).map((h) => h.id));
		wanted += truth.size;
		for (const hit of index.search(q, k)) if (truth.has(hit.id)) found++;
	}
	return wanted === 0 ? 1 : found / wanted;
}
