import { compareCodePoints } from '../../shared/ids.ts';

/** A scored result: `score` > 0, higher is better. */
export interface ScoredId {
	readonly id: string;
	readonly score: number;
}

/**
 * Ranking order used everywhere in Assay: score descending, then id DESCENDING by code point
 * (the order trec_eval evaluates tied documents in, so a run we write is scored as we ranked
 * it). Returns < 0 when `a` ranks first.
 */
export function compareHits(a: ScoredId, b: ScoredId): number {
	if (a.score !== b.score) return b.score - a.score;
	return compareCodePoints(b.id, a.id);
}

/**
 * Keeps the best `k` items seen, in {@link compareHits} order, with a binary min-heap whose
 * root is the worst kept item: O(n log k) for n offers instead of sorting everything.
 */
export class TopK {
	private readonly heap: ScoredId[] = [];

	constructor(private readonly k: number) {}

	/** Consider one item. */
	offer(item: ScoredId): void {
		const heap = this.heap;
		if (heap.length < this.k) {
			heap.push(item);
			this.siftUp(heap.length - 1);
			return;
		}
		const worst = heap[0];
		if (worst === undefined || compareHits(item, worst) >= 0) return;
		heap[0] = item;
		this.siftDown(0);
	}

	/** Would `score` (with the worst possible tie-break) still enter? Lets callers skip building an item. */
	admits(score: number): boolean {
		if (this.heap.length < this.k) return true;
		const worst = this.heap[0];
		return worst !== undefined && score >= worst.score;
	}

	/** The kept items, best first. */
	sorted(): ScoredId[] {
		return [...this.heap].sort(compareHits);
	}

	// A parent ranks after (is worse than) its children.
	private worse(i: number, j: number): boolean {
		return compareHits(this.heap[i] as ScoredId, this.heap[j] as ScoredId) > 0;
	}

	private siftUp(i: number): void {
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (!this.worse(i, parent)) break;
			this.swap(i, parent);
			i = parent;
		}
	}

	private siftDown(i: number): void {
		const n = this.heap.length;
		for (;;) {
			const l = 2 * i + 1;
			const r = l + 1;
			let worst = i;
			if (l < n && this.worse(l, worst)) worst = l;
			if (r < n && this.worse(r, worst)) worst = r;
			if (worst === i) return;
			this.swap(i, worst);
			i = worst;
		}
	}

	private swap(i: number, j: number): void {
		const t = this.heap[i] as ScoredId;
		this.heap[i] = this.heap[j] as ScoredId;
		this.heap[j] = t;
	}
}
