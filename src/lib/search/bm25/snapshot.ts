import { AssayError } from '../../shared/errors.ts';
import { PostingList } from './postings.ts';
import { emptyPending, settlePostings, type IndexState } from './state.ts';

/**
 * A `Bm25Index` as plain data: structured-clone friendly (post it to a worker, store it in
 * IndexedDB) and restorable without re-analysing any text. Items are numbered 0…n−1 in the
 * order they were added; posting lists are stored CSR-style (compressed sparse rows).
 */
export interface Bm25Snapshot {
	readonly format: 'assay.bm25';
	/** Snapshot layout version; 1. */
	readonly version: 1;
	/** `Analyzer.fingerprint` the terms were produced with. */
	readonly analyzerFingerprint: string;
	readonly k1: number;
	readonly b: number;
	/** Item ids; item `i` is `itemIds[i]`. */
	readonly itemIds: string[];
	/** Item lengths in terms (repeats included), length `itemIds.length`. */
	readonly itemLengths: Uint32Array;
	/** Distinct terms; only terms some item contains. */
	readonly terms: string[];
	/** Term `t`'s postings are entries `postingStarts[t]` … `postingStarts[t + 1] − 1`; length `terms.length + 1`. */
	readonly postingStarts: Uint32Array;
	/** Item numbers, strictly ascending within each term. */
	readonly postingItems: Uint32Array;
	/** Term frequency (≥ 1) of each entry. */
	readonly postingTfs: Uint32Array;
}

/** Plain-data copy of `state` (live items only, renumbered densely). */
export function stateToSnapshot(state: IndexState, analyzerFingerprint: string, k1: number, b: number): Bm25Snapshot {
	settlePostings(state);
	const dense = new Int32Array(state.ids.length).fill(-1);
	const itemIds: string[] = [];
	const lengths: number[] = [];
	state.ids.forEach((id, ord) => {
		if (id === undefined) return;
		dense[ord] = itemIds.length;
		itemIds.push(id);
		lengths.push(state.lengths[ord] ?? 0);
	});
	const terms: string[] = [];
	let total = 0;
	for (const list of state.postings) total += list.length;
	const postingItems = new Uint32Array(total);
	const postingTfs = new Uint32Array(total);
	const starts: number[] = [0];
	let w = 0;
	state.postings.forEach((list, termId) => {
		if (list.length === 0) return;
		terms.push(state.terms[termId] as string);
		for (let j = 0; j < list.length; j++) {
			postingItems[w] = dense[list.docs[j] ?? 0] ?? 0;
			postingTfs[w] = list.tfs[j] ?? 0;
			w++;
		}
		starts.push(w);
	});
	return {
		format: 'assay.bm25',
		version: 1,
		analyzerFingerprint,
		k1,
		b,
		itemIds,
		itemLengths: Uint32Array.from(lengths),
		terms,
		postingStarts: Uint32Array.from(starts),
		postingItems,
		postingTfs
	};
}

function invalid(message: string): AssayError {
	return new AssayError('CONFIG_INVALID', `Invalid BM25 snapshot: ${message}`);
}

/**
 * Rebuild index state from a snapshot after checking that it is internally consistent
 * (array lengths, ascending item numbers in range, unique ids and terms, lengths equal to
 * summed term frequencies). The typed arrays are copied, so the snapshot stays independent.
 * @throws AssayError `CONFIG_INVALID` naming the first inconsistency.
 */
export function snapshotToState(snapshot: Bm25Snapshot): IndexState {
	const { itemIds, itemLengths, terms, postingStarts, postingItems, postingTfs } = snapshot;
	const n = itemIds.length;
	if (!(itemLengths instanceof Uint32Array) || itemLengths.length !== n) {
		throw invalid(`itemLengths must be a Uint32Array of length ${n}`);
	}
	if (!(postingStarts instanceof Uint32Array) || postingStarts.length !== terms.length + 1) {
		throw invalid(`postingStarts must be a Uint32Array of length terms.length + 1 = ${terms.length + 1}`);
	}
	const total = postingStarts[terms.length] ?? 0;
	if (!(postingItems instanceof Uint32Array) || !(postingTfs instanceof Uint32Array)) {
		throw invalid('postingItems and postingTfs must be Uint32Arrays');
	}
	if (postingStarts[0] !== 0 || postingItems.length !== total || postingTfs.length !== total) {
		throw invalid(`postings must hold ${total} entries as postingStarts says`);
	}
	const ordinals = new Map<string, number>();
	itemIds.forEach((id, i) => {
		if (typeof id !== 'string' || ordinals.has(id)) throw invalid(`item id ${JSON.stringify(id)} is repeated or not a string`);
		ordinals.set(id, i);
	});
	const docs = postingItems.slice();
	const tfs = postingTfs.slice();
	const tfSums = new Float64Array(n);
	const termIds = new Map<string, number>();
	const postings: PostingList[] = [];
	for (let t = 0; t < terms.length; t++) {
		const term = terms[t] as string;
		if (termIds.has(term)) throw invalid(`term ${JSON.stringify(term)} is repeated`);
		termIds.set(term, t);
		const s = postingStarts[t] ?? 0;
		const e = postingStarts[t + 1] ?? 0;
		if (e <= s) throw invalid(`term ${JSON.stringify(term)} has no postings or decreasing starts`);
		for (let j = s; j < e; j++) {
			const doc = docs[j] ?? 0;
			if (doc >= n || (j > s && doc <= (docs[j - 1] ?? 0)) || (tfs[j] ?? 0) < 1) {
				throw invalid(`postings of term ${JSON.stringify(term)} are not ascending item numbers < ${n} with tf ≥ 1`);
			}
			tfSums[doc]! += tfs[j] ?? 0;
		}
		postings.push(new PostingList(docs.subarray(s, e), tfs.subarray(s, e), e - s));
	}
	let totalLength = 0;
	for (let i = 0; i < n; i++) {
		if (tfSums[i] !== itemLengths[i]) throw invalid(`item ${JSON.stringify(itemIds[i])} length ≠ sum of its term frequencies`);
		totalLength += itemLengths[i] ?? 0;
	}
	return {
		ids: [...itemIds],
		ordinals,
		lengths: Array.from(itemLengths),
		forward: null,
		termIds,
		terms: [...terms],
		postings,
		pending: emptyPending(),
		liveCount: n,
		totalLength
	};
}
