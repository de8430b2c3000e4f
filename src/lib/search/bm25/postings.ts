/**
 * One term's posting list: parallel arrays of internal document ordinals (ascending) and
 * term frequencies. Ordinals only ever grow as documents are added, so appending keeps the
 * list sorted, and removal can binary-search.
 */
/** Shared zero-capacity storage of new lists: a list allocates on its first append, not when created. */
const NO_ENTRIES = new Uint32Array(0);

export class PostingList {
	/** Live entries are `docs[0..length)` / `tfs[0..length)`. */
	docs: Uint32Array;
	tfs: Uint32Array;
	length: number;

	constructor(docs: Uint32Array = NO_ENTRIES, tfs: Uint32Array = NO_ENTRIES, length = 0) {
		this.docs = docs;
		this.tfs = tfs;
		this.length = length;
	}

	/** Append `(doc, tf)`; `doc` must be greater than every ordinal already in the list. */
	append(doc: number, tf: number): void {
		if (this.length === this.docs.length) {
			const capacity = Math.max(4, this.length * 2);
			const docs = new Uint32Array(capacity);
			const tfs = new Uint32Array(capacity);
			docs.set(this.docs.subarray(0, this.length));
			tfs.set(this.tfs.subarray(0, this.length));
			this.docs = docs;
			this.tfs = tfs;
		}
		this.docs[this.length] = doc;
		this.tfs[this.length] = tf;
		this.length++;
	}

	/** Remove the entry for `doc`; returns whether it was there. O(log n) search + O(n) shift. */
	remove(doc: number): boolean {
		let lo = 0;
		let hi = this.length - 1;
		while (lo <= hi) {
			const mid = (lo + hi) >>> 1;
			const d = this.docs[mid] ?? 0;
			if (d === doc) {
				this.docs.copyWithin(mid, mid + 1, this.length);
				this.tfs.copyWithin(mid, mid + 1, this.length);
				this.length--;
				return true;
			}
			if (d < doc) lo = mid + 1;
			else hi = mid - 1;
		}
		return false;
	}

	/**
	 * Rewrite ordinals through `newOrdinal` (old → new, or -1 for a removed document) and
	 * drop removed ones. The mapping must be increasing on kept ordinals, so order survives.
	 */
	renumber(newOrdinal: Int32Array): void {
		let w = 0;
		for (let r = 0; r < this.length; r++) {
			const mapped = newOrdinal[this.docs[r] ?? 0] ?? -1;
			if (mapped < 0) continue;
			this.docs[w] = mapped;
			this.tfs[w] = this.tfs[r] ?? 0;
			w++;
		}
		this.length = w;
	}
}
