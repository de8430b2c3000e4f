import { PostingList } from './postings.ts';

/**
 * The mutable inside of a `Bm25Index`. Items get increasing internal ordinals; a removed
 * item leaves a hole (`ids[ordinal] === undefined`) until {@link compactState} renumbers.
 */
export interface IndexState {
	/** Item id by ordinal; `undefined` for a removed item. */
	ids: (string | undefined)[];
	ordinals: Map<string, number>;
	/** Item length (terms, repeats included) by ordinal; 0 for a removed item. */
	lengths: number[];
	/**
	 * Distinct term ids of each item by ordinal (needed to remove it). `null` until first
	 * needed after a restore: it is rebuilt from the postings rather than stored.
	 */
	forward: (Uint32Array | undefined)[] | null;
	termIds: Map<string, number>;
	terms: string[];
	postings: PostingList[];
	/**
	 * Postings added since the lists were last read, as one sequential log: triples
	 * `(termId, ordinal, tf)` in add order. Appending to one buffer instead of to each term's
	 * list is what makes indexing fast (no per-term growth and copying); {@link settlePostings}
	 * moves them into `postings` before anything reads those.
	 */
	pending: PendingPostings;
	liveCount: number;
	totalLength: number;
}

/** The {@link IndexState.pending} log: `entries[0 .. 3·length)` hold `length` triples. */
export interface PendingPostings {
	entries: Uint32Array;
	length: number;
}

/** An empty pending log (allocates on first append). */
export function emptyPending(): PendingPostings {
	return { entries: new Uint32Array(0), length: 0 };
}

/** Append `(termId, ordinal, tf)` to the pending log, doubling its buffer when full. */
export function appendPending(pending: PendingPostings, termId: number, ordinal: number, tf: number): void {
	let entries = pending.entries;
	const at = 3 * pending.length;
	if (at + 3 > entries.length) {
		const grown = new Uint32Array(Math.max(3 * 4096, entries.length * 2));
		grown.set(entries);
		entries = pending.entries = grown;
	}
	entries[at] = termId;
	entries[at + 1] = ordinal;
	entries[at + 2] = tf;
	pending.length++;
}

/**
 * Move the pending log into the per-term lists. Every term it touches gets its old entries
 * and the new ones (whose ordinals are all larger, so order holds) in one exact-size slice of
 * two shared pools: one counting pass, one copy, one scatter — O(pending + touched lists).
 */
export function settlePostings(state: IndexState): void {
	const pending = state.pending;
	const n = pending.length;
	if (n === 0) return;
	const entries = pending.entries;
	const counts = new Uint32Array(state.terms.length);
	for (let i = 0; i < n; i++) counts[entries[3 * i] as number]!++;
	let total = 0;
	for (let t = 0; t < counts.length; t++) if (counts[t] !== 0) total += (counts[t] as number) + (state.postings[t] as PostingList).length;
	const docsPool = new Uint32Array(total);
	const tfsPool = new Uint32Array(total);
	// counts[t] becomes the next write position of term t in the pools.
	let w = 0;
	for (let t = 0; t < counts.length; t++) {
		const added = counts[t] as number;
		if (added === 0) continue;
		const list = state.postings[t] as PostingList;
		const old = list.length;
		docsPool.set(list.docs.subarray(0, old), w);
		tfsPool.set(list.tfs.subarray(0, old), w);
		list.docs = docsPool.subarray(w, w + old + added);
		list.tfs = tfsPool.subarray(w, w + old + added);
		list.length = old + added;
		counts[t] = w + old;
		w += old + added;
	}
	for (let i = 0; i < n; i++) {
		const t = entries[3 * i] as number;
		const at = counts[t]!++;
		docsPool[at] = entries[3 * i + 1] as number;
		tfsPool[at] = entries[3 * i + 2] as number;
	}
	// Keep a small buffer for later adds; a big one would hold memory for nothing.
	state.pending = n > 4096 ? emptyPending() : { entries, length: 0 };
}

/** A state with nothing indexed. */
export function emptyState(): IndexState {
	return {
		ids: [],
		ordinals: new Map(),
		lengths: [],
		// Built from the postings on the first removal; a build that never removes needs none.
		forward: null,
		termIds: new Map(),
		terms: [],
		postings: [],
		pending: emptyPending(),
		liveCount: 0,
		totalLength: 0
	};
}

/** The forward index, built from the postings when a restored state does not have it yet. */
export function ensureForward(state: IndexState): (Uint32Array | undefined)[] {
	if (state.forward !== null) return state.forward;
	settlePostings(state);
	const counts = new Uint32Array(state.ids.length);
	for (const list of state.postings) {
		for (let j = 0; j < list.length; j++) counts[list.docs[j] ?? 0]!++;
	}
	const forward: (Uint32Array | undefined)[] = state.ids.map((id, ord) =>
		id === undefined ? undefined : new Uint32Array(counts[ord] ?? 0)
	);
	const fill = new Uint32Array(state.ids.length);
	state.postings.forEach((list, termId) => {
		for (let j = 0; j < list.length; j++) {
			const doc = list.docs[j] ?? 0;
			const row = forward[doc];
			if (row) row[fill[doc]!++] = termId;
		}
	});
	state.forward = forward;
	return forward;
}

/**
 * Drop the holes left by removed items and the terms no live item contains, renumbering
 * both in their existing order (so posting lists stay sorted). Rankings are unchanged.
 */
export function compactState(state: IndexState): void {
	settlePostings(state);
	const forward = ensureForward(state);
	const docMap = new Int32Array(state.ids.length).fill(-1);
	const ids: string[] = [];
	const lengths: number[] = [];
	state.ids.forEach((id, ord) => {
		if (id === undefined) return;
		docMap[ord] = ids.length;
		state.ordinals.set(id, ids.length);
		ids.push(id);
		lengths.push(state.lengths[ord] ?? 0);
	});
	const termMap = new Int32Array(state.terms.length).fill(-1);
	const terms: string[] = [];
	const postings: PostingList[] = [];
	state.postings.forEach((list, termId) => {
		list.renumber(docMap);
		const term = state.terms[termId] as string;
		if (list.length === 0) {
			state.termIds.delete(term);
			return;
		}
		termMap[termId] = terms.length;
		state.termIds.set(term, terms.length);
		terms.push(term);
		postings.push(list);
	});
	const newForward: (Uint32Array | undefined)[] = [];
	forward.forEach((row, ord) => {
		if (row === undefined || docMap[ord] === -1) return;
		newForward.push(row.map((t) => termMap[t] ?? 0));
	});
	state.ids = ids;
	state.lengths = lengths;
	state.forward = newForward;
	state.terms = terms;
	state.postings = postings;
}
