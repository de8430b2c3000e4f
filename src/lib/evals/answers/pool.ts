import { AssayError } from '../../shared/errors.ts';

/** Most requests an answer or grading run keeps in flight (the page's "Concurrent requests" bound). */
export const MAX_CONCURRENCY = 32;

/** Inputs of {@link runOrderedPool}. */
export interface OrderedPoolInput<T, R> {
	readonly items: readonly T[];
	/** Most `work` calls in flight at once, integer 1–{@link MAX_CONCURRENCY}; default 1 (one after another). */
	readonly concurrency?: number;
	/** Aborting stops the pool: no new item starts, results not yet committed are dropped. */
	readonly signal?: AbortSignal;
	/** Produce item `index`'s result (may run concurrently with other items; never sees another item's result). */
	readonly work: (item: T, index: number) => Promise<R>;
	/**
	 * Keep one result. Called strictly in item order (0, 1, 2, …), one at a time, each awaited
	 * before the next, whatever order the `work` calls finished in. A throw stops the pool and
	 * is rethrown by {@link runOrderedPool} once the calls in flight have settled.
	 */
	readonly commit: (result: R, index: number) => Promise<void>;
}

/**
 * Check a concurrency setting: an integer 1–{@link MAX_CONCURRENCY}; `undefined` → 1.
 * @throws AssayError `CONFIG_INVALID` otherwise.
 */
export function checkConcurrency(value: number | undefined): number {
	const v = value ?? 1;
	if (!Number.isInteger(v) || v < 1 || v > MAX_CONCURRENCY)
		throw new AssayError(
			'CONFIG_INVALID',
			`Concurrent requests must be an integer from 1 to ${MAX_CONCURRENCY}, received ${String(value)}.`,
			{
				details: { field: 'concurrency' }
			}
		);
	return v;
}

/**
 * A bounded worker pool whose results are committed in item order: up to `concurrency` `work`
 * calls run at once (items start in order), and a finished result waits in a reorder buffer
 * until every earlier item is committed. So what is kept — and the order it is kept in — does
 * not depend on the concurrency or on which call finished first; with concurrency 1 it is a
 * plain loop. When `signal` aborts (or `commit` throws) no new item starts; results finished
 * but not yet committed are dropped, so the committed items are always a prefix of `items`.
 * @returns `committed` = results kept (a prefix length), `cancelled` = the signal aborted.
 * @throws AssayError `CONFIG_INVALID` for a bad concurrency; whatever `work` or `commit` throws (first one wins).
 */
export async function runOrderedPool<T, R>(input: OrderedPoolInput<T, R>): Promise<{ committed: number; cancelled: boolean }> {
	const concurrency = checkConcurrency(input.concurrency);
	const { items, signal } = input;
	const buffer = new Map<number, R>();
	let next = 0;
	let committed = 0;
	let committing = false;
	let failure: { error: unknown } | null = null;
	const halted = () => failure !== null || signal?.aborted === true;

	const drain = async (): Promise<void> => {
		if (committing) return;
		committing = true;
		try {
			while (!halted() && buffer.has(committed)) {
				const result = buffer.get(committed) as R;
				buffer.delete(committed);
				await input.commit(result, committed);
				committed++;
			}
		} catch (error) {
			failure ??= { error };
		} finally {
			committing = false;
		}
	};

	const worker = async (): Promise<void> => {
		while (next < items.length && !halted()) {
			const index = next++;
			let result: R;
			try {
				result = await input.work(items[index] as T, index);
			} catch (error) {
				failure ??= { error };
				return;
			}
			if (halted()) return;
			buffer.set(index, result);
			await drain();
		}
	};

	await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(items.length, 1)) }, worker));
	// A commit still pending when its worker found nothing left to take (another worker was committing) is done here.
	await drain();
	if (failure !== null) throw (failure as { error: unknown }).error;
	return { committed, cancelled: signal?.aborted === true };
}
