import { AssayError } from '../shared/errors.ts';

/** Progress of a batched embedding job, sent after every batch. */
export interface BatchProgress {
	readonly done: number;
	readonly total: number;
	/** Items per second so far (0 before the first batch ends). */
	readonly itemsPerSecond: number;
	/** Estimated milliseconds left: remaining / rate; `null` before the first batch ends. */
	readonly etaMs: number | null;
}

/** Options for {@link runInBatches}. */
export interface BatchOptions {
	/** Items per batch, ≥ 1. */
	readonly batchSize: number;
	/** Checked before every batch; `true` stops with `EMBEDDING_CANCELLED` (finished batches are kept by the caller). */
	readonly isCancelled?: () => boolean;
	readonly onProgress?: (p: BatchProgress) => void;
	/** Clock in milliseconds (tests pass a fake). Default `performance.now`. */
	readonly now?: () => number;
}

/**
 * Run `work` over `items` in consecutive batches of `batchSize`, one batch at a time, reporting
 * progress with a throughput-based ETA. `work` should persist its batch before resolving, so a
 * cancelled or crashed job resumes from the first unfinished batch.
 * @throws AssayError `EMBEDDING_CANCELLED` when `isCancelled` turns true; `RangeError` for a bad batch size.
 */
export async function runInBatches<T>(
	items: readonly T[],
	work: (batch: readonly T[]) => Promise<void>,
	options: BatchOptions
): Promise<void> {
	if (!Number.isInteger(options.batchSize) || options.batchSize < 1)
		throw new RangeError(`batchSize must be an integer ≥ 1, got ${options.batchSize}.`);
	const now = options.now ?? (() => performance.now());
	const started = now();
	options.onProgress?.({ done: 0, total: items.length, itemsPerSecond: 0, etaMs: null });
	for (let start = 0; start < items.length; start += options.batchSize) {
		if (options.isCancelled?.())
			throw new AssayError(
				'EMBEDDING_CANCELLED',
				`Embedding was cancelled after ${start} of ${items.length} chunks; the finished ones are kept.`,
				{ details: { done: start, total: items.length } }
			);
		const batch = items.slice(start, start + options.batchSize);
		await work(batch);
		const done = start + batch.length;
		const elapsedMs = Math.max(now() - started, 1e-9);
		const rate = (done / elapsedMs) * 1000;
		options.onProgress?.({ done, total: items.length, itemsPerSecond: rate, etaMs: ((items.length - done) / rate) * 1000 });
	}
}
