import { afterEach, describe, expect, it } from 'vitest';
import { openTestStore, span } from './fixtures.ts';
import { IdbSpanSink } from '../../../src/lib/storage/index.ts';
import type { AssayStore, FlushScheduler, SpanWriter } from '../../../src/lib/storage/index.ts';
import type { AssayError } from '../../../src/lib/shared/errors.ts';
import type { SpanRecord } from '../../../src/lib/tracing/types.ts';
import { waitUntil } from '../../support/wait.ts';

let store: AssayStore | undefined;
afterEach(() => {
	store?.close();
	store = undefined;
});

async function open(): Promise<AssayStore> {
	store = (await openTestStore()).store;
	return store;
}

/** A span with a parent (not the end of its trace). */
const child = (spanId: string, traceId: string, startTimeMs: number): SpanRecord => ({
	...span(spanId, traceId, startTimeMs),
	parentSpanId: 'root'
});

/** A scheduler whose timers run only when the test calls `runAll`. */
function manualScheduler(): FlushScheduler & { runAll(): void; pending(): number; delays: number[] } {
	let timers = new Map<number, () => void>();
	let next = 0;
	const delays: number[] = [];
	return {
		delays,
		set(callback, delayMs) {
			delays.push(delayMs);
			timers.set(++next, callback);
			return next;
		},
		clear(handle) {
			timers.delete(handle as number);
		},
		runAll() {
			const due = [...timers.values()];
			timers = new Map();
			for (const callback of due) callback();
		},
		pending: () => timers.size
	};
}

describe('spans repository', () => {
	it('listRecent returns the newest spans first, up to the limit', async () => {
		const s = await open();
		await s.spans.add([span('a', 't1', 10), span('b', 't1', 30), span('c', 't2', 20), span('d', 't2', 40)]);

		expect((await s.spans.listRecent(3)).map((x) => x.spanId)).toEqual(['d', 'b', 'c']);
		expect(await s.spans.listRecent(0)).toEqual([]);
	});

	it('listTrace returns one trace’s spans by start time', async () => {
		const s = await open();
		await s.spans.add([span('b', 't1', 30), span('x', 't2', 5), span('a', 't1', 10)]);

		expect((await s.spans.listTrace('t1')).map((x) => x.spanId)).toEqual(['a', 'b']);
		expect(await s.spans.listTrace('unknown')).toEqual([]);
	});

	it('prune keeps only the newest spans', async () => {
		const s = await open();
		await s.spans.add(Array.from({ length: 10 }, (_, i) => span(`s${i}`, 't', i)));

		expect(await s.spans.prune(4)).toBe(6);
		expect(await s.spans.count()).toBe(4);
		expect((await s.spans.listRecent(10)).map((x) => x.spanId)).toEqual(['s9', 's8', 's7', 's6']);
		expect(await s.spans.prune(4)).toBe(0);
	});
});

