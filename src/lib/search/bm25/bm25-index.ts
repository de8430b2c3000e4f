import type { Analyzer } from '../analyzers/types.ts';
import { parseBm25Config } from '../../config/schema.ts';
import { AssayError } from '../../shared/errors.ts';
import { PostingList } from './postings.ts';
import { bm25Idf, bm25LengthNorm, bm25TermScore } from './scoring.ts';
import { stateToSnapshot, snapshotToState, type Bm25Snapshot } from './snapshot.ts';
import { appendPending, compactState, emptyState, ensureForward, settlePostings, type IndexState } from './state.ts';
import { TopK, type ScoredId } from './top-k.ts';

/** BM25 parameters: `k1` (tf saturation, 0–10, default 0.9) and `b` (length normalisation, 0–1, default 0.4). */
export interface Bm25Params {
	readonly k1: number;
	readonly b: number;
}

/** A search hit: item id and its BM25 score (always > 0). */
export type Bm25Hit = ScoredId;

/** Options of {@link Bm25Index.search}. */
export interface Bm25SearchOptions {
	/** Most hits returned; a non-negative integer (0 → `[]`). */
	readonly topK: number;
	/** Keep only items for which this returns true (applied before the top-k cut). */
	readonly filter?: (id: string) => boolean;
	/**
	 * The query's terms as this index's analyzer gives them (`analyzer.analyze(query)`), when the
	 * caller has them already: the query is then not analysed a second time.
	 */
	readonly terms?: readonly string[];
}

/** Holes from removals are compacted once they exceed both this count and half the slots. */
const COMPACT_MIN_HOLES = 1024;

/**
 * An in-memory BM25 index (formula and sources in `scoring.ts`) over items identified by
 * string ids: documents or chunks. Supports incremental add/remove with `N` and `avgdl`
 * always exact, so an index that had items removed ranks exactly like a fresh one.
 * Search accumulates scores in a `Float64Array` by internal ordinal and keeps the top k
 * with a heap. Not thread-safe; one owner at a time.
 */
export class Bm25Index {
	readonly k1: number;
	readonly b: number;
	readonly analyzer: Analyzer;
	private state: IndexState;
	/** `k1 · (1 − b + b · dl / avgdl)` by ordinal; `null` when an add/remove changed avgdl. */
	private norms: Float64Array | null = null;
	private scores = new Float64Array(0);
	/** {@link addTerms} scratch: tf by term id (all zero between calls) and an item's distinct term ids. */
	private tfScratch = new Uint32Array(0);
	private termScratch = new Uint32Array(0);

	/**
	 * @param params `k1`, `b` (validated with `parseBm25Config`).
	 * @param analyzer used by {@link add} and {@link search}; its fingerprint goes into snapshots.
	 * @throws AssayError `CONFIG_INVALID` when `k1`/`b` are out of range.
	 */
	constructor(params: Bm25Params, analyzer: Analyzer) {
		const valid = parseBm25Config({ k1: params.k1, b: params.b });
		this.k1 = valid.k1;
		this.b = valid.b;
		this.analyzer = analyzer;
		this.state = emptyState();
	}

	/**
	 * Restore an index saved with {@link toSnapshot}, without re-analysing text.
	 * @param expected when given, the snapshot's `k1`/`b` must equal these.
	 * @throws AssayError `CONFIG_INVALID` when the analyzer fingerprint or parameters differ,
	 *   or the snapshot is malformed.
	 */
	static fromSnapshot(snapshot: Bm25Snapshot, analyzer: Analyzer, expected?: Bm25Params): Bm25Index {
		if (snapshot?.format !== 'assay.bm25' || snapshot.version !== 1) {
			throw new AssayError(
				'CONFIG_INVALID',
				`Expected a BM25 snapshot (format "assay.bm25", version 1), received format ${JSON.stringify(snapshot?.format)} version ${JSON.stringify(snapshot?.version)}`
			);
		}
		if (snapshot.analyzerFingerprint !== analyzer.fingerprint) {
			throw new AssayError(
				'CONFIG_INVALID',
				`The BM25 snapshot was built with analyzer "${snapshot.analyzerFingerprint}" but is being opened with "${analyzer.fingerprint}"; re-index the collection`,
				{ details: { expected: analyzer.fingerprint, received: snapshot.analyzerFingerprint } }
			);
		}
		if (expected && (expected.k1 !== snapshot.k1 || expected.b !== snapshot.b)) {
			throw new AssayError(
				'CONFIG_INVALID',
				`The BM25 snapshot has k1=${snapshot.k1}, b=${snapshot.b} but k1=${expected.k1}, b=${expected.b} were expected`,
				{ details: { expected: { k1: expected.k1, b: expected.b }, received: { k1: snapshot.k1, b: snapshot.b } } }
			);
		}
		const index = new Bm25Index({ k1: snapshot.k1, b: snapshot.b }, analyzer);
		index.state = snapshotToState(snapshot);
		return index;
	}

	/** Number of items indexed (N), empty ones included. */
	get size(): number {
		return this.state.liveCount;
	}

