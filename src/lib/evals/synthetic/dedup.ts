/**
 * Near-duplicate questions: two questions are the same when their normalised word sets (NFKC,
 * lower case, letter/digit runs) have a Jaccard similarity of at least `threshold` (default 0.8).
 * "What is BM25?" and "what is bm25" are the same; "What is BM25?" and "Who made BM25?" are not.
 */

/** The normalised word set of a question. */
export function questionWords(question: string): Set<string> {
	return new Set(
		question
			.normalize('NFKC')
			.toLowerCase()
			.split(/[^\p{L}\p{N}]+/u)
			.filter((w) => w !== '')
	);
}

/** Jaccard similarity |A ∩ B| / |A ∪ B| of two word sets, in [0, 1]; two empty sets are 1. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
	if (a.size === 0 && b.size === 0) return 1;
	let inter = 0;
	for (const w of a) if (b.has(w)) inter++;
	return inter / (a.size + b.size - inter);
}

/** Remembers questions and tells whether a new one is a near duplicate of any of them. */
export class QuestionDeduper {
	private readonly seen: Set<string>[] = [];

	/** @param threshold Jaccard similarity from which two questions are the same, in (0, 1]; default 0.8 */
	constructor(
		existing: Iterable<string> = [],
		private readonly threshold = 0.8
	) {
		for (const q of existing) this.seen.push(questionWords(q));
	}

	/** Whether `question` is a near duplicate of one seen; if not, it is remembered. */
	isDuplicate(question: string): boolean {
		const words = questionWords(question);
		if (this.seen.some((s) => jaccard(s, words) >= this.threshold)) return true;
		this.seen.push(words);
		return false;
	}
}
