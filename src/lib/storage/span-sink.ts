/**
 * A {@link SpanSink} that persists finished spans to IndexedDB in batches, so tracing never
 * opens one transaction per span and `export()` never waits on storage.
 */
import type { SpanRecord, SpanSink } from '../tracing/types.ts';
import { AssayError } from '../shared/errors.ts';
import { toStorageError } from './errors.ts';

/** Where a sink writes: `AssayStore.spans` or anything with the same methods. */
export interface SpanWriter {
	/** Store all records in one transaction. */
	add(records: readonly SpanRecord[]): Promise<void>;
	/** Keep at most `maxCount` newest spans; resolves with the number deleted. */
	prune(maxCount: number): Promise<number>;
}

/** Timer functions used to schedule flushes; default `setTimeout` / `clearTimeout`. */
export interface FlushScheduler {
	/** Call `callback` once after `delayMs` milliseconds; returns a handle for {@link clear}. */
	set(callback: () => void, delayMs: number): unknown;
	/** Cancel a pending callback (a no-op for one that already ran). */
	clear(handle: unknown): void;
}

/** Options of {@link IdbSpanSink}. */
export interface IdbSpanSinkOptions {
	/** Milliseconds between the first buffered span and the automatic flush; default 250, ≥ 0. */
	readonly flushDelayMs?: number;
	/** Flush at once when this many spans are buffered; default 500, ≥ 1. */
	readonly maxBatchSize?: number;
	/** Most spans held in memory while storage is slow; the oldest beyond it are dropped. Default 10,000. */
	readonly maxBufferedSpans?: number;
	/**
	 * If set, prune storage to this many newest spans after a successful flush: the first flush,
	 * then once `pruneEverySpans` more spans have been written.
	 */
	readonly maxStoredSpans?: number;
	/**
	 * Spans written between two prunes; default a fiftieth of `maxStoredSpans` (1,000 for 50,000),
	 * ≥ 1. A prune counts the stored spans, which Chromium's IndexedDB does by walking the store:
	 * at 50,000 spans, pruning after every search's flush made searches 4× slower. Storage may
	 * exceed `maxStoredSpans` by at most this many spans between prunes.
	 */
	readonly pruneEverySpans?: number;
	/**
	 * Least milliseconds between two writes started by finished traces; default 100, ≥ 0. The
	 * first finished trace after a quiet spell is written on the next task (a reload right after
	 * an answer keeps it); a burst of them — searches typed in quick succession, a benchmark —
	 * shares one write per interval instead of one IndexedDB transaction each (OpenTelemetry's
	 * BatchSpanProcessor batches the same way, on a 5 s schedule).
	 */
	readonly rootFlushIntervalMs?: number;
	/** Monotonic clock for `rootFlushIntervalMs`, milliseconds; default `performance.now`. */
	readonly clock?: () => number;
	/** Timer functions (inject a manual scheduler in tests). */
	readonly scheduler?: FlushScheduler;
	/**
	 * Called when a batch cannot be stored (its spans are dropped), with a `STORAGE_*`
	 * AssayError. Default: `console.warn`.
	 */
	readonly onError?: (error: AssayError) => void;
}

const defaultScheduler: FlushScheduler = {
	set: (callback, delayMs) => setTimeout(callback, delayMs),
	clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>)
};

/**
 * Buffers spans from `export()` (synchronous, never throws) and writes them with
 * {@link SpanWriter.add} in batches: `flushDelayMs` after the first buffered span, on the next
 * task once a root span (a whole trace) is buffered — or, within `rootFlushIntervalMs` of the
 * last such write, when that interval is over — at once when `maxBatchSize` are buffered, or
 * when {@link flush} is called. Flushes run one after another,
 * in export order. Storage failures go to `onError`; they never reach the tracer.
 */
export class IdbSpanSink implements SpanSink {
	private buffer: SpanRecord[] = [];
	private timer: unknown = undefined;
	private chain: Promise<void> = Promise.resolve();
	private dropped = 0;
	private disposed = false;
	/** The pending timer is the next-task flush of a finished trace. */
	private rootTimer = false;
	/** When the last root-triggered write started (clock ms), or −∞. */
	private lastRootFlushAt = Number.NEGATIVE_INFINITY;
	private readonly rootFlushIntervalMs: number;
	private readonly clock: () => number;
	/** Whether storage was pruned once since this sink started, and spans written since the last prune. */
	private pruned = false;
	private sincePrune = 0;
	private readonly flushDelayMs: number;
	private readonly maxBatchSize: number;
	private readonly maxBufferedSpans: number;
	private readonly scheduler: FlushScheduler;
	private readonly onError: (error: AssayError) => void;