	/** Corpus statistics: N, average item length in terms (0 when empty), distinct terms in live items. */
	stats(): { itemCount: number; averageLength: number; termCount: number } {
		settlePostings(this.state);
		const { liveCount, totalLength, postings } = this.state;
		let termCount = 0;
		for (const list of postings) if (list.length > 0) termCount++;
		return { itemCount: liveCount, averageLength: liveCount > 0 ? totalLength / liveCount : 0, termCount };
	}

	/** The ids of all indexed items, in insertion order. */
	*ids(): IterableIterator<string> {
		for (const id of this.state.ids) if (id !== undefined) yield id;
	}

	/** Number of live items containing `term` (an analyzed term), df in the BM25 idf; 0 when unknown. */
	documentFrequency(term: string): number {
		const termId = this.state.termIds.get(term);
		if (termId !== undefined) settlePostings(this.state);
		return termId === undefined ? 0 : (this.state.postings[termId]?.length ?? 0);
	}

	/** Whether an item with this id is indexed. */
	has(id: string): boolean {
		return this.state.ordinals.has(id);
	}

	/**
	 * Analyze `text` with the index's analyzer and add it as item `id`. Empty text is
	 * indexed as an item of length 0 (it counts in N and avgdl, never matches).
	 * @throws AssayError `INTERNAL` when `id` is already indexed (remove it first).
	 */
	add(id: string, text: string): void {
		const forEachTerm = this.analyzer.forEachTerm;
		if (forEachTerm === undefined) {
			this.addTerms(id, this.analyzer.analyze(text));
			return;
		}
		this.beginItem(id);
		this.syncTermKeys();
		let length = 0;
		try {
			forEachTerm.call(this.analyzer, text, (term, key) => {
				this.countTerm(term, key);
				length++;
			});
		} catch (error) {
			this.abandonItem(); // nothing of the item is kept; the scratch counts are zero again
			throw error;
		}
		this.endItem(id, length);
	}

	/**
	 * Add item `id` from already-analysed terms (repeats = term frequency), e.g. terms made
	 * in a worker with the same analyzer.
	 * @throws AssayError `INTERNAL` when `id` is already indexed.
	 */
	addTerms(id: string, terms: readonly string[]): void {
		this.beginItem(id);
		for (const term of terms) this.countTerm(term, -1);
		this.endItem(id, terms.length);
	}

	// Term frequencies without a Map per item: one count per term id in a scratch array reused
	// across items (zeroed again in endItem), the item's distinct term ids in first-occurrence
	// order in a second one; the postings go to the state's pending log (see settlePostings).
	private distinctCount = 0;
	/**
	 * The analyzer's term keys (`Analyzer.termKeyEpoch`) → this index's term id + 1 (0 =
	 * not seen yet), valid for epoch {@link keyEpoch}: a token costs an array read instead of
	 * a `Map` lookup by string. Cleared when the epoch changes or term ids are renumbered.
	 */
	private keyTermIds = new Int32Array(0);
	private keyEpoch = Number.NaN;

	private syncTermKeys(): void {
		const epoch = this.analyzer.termKeyEpoch?.() ?? Number.NaN;
		if (Object.is(epoch, this.keyEpoch)) return;
		this.keyTermIds.fill(0);
		this.keyEpoch = epoch;
	}

	private beginItem(id: string): void {
		if (this.state.ordinals.has(id)) {
			throw new AssayError('INTERNAL', `Item "${id}" is already in the BM25 index; remove it before adding it again`, {
				details: { id }
			});
		}
		this.distinctCount = 0;
	}

	private countTerm(term: string, key: number): void {
		let termId = key >= 0 && key < this.keyTermIds.length ? (this.keyTermIds[key] as number) - 1 : -1;
		if (termId < 0) {
			termId = this.termIdOf(term);
			if (key >= 0 && !Number.isNaN(this.keyEpoch)) this.rememberKey(key, termId);
		}
		let counts = this.tfScratch;
		if (termId >= counts.length) counts = this.growTfScratch(termId);
		const before = counts[termId] as number;
		counts[termId] = before + 1;
		if (before === 0) {
			const k = this.distinctCount++;
			if (k >= this.termScratch.length) {
				const grown = new Uint32Array(Math.max(1024, this.termScratch.length * 2));
				grown.set(this.termScratch);
				this.termScratch = grown;
			}
			this.termScratch[k] = termId;
		}
	}

	/** This index's id of `term`, adding the term (with an empty posting list) when new. */
	private termIdOf(term: string): number {
		const state = this.state;
		let termId = state.termIds.get(term);
		if (termId === undefined) {
			termId = state.terms.length;
			state.termIds.set(term, termId);
			state.terms.push(term);
			state.postings.push(new PostingList());
		}
		return termId;
	}

	private rememberKey(key: number, termId: number): void {
		if (key >= this.keyTermIds.length) {
			const grown = new Int32Array(Math.max(1024, key + 1, this.keyTermIds.length * 2));
			grown.set(this.keyTermIds);
			this.keyTermIds = grown;
		}
		this.keyTermIds[key] = termId + 1;
	}