describe('IdbSpanSink', () => {
	it('buffers exported spans and writes them when the timer fires', async () => {
		const s = await open();
		const scheduler = manualScheduler();
		const sink = new IdbSpanSink(s.spans, { scheduler });

		sink.export(child('a', 't', 1));
		sink.export(child('b', 't', 2));

		expect(sink.pendingCount).toBe(2);
		expect(scheduler.pending()).toBe(1);
		expect(scheduler.delays).toEqual([250]);
		expect(await s.spans.count()).toBe(0);

		scheduler.runAll();
		await sink.flush();

		expect(sink.pendingCount).toBe(0);
		expect((await s.spans.listTrace('t')).map((x) => x.spanId)).toEqual(['a', 'b']);
	});

	it('writes on the next task once a root span ends its trace, in one batch with its children', async () => {
		const s = await open();
		const scheduler = manualScheduler();
		const sink = new IdbSpanSink(s.spans, { scheduler });

		sink.export(child('a', 't', 1));
		sink.export(span('root', 't', 0));
		sink.export(span('root2', 't2', 3));
		// The 250 ms timer was replaced by one next-task flush; a second root adds none.
		expect(scheduler.delays).toEqual([250, 0]);
		expect(scheduler.pending()).toBe(1);
		scheduler.runAll();
		await sink.flush();
		expect((await s.spans.listRecent(10)).map((x) => x.spanId).sort()).toEqual(['a', 'root', 'root2']);
		// After that flush, a child starts the 250 ms wait again.
		sink.export(child('c', 't3', 4));
		expect(scheduler.delays).toEqual([250, 0, 250]);
	});

	it('gives a burst of finished traces one write per interval, the first one on the next task', async () => {
		const s = await open();
		const scheduler = manualScheduler();
		let now = 1_000;
		const writes: number[] = [];
		const add = s.spans.add.bind(s.spans);
		const writer = {
			add: (records: readonly SpanRecord[]) => (writes.push(records.length), add(records)),
			prune: (n: number) => s.spans.prune(n)
		};
		const sink = new IdbSpanSink(writer, { scheduler, clock: () => now, rootFlushIntervalMs: 100 });

		sink.export(span('r1', 't1', 0));
		scheduler.runAll(); // the first trace after a quiet spell: next task
		await sink.flush();
		now += 30;
		sink.export(span('r2', 't2', 1));
		now += 10;
		sink.export(span('r3', 't3', 2));
		// 40 ms after the last write: both wait for the remaining 70 ms, in one write.
		expect(scheduler.delays).toEqual([0, 70]);
		now += 70;
		scheduler.runAll();
		await sink.flush();
		expect(writes).toEqual([1, 2]);
		now += 500;
		sink.export(span('r4', 't4', 3));
		expect(scheduler.delays).toEqual([0, 70, 0]);
	});

	it('flush writes at once and cancels the pending timer', async () => {
		const s = await open();
		const scheduler = manualScheduler();
		const sink = new IdbSpanSink(s.spans, { scheduler });

		sink.export(span('a', 't', 1));
		await sink.flush();

		expect(scheduler.pending()).toBe(0);
		expect(await s.spans.count()).toBe(1);
	});

	it('writes in batches of maxBatchSize without waiting for the timer', async () => {
		const batches: number[] = [];
		const writer: SpanWriter = {
			add: async (records) => void batches.push(records.length),
			prune: async () => 0
		};
		const sink = new IdbSpanSink(writer, { scheduler: manualScheduler(), maxBatchSize: 3 });

		for (let i = 0; i < 7; i++) sink.export(span(`s${i}`, 't', i));
		await sink.flush();

		expect(batches).toEqual([3, 3, 1]);
	});

	it('prunes storage after a flush when maxStoredSpans is set', async () => {
		const s = await open();
		const sink = new IdbSpanSink(s.spans, { scheduler: manualScheduler(), maxStoredSpans: 2 });

		for (let i = 0; i < 5; i++) sink.export(span(`s${i}`, 't', i));
		await sink.flush();

		expect((await s.spans.listRecent(10)).map((x) => x.spanId)).toEqual(['s4', 's3']);
	});

	it('prunes on the first flush and then once per pruneEverySpans written, not after every flush', async () => {
		let prunes = 0;
		const writer: SpanWriter = { add: async () => {}, prune: async () => (prunes++, 0) };
		// maxStoredSpans 1,000: by default a prune every 20 spans written.
		const sink = new IdbSpanSink(writer, { scheduler: manualScheduler(), maxStoredSpans: 1000 });
		for (let i = 0; i < 45; i++) {
			sink.export(span(`s${i}`, 't', i));
			await sink.flush();
		}
		// Flushes 1, 21 and 41.
		expect(prunes).toBe(3);
		const every5 = new IdbSpanSink(writer, { scheduler: manualScheduler(), maxStoredSpans: 1000, pruneEverySpans: 5 });
		prunes = 0;
		for (let i = 0; i < 10; i++) {
			every5.export(span(`e${i}`, 't', i));
			await every5.flush();
		}
		expect(prunes).toBe(2);
	});

	it('reports a failed batch through onError, counts it as dropped, and keeps working', async () => {
		const errors: AssayError[] = [];
		const stored: SpanRecord[] = [];
		let fail = true;
		const writer: SpanWriter = {
			add: async (records) => {
				if (fail) throw new DOMException('disk full', 'QuotaExceededError');
				stored.push(...records);
			},
			prune: async () => 0
		};
		const sink = new IdbSpanSink(writer, { scheduler: manualScheduler(), onError: (e) => errors.push(e) });

		sink.export(span('a', 't', 1));
		await expect(sink.flush()).resolves.toBeUndefined();
		fail = false;
		sink.export(span('b', 't', 2));
		await sink.flush();

		expect(errors.map((e) => e.code)).toEqual(['STORAGE_QUOTA']);
		expect(sink.droppedCount).toBe(1);
		expect(stored.map((x) => x.spanId)).toEqual(['b']);
	});

	it('export is synchronous and drops spans after dispose', async () => {
		const s = await open();
		const sink = new IdbSpanSink(s.spans, { scheduler: manualScheduler() });

		expect(sink.export(span('a', 't', 1))).toBeUndefined();
		await sink.dispose();
		sink.export(span('late', 't', 2));
		await sink.flush();

		expect((await s.spans.listRecent(10)).map((x) => x.spanId)).toEqual(['a']);
		expect(sink.droppedCount).toBe(1);
	});

	it('flushes on a real 250 ms timer by default', async () => {
		const s = await open();
		const sink = new IdbSpanSink(s.spans);

		sink.export(span('a', 't', 1));
		await waitUntil(async () => (await s.spans.count()) > 0, 'the default timer to flush the span');

		expect(await s.spans.count()).toBe(1);
		await sink.dispose();
	});
});
