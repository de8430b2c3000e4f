import { AssayError } from '../../shared/errors.ts';
import { bestEntryPerDocument } from '../metrics/evaluate.ts';
import type { RunEntry } from '../metrics/trec-format.ts';

/** Retrieval as the runner sees it: a query → documents ranked best first, at most `depth`. */
export interface Retriever {
	retrieve(query: string, depth: number): readonly RunEntry[] | Promise<readonly RunEntry[]>;
	/** Chunk ids of the last retrieval of `query`, best first (before ranking documents); `undefined` when not kept or not run. */
	chunkHits?(query: string): readonly string[] | undefined;
}

/** Progress after each query. */
export interface EvalProgress {
	readonly done: number;
	readonly total: number;
	readonly queryId: string;
	readonly latencyMs: number;
}

/** Options of {@link runQueries}. */
export interface RunQueriesOptions {
	readonly depth: number;
	readonly onProgress?: (p: EvalProgress) => void;
	/** Polled between queries; true stops the run (the finished queries are kept). */
	readonly isCancelled?: () => boolean;
	/** Queries between two yields to the event loop (so a cancel message can arrive). Default 25. */
	readonly yieldEvery?: number;
}

/** Result of {@link runQueries}. */
export interface QueryRunResult {
	readonly run: Map<string, RunEntry[]>;
	/** Wall time of each query's retrieval, milliseconds. */
	readonly latencyMs: Map<string, number>;
	readonly cancelled: boolean;
}

/**
 * Retrieve every query with one retriever, timing each. Scores are rounded to 6 decimals, as
 * the TREC run export writes them, so metrics computed here equal `assay metrics` on the
 * exported run to the digit (ties are then broken by document id, as trec_eval does). A document
 * returned twice keeps only its best entry ({@link bestEntryPerDocument}), so the run is a document ranking.
 * @throws AssayError `DATASET_INVALID` for no query.
 */
export async function runQueries(
	queries: readonly { id: string; query: string }[],
	retriever: Retriever,
	options: RunQueriesOptions
): Promise<QueryRunResult> {
	if (queries.length === 0) throw new AssayError('DATASET_INVALID', 'Nothing to evaluate: the golden set has no case.');
	const run = new Map<string, RunEntry[]>();
	const latencyMs = new Map<string, number>();
	const every = options.yieldEvery ?? 25;
	for (const [i, q] of queries.entries()) {
		if (options.isCancelled?.()) return { run, latencyMs, cancelled: true };
		const started = performance.now();
		const hits = await retriever.retrieve(q.query, options.depth);
		const ms = performance.now() - started;
		// A document the retriever returns twice (two ids with one portable reference) keeps its best place.
		run.set(
			q.id,
			bestEntryPerDocument(hits)
				.slice(0, options.depth)
				.map((h) => ({ docId: h.docId, score: Math.round(h.score * 1e6) / 1e6 }))
		);
		latencyMs.set(q.id, ms);
		options.onProgress?.({ done: i + 1, total: queries.length, queryId: q.id, latencyMs: ms });
		if ((i + 1) % every === 0) await new Promise((resolve) => setTimeout(resolve, 0));
	}
	return { run, latencyMs, cancelled: false };
}

/**
 * Nearest-rank percentile (p in (0, 100]) of `values`: the smallest value with at least p % of
 * values ≤ it. `null` for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