	/** Create a sink writing to `writer`. */
	constructor(
		private readonly writer: SpanWriter,
		private readonly options: IdbSpanSinkOptions = {}
	) {
		this.flushDelayMs = Math.max(0, options.flushDelayMs ?? 250);
		this.maxBatchSize = Math.max(1, options.maxBatchSize ?? 500);
		this.maxBufferedSpans = Math.max(1, options.maxBufferedSpans ?? 10_000);
		this.scheduler = options.scheduler ?? defaultScheduler;
		this.rootFlushIntervalMs = Math.max(0, options.rootFlushIntervalMs ?? 100);
		this.clock = options.clock ?? (() => performance.now());
		this.onError = options.onError ?? ((error) => console.warn(`${error.code}: ${error.message}`));
	}

	/** Spans waiting to be written. */
	get pendingCount(): number {
		return this.buffer.length;
	}

	/** Spans dropped so far (buffer overflow, failed batches, exports after {@link dispose}). */
	get droppedCount(): number {
		return this.dropped;
	}

	/** Buffer one finished span (synchronous). */
	export(span: SpanRecord): void {
		if (this.disposed) {
			this.dropped++;
			return;
		}
		this.buffer.push(span);
		if (this.buffer.length > this.maxBufferedSpans) {
			this.buffer.shift();
			this.dropped++;
		}
		if (this.buffer.length >= this.maxBatchSize) void this.flush();
		else if (span.parentSpanId === null) this.flushSoon();
		else if (this.timer === undefined) this.timer = this.scheduler.set(() => void this.flush(), this.flushDelayMs);
	}

	/**
	 * A root span ends its trace: write on the next task (roots ending together still share one
	 * transaction) rather than after `flushDelayMs`, so a page reload right after an answer or a
	 * search does not lose the whole trace from the buffer; within `rootFlushIntervalMs` of the
	 * last such write, when the interval is over (a burst of searches pays one write, not one each).
	 */
	private flushSoon(): void {
		if (this.rootTimer) return;
		if (this.timer !== undefined) this.scheduler.clear(this.timer);
		this.rootTimer = true;
		const wait = Math.max(0, this.lastRootFlushAt + this.rootFlushIntervalMs - this.clock());
		this.timer = this.scheduler.set(() => {
			this.rootTimer = false;
			this.lastRootFlushAt = this.clock();
			void this.flush();
		}, wait);
	}

	/**
	 * Write everything buffered now; resolves once it and any earlier flush are done. Never
	 * rejects: failures are reported through `onError`.
	 */
	flush(): Promise<void> {
		if (this.timer !== undefined) {
			this.scheduler.clear(this.timer);
			this.timer = undefined;
		}
		this.rootTimer = false;
		const batch = this.buffer;
		this.buffer = [];
		this.chain = this.chain.then(() => this.write(batch));
		return this.chain;
	}

	/** Flush what is buffered and stop: later exports are dropped (counted in {@link droppedCount}). */
	dispose(): Promise<void> {
		this.disposed = true;
		return this.flush();
	}

	private async write(batch: readonly SpanRecord[]): Promise<void> {
		if (batch.length === 0) return;
		try {
			await this.writer.add(batch);
		} catch (error) {
			this.dropped += batch.length;
			this.report(error, 'spans.add');
			return;
		}
		const maxStored = this.options.maxStoredSpans;
		if (maxStored === undefined) return;
		this.sincePrune += batch.length;
		if (this.pruned && this.sincePrune < (this.options.pruneEverySpans ?? Math.ceil(maxStored / 50))) return;
		this.pruned = true;
		this.sincePrune = 0;
		try {
			await this.writer.prune(maxStored);
		} catch (error) {
			this.report(error, 'spans.prune');
		}
	}

	private report(error: unknown, operation: string): void {
		try {
			this.onError(toStorageError(error, operation));
		} catch {
			// An error handler that throws must not break the flush chain.
		}
	}
}
