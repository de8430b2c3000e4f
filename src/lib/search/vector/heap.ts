/**
 * A bounded binary heap of (score, node) pairs in typed arrays, for graph search: `max` pops
 * the highest score first (the candidate queue), `min` the lowest (the result set, whose root
 * is the worst kept). Ties are broken by node number so runs are deterministic.
 */
export class ScoredHeap {
	private scores: Float64Array;
	private nodes: Int32Array;
	size = 0;
	private readonly isMax: boolean;

	/** @param order `max` or `min` at the root. @param capacity initial slots (grows). */
	constructor(
		private readonly order: 'max' | 'min',
		capacity = 64
	) {
		this.scores = new Float64Array(capacity);
		this.nodes = new Int32Array(capacity);
		this.isMax = order === 'max';
	}

	/** Empty the heap (keeps its storage). */
	clear(): void {
		this.size = 0;
	}

	/** Score at the root (undefined when empty). */
	topScore(): number {
		return this.scores[0]!;
	}

	/** Node at the root. */
	topNode(): number {
		return this.nodes[0]!;
	}

	push(score: number, node: number): void {
		if (this.size === this.scores.length) this.grow();
		let i = this.size++;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			if (!this.above(score, node, this.scores[parent]!, this.nodes[parent]!)) break;
			this.scores[i] = this.scores[parent]!;
			this.nodes[i] = this.nodes[parent]!;
			i = parent;
		}
		this.scores[i] = score;
		this.nodes[i] = node;
	}

	/** Remove the root. */
	pop(): void {
		const n = --this.size;
		if (n <= 0) return;
		const score = this.scores[n]!;
		const node = this.nodes[n]!;
		let i = 0;
		for (;;) {
			const l = 2 * i + 1;
			if (l >= n) break;
			const r = l + 1;
			const c = r < n && this.above(this.scores[r]!, this.nodes[r]!, this.scores[l]!, this.nodes[l]!) ? r : l;
			if (!this.above(this.scores[c]!, this.nodes[c]!, score, node)) break;
			this.scores[i] = this.scores[c]!;
			this.nodes[i] = this.nodes[c]!;
			i = c;
		}
		this.scores[i] = score;
		this.nodes[i] = node;
	}

	/**
	 * Empty a `min` heap into (nodes, scores), best score first, ties by node ascending: each pop
	 * yields the worst remaining, so they fill the arrays from the end.
	 */
	drainDescending(): { nodes: Int32Array; scores: Float64Array } {
		if (this.isMax) throw new Error('drainDescending needs a min heap.');
		const n = this.size;
		const nodes = new Int32Array(n);
		const scores = new Float64Array(n);
		for (let i = n - 1; i >= 0; i--) {
			nodes[i] = this.nodes[0]!;
			scores[i] = this.scores[0]!;
			this.pop();
		}
		return { nodes, scores };
	}

	// True when (sa, na) belongs nearer the root than (sb, nb).
	private above(sa: number, na: number, sb: number, nb: number): boolean {
		return this.isMax ? sa > sb || (sa === sb && na < nb) : sa < sb || (sa === sb && na > nb);
	}

	private grow(): void {
		const scores = new Float64Array(this.scores.length * 2);
		const nodes = new Int32Array(this.nodes.length * 2);
		scores.set(this.scores);
		nodes.set(this.nodes);
		this.scores = scores;
		this.nodes = nodes;
	}
}
