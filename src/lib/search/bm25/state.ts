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
	liveCount: number;
	totalLength: number;
}

/** A state with nothing indexed. */
export function emptyState(): IndexState {
	return {
		ids: [],
		ordinals: new Map(),
		lengths: [],
		forward: [],
		termIds: new Map(),
		terms: [],
		postings: [],
		liveCount: 0,
		totalLength: 0
	};
}

/** The forward index, built from the postings when a restored state does not have it yet. */
export function ensureForward(state: IndexState): (Uint32Array | undefined)[] {
	if (state.forward !== null) return state.forward;
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
