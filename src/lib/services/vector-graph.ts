import { HnswIndex, measureGraphRecall, type HnswSnapshot } from '../search/vector/index.ts';
import type { AssayStore, EmbeddingRecord } from '../storage/index.ts';

/**
 * The life of a workspace's HNSW graph in the library worker: restored from `indexState`
 * (kind `hnsw`) on load when it still fits the stored vectors, linked in the background in
 * slices between other work, its recall measured against the exact scan, and written back.
 */

/** What the page is told about a graph (see `SemanticStatus.graph`). */
export interface GraphState {
	/** A background link job is running. */
	linking: boolean;
	/** Wall time of the last link job, ms (null before one finished). */
	buildMs: number | null;
	/** Recall@10 against the exact scan on probe queries, after the last link job. */
	recallAt10: number | null;
	/** Probe queries behind `recallAt10`. */
	sampleQueries: number;
	/** The graph was read from storage instead of built. */
	restored: boolean;
}

/**
 * Time one link slice may take before the worker yields to queued messages (a search waits
 * at most about this long while a graph is being linked). Linking goes 16 rows at a time
 * (≈ 1–2 ms each at 384-d), checking the clock between.
 */
export const LINK_SLICE_MS = 50;
const LINK_STEP_NODES = 16;
/** Probe queries of the recall measurement. */
export const RECALL_PROBES = 50;

/** The fingerprint a stored graph must match: the model key and the graph's parameters. */
function fingerprint(modelKey: string, index: HnswIndex): string {
	return `${modelKey}|${JSON.stringify(index.params)}`;
}

/**
 * An HNSW index over `valid` (the workspace's valid vector records): the stored graph where it
 * fits — same model and parameters, and every document it covers unchanged (`sourceKeys`) —
 * plus any newer vectors as rows waiting to be linked; otherwise a fresh, unlinked index.
 */
export async function restoreGraph(
	store: AssayStore,
	workspaceId: string,
	modelKey: string,
	dims: number,
	valid: readonly EmbeddingRecord[],
	sourceKeys: ReadonlyMap<string, string>
): Promise<{ index: HnswIndex; state: GraphState }> {
	const fresh = new HnswIndex(dims);
	const record = await store.indexState.get(workspaceId, 'hnsw');
	const byId = new Map(valid.filter((r) => r.dims === dims).map((r) => [r.chunkId, r]));
	let index: HnswIndex | null = null;
	if (record && record.analyzerFingerprint === fingerprint(modelKey, fresh)) {
		const unchanged = Object.entries(record.documentHashes).every(([doc, key]) => sourceKeys.get(doc) === key);
		if (unchanged) index = HnswIndex.restore(record.snapshot as HnswSnapshot, (id) => byId.get(id)?.vector);
	}
	const target = index ?? fresh;
	target.add([...byId.values()].filter((r) => !target.has(r.chunkId)).map((r) => ({ id: r.chunkId, vector: r.vector })));
	const stored = index && record ? record.params : {};
	const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
	return {
		index: target,
		state: {
			linking: false,
			buildMs: num(stored['buildMs']),
			recallAt10: num(stored['recallAt10']),
			sampleQueries: num(stored['sampleQueries']) ?? 0,
			restored: index !== null
		}
	};
}

/**
 * Link every waiting row in slices of about `LINK_SLICE_MS` with `pause()` between them (`state.linking`
 * is true from the call on, before anything is awaited, so a status read right after sees it); stop early
 * (returning false) when `current()` turns false (the workspace was reloaded or its index
 * replaced). Then measure recall and store the graph with the source keys of its documents.
 */
export async function linkGraph(
	index: HnswIndex,
	state: GraphState,
	options: {
		readonly store: () => Promise<AssayStore>;
		readonly workspaceId: string;
		readonly modelKey: string;
		readonly sourceKeyOf: (chunkId: string) => [documentId: string, sourceKey: string] | undefined;
		readonly current: () => boolean;
		readonly pause: () => Promise<void>;
		readonly now: () => number;
	}
): Promise<boolean> {
	if (state.linking) return false;
	state.linking = true;
	const started = options.now();
	try {
		while (index.pending > 0) {
			if (!options.current()) return false;
			const sliceStart = options.now();
			while (index.pending > 0 && options.now() - sliceStart < LINK_SLICE_MS) index.link(LINK_STEP_NODES);
			await options.pause();
		}
		if (!options.current()) return false;
		state.buildMs = options.now() - started;
		state.recallAt10 = measureGraphRecall(index, 10, RECALL_PROBES);
		state.sampleQueries = RECALL_PROBES;
		const snapshot = index.snapshot();
		if (snapshot) {
			const documentHashes: Record<string, string> = {};
			for (const id of snapshot.ids) {
				const source = options.sourceKeyOf(id);
				if (source) documentHashes[source[0]] = source[1];
			}
			await (
				await options.store()
			).indexState.put({
				workspaceId: options.workspaceId,
				kind: 'hnsw',
				analyzerFingerprint: fingerprint(options.modelKey, index),
				// The measurements travel with the graph, so a restored one shows them without re-measuring.
				params: { ...index.params, buildMs: state.buildMs, recallAt10: state.recallAt10, sampleQueries: state.sampleQueries },
				snapshot,
				documentHashes,
				updatedAtMs: Date.now()
			});
		}
		return true;
	} finally {
		state.linking = false;
	}
}
