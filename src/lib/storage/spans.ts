/**
 * Stored trace spans: batch insert, recent listing, per-trace listing and pruning.
 */
import { AssayError } from '../shared/errors.ts';
import type { SpanEvent, SpanRecord } from '../tracing/types.ts';
import type { Connection } from './connection.ts';

/** Spans. Obtain through `AssayStore.spans`. */
export class SpansRepository {
	/** Wraps an open connection. */
	constructor(private readonly connection: Connection) {}

	/** Insert (or replace, by `spanId`) all `records` in one transaction; all or none are stored. */
	add(records: readonly SpanRecord[]): Promise<void> {
		if (records.length === 0) return Promise.resolve();
		return this.connection.write('spans.add', ['spans'], async (tx, batch) => {
			const store = tx.objectStore('spans');
			for (const record of records) batch.add(store.put(record));
		});
	}

	/** Up to `limit` spans with the latest `startTimeMs`, newest first. `limit` ≤ 0 gives `[]`. */
	listRecent(limit: number): Promise<SpanRecord[]> {
		if (limit <= 0) return Promise.resolve([]);
		return this.connection.read('spans.listRecent', ['spans'], async (tx) => {
			const out: SpanRecord[] = [];
			let cursor = await tx.objectStore('spans').index('startTimeMs').openCursor(null, 'prev');
			while (cursor && out.length < limit) {
				out.push(cursor.value);
				cursor = await cursor.continue();
			}
			return out;
		});
	}

	/** All spans of one trace, sorted by `startTimeMs` (ties by `spanId`); `[]` for an unknown trace. */
	listTrace(traceId: string): Promise<SpanRecord[]> {
		return this.connection.read('spans.listTrace', ['spans'], async (tx) => {
			const spans = await tx.objectStore('spans').index('traceId').getAll(traceId);
			return spans.sort((a, b) => a.startTimeMs - b.startTimeMs || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0));
		});
	}

	/** Every stored span (any order). */
	listAll(): Promise<SpanRecord[]> {
		return this.connection.read('spans.listAll', ['spans'], (tx) => tx.objectStore('spans').getAll());
	}

	/** Delete every span of the given traces in one transaction; resolves with the number of spans deleted. */
	deleteTraces(traceIds: readonly string[]): Promise<number> {
		if (traceIds.length === 0) return Promise.resolve(0);
		return this.connection.write('spans.deleteTraces', ['spans'], async (tx) => {
			const store = tx.objectStore('spans');
			let removed = 0;
			for (const traceId of new Set(traceIds)) {
				const keys = await store.index('traceId').getAllKeys(traceId);
				for (const key of keys) {
					await store.delete(key);
					removed++;
				}
			}
			return removed;
		});
	}

	/**
	 * Append `event` to the stored span `spanId` of trace `traceId`, read and written in one
	 * transaction (a concurrent append is never lost); resolves with the updated span.
	 * @throws AssayError `NOT_FOUND` when no such span is stored (or it belongs to another trace).
	 */
	addEvent(traceId: string, spanId: string, event: SpanEvent): Promise<SpanRecord> {
		return this.connection.write('spans.addEvent', ['spans'], async (tx, batch) => {
			const store = tx.objectStore('spans');
			const stored = (await store.get(spanId)) as SpanRecord | undefined;
			if (!stored || stored.traceId !== traceId)
				throw new AssayError('NOT_FOUND', `No stored span ${spanId} in trace ${traceId} (it may have been pruned).`);
			const updated: SpanRecord = { ...stored, events: [...stored.events, event] };
			batch.add(store.put(updated));
			return updated;
		});
	}

	/** Number of stored spans. */
	count(): Promise<number> {
		return this.connection.read('spans.count', ['spans'], (tx) => tx.objectStore('spans').count());
	}

	/**
	 * Delete the oldest spans (by `startTimeMs`) so at most `maxCount` remain; resolves with the
	 * number deleted. Spans of one trace may be split at the boundary.
	 */
	prune(maxCount: number): Promise<number> {
		const keep = Math.max(0, Math.floor(maxCount));
		return this.connection.write('spans.prune', ['spans'], async (tx) => {
			const store = tx.objectStore('spans');
			const excess = (await store.count()) - keep;
			let removed = 0;
			let cursor = excess > 0 ? await store.index('startTimeMs').openCursor(null, 'next') : null;
			while (cursor && removed < excess) {
				await cursor.delete();
				removed++;
				cursor = await cursor.continue();
			}
			return removed;
		});
	}
}