	private abandonItem(): void {
		for (let j = 0; j < this.distinctCount; j++) this.tfScratch[this.termScratch[j] as number] = 0;
		this.distinctCount = 0;
	}

	private endItem(id: string, length: number): void {
		const state = this.state;
		const ordinal = state.ids.length;
		const counts = this.tfScratch;
		const distinct = this.termScratch;
		const k = this.distinctCount;
		const pending = state.pending;
		for (let j = 0; j < k; j++) {
			const termId = distinct[j] as number;
			appendPending(pending, termId, ordinal, counts[termId] as number);
			counts[termId] = 0;
		}
		state.ids.push(id);
		state.ordinals.set(id, ordinal);
		state.lengths.push(length);
		// A restored or never-pruned index builds its forward index lazily from the postings (which include this item).
		state.forward?.push(distinct.slice(0, k));
		state.liveCount++;
		state.totalLength += length;
		this.norms = null;
	}

	/** Remove item `id`; returns false when it was not indexed. */
	remove(id: string): boolean {
		const state = this.state;
		const ordinal = state.ordinals.get(id);
		if (ordinal === undefined) return false;
		settlePostings(state);
		const forward = ensureForward(state);
		for (const termId of forward[ordinal] ?? []) state.postings[termId]?.remove(ordinal);
		forward[ordinal] = undefined;
		state.ids[ordinal] = undefined;
		state.ordinals.delete(id);
		state.totalLength -= state.lengths[ordinal] ?? 0;
		state.lengths[ordinal] = 0;
		state.liveCount--;
		this.norms = null;
		const holes = state.ids.length - state.liveCount;
		if (holes > COMPACT_MIN_HOLES && holes * 2 > state.ids.length) {
			compactState(state);
			this.scores = new Float64Array(0);
			this.keyEpoch = Number.NaN; // term ids were renumbered
		}
		return true;
	}

	/**
	 * The best items for `query` (analysed with the index's analyzer), best first: score
	 * descending, ties by id descending in code-point order (trec_eval's order). Only items
	 * with score > 0 are hits; a query with no indexed term returns `[]`.
	 * @throws AssayError `CONFIG_INVALID` when `topK` is not a non-negative integer.
	 */
	search(query: string, options: Bm25SearchOptions): Bm25Hit[] {
		const { topK, filter } = options;
		if (!Number.isInteger(topK) || topK < 0) {
			throw new AssayError('CONFIG_INVALID', `topK must be a non-negative integer, received ${String(topK)}`);
		}
		const state = this.state;
		if (topK === 0 || state.liveCount === 0) return [];
		settlePostings(state);
		const queryTf = new Map<string, number>();
		for (const term of options.terms ?? this.analyzer.analyze(query)) queryTf.set(term, (queryTf.get(term) ?? 0) + 1);

		const norms = this.lengthNorms();
		if (this.scores.length < state.ids.length) this.scores = new Float64Array(state.ids.length);
		const scores = this.scores;
		const touched: number[] = [];
		for (const [term, repeats] of queryTf) {
			const termId = state.termIds.get(term);
			if (termId === undefined) continue;
			const list = state.postings[termId] as PostingList;
			if (list.length === 0) continue;
			// A term repeated in the query adds its score once per repeat.
			const idf = repeats * bm25Idf(state.liveCount, list.length);
			const { docs, tfs } = list;
			for (let j = 0; j < list.length; j++) {
				const doc = docs[j] as number;
				if (scores[doc] === 0) touched.push(doc);
				scores[doc]! += bm25TermScore(idf, tfs[j] as number, norms[doc] as number);
			}
		}

		const top = new TopK(topK);
		for (const doc of touched) {
			const score = scores[doc] as number;
			scores[doc] = 0;
			if (!(score > 0) || !top.admits(score)) continue;
			const id = state.ids[doc] as string;
			if (filter && !filter(id)) continue;
			top.offer({ id, score });
		}
		return top.sorted();
	}

	/** Plain-data copy of the index (see {@link Bm25Snapshot}); the index stays usable. */
	toSnapshot(): Bm25Snapshot {
		return stateToSnapshot(this.state, this.analyzer.fingerprint, this.k1, this.b);
	}

	private growTfScratch(termId: number): Uint32Array<ArrayBuffer> {
		const counts = new Uint32Array(Math.max(1024, termId + 1, this.tfScratch.length * 2));
		counts.set(this.tfScratch);
		this.tfScratch = counts;
		return counts;
	}

	private lengthNorms(): Float64Array {
		const { lengths, liveCount, totalLength } = this.state;
		if (this.norms && this.norms.length === lengths.length) return this.norms;
		const avgdl = liveCount > 0 ? totalLength / liveCount : 0;
		const norms = new Float64Array(lengths.length);
		for (let i = 0; i < lengths.length; i++) norms[i] = bm25LengthNorm(this.k1, this.b, lengths[i] ?? 0, avgdl);
		this.norms = norms;
		return norms;
	}
}
