import { AssayError, toErrorData, type AssayErrorData } from '../../shared/errors.ts';
import type { GoldenCase } from '../golden/types.ts';
import { readCachedSystemValue, systemCacheKey, systemOutputProblem, toCachedSystemValue } from './cache.ts';
import type { ResponseCache, SystemCaseResult, SystemOutput, SystemUnderTest } from './types.ts';

/** Requests in flight at once when the input names no `concurrency`. */
export const DEFAULT_CONCURRENCY = 4;

/** Seed of repeat 0 when the input names no `baseSeed` (repeat r uses `baseSeed + r`). */
export const DEFAULT_BASE_SEED = 42;

/** Inputs of {@link runSystemEval}. */
export interface SystemEvalInput {
	readonly system: SystemUnderTest;
	/** The golden cases to ask, in golden-set order (already filtered). */
	readonly cases: readonly GoldenCase[];
	/** Times each case is asked, integer ≥ 1; default 1. Repeat r is sent with seed `baseSeed + r`. */
	readonly repeats?: number;
	/** Seed of repeat 0, integer; default {@link DEFAULT_BASE_SEED}. */
	readonly baseSeed?: number;
	/** Most requests in flight at once, integer ≥ 1; default {@link DEFAULT_CONCURRENCY}. */
	readonly concurrency?: number;
	/** Response cache; absent or null = no cache (`--no-cache`). */
	readonly cache?: ResponseCache | null;
	/** Milliseconds clock for elapsed time and the ETA (e.g. `performance.now`); injected so tests need no timers. */
	readonly clock: () => number;
	/** Aborting stops the run: no new request starts; requests in flight get the signal and are not recorded. */
	readonly signal?: AbortSignal;
	/** Called with each result as it finishes (finish order), awaited before it counts as done. A throw stops the run and is rethrown. */
	readonly onResult?: (result: SystemCaseResult) => void | Promise<void>;
	/**
	 * Called after each recorded result: `done` of `total` = cases × repeats; `etaMs` = elapsed /
	 * done × (total − done) (mean time per finished request so far, which counts cache hits), ms.
	 */
	readonly onProgress?: (done: number, total: number, etaMs: number) => void;
}

/** What {@link runSystemEval} returns. */
export interface SystemEvalResult {
	/** Every recorded result, in golden-set order, repeats of a case in repeat order. */
	readonly results: readonly SystemCaseResult[];
	/** Requests answered from the cache. */
	readonly cacheHits: number;
	/** Requests sent to the system (cache misses, failed ones included). */
	readonly requests: number;
	/** Cache writes that failed (the result was kept; it is only not cached). */
	readonly cacheWriteErrors: number;
	/**
	 * Set when the system was unreachable (`SYSTEM_UNREACHABLE`): the run stopped, `error` is the
	 * first such error and `notRun` the case × repeat requests that never started. `null` otherwise.
	 */
	readonly stopped: { readonly error: AssayErrorData; readonly notRun: number } | null;
	/** True when `signal` aborted the run. */
	readonly cancelled: boolean;
	/** Clock milliseconds from start to the last result. */
	readonly elapsedMs: number;
}

const isAbort = (error: unknown): boolean =>
	typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';

function positiveInt(name: string, value: number | undefined, fallback: number): number {
	const v = value ?? fallback;
	if (!Number.isInteger(v) || v < 1)
		throw new AssayError('CONFIG_INVALID', `${name} must be an integer ≥ 1, received ${String(value)}.`, { details: { field: name } });
	return v;
}

/**
 * Ask a system every case × repeat, at most `concurrency` requests in flight. Tasks start in
 * golden-set order (a case's repeats one after another); each finished one is handed to
 * `onResult` and `onProgress`. Per request: the cache is looked up first ({@link systemCacheKey}
 * of the system's `cacheIdentity`, the case, repeat and seed) — a hit is the stored output with
 * `cached: true` and no request; a miss asks the system and stores the output (an error is
 * never cached). A thrown AssayError other than `SYSTEM_UNREACHABLE` (any other thrown value as
 * `INTERNAL`) is that request's `error`, counted and never scored, and the run goes on.
 * An output that is not a usable SystemOutput (`systemOutputProblem`) is the request's
 * `SYSTEM_RESPONSE_INVALID` error, not cached, so one bad reply never breaks the report.
 * `SYSTEM_UNREACHABLE` stops the run: no new request starts, those in flight finish and are
 * recorded, and the result says `stopped` with the count never started.
 * @throws AssayError `CONFIG_INVALID` for a bad `repeats`, `concurrency` or `baseSeed`; whatever `onResult` throws.
 */
export async function runSystemEval(input: SystemEvalInput): Promise<SystemEvalResult> {
	const repeats = positiveInt('repeats', input.repeats, 1);
	const concurrency = positiveInt('concurrency', input.concurrency, DEFAULT_CONCURRENCY);
	const baseSeed = input.baseSeed ?? DEFAULT_BASE_SEED;
	if (!Number.isInteger(baseSeed))
		throw new AssayError('CONFIG_INVALID', `baseSeed must be an integer, received ${String(input.baseSeed)}.`, {
			details: { field: 'baseSeed' }
		});
	const { system, clock, signal } = input;
	const cache = input.cache ?? null;
	const tasks = input.cases.flatMap((c, index) => Array.from({ length: repeats }, (_, repeat) => ({ c, index, repeat })));
	const total = tasks.length;
	const start = clock();
	const recorded: { index: number; result: SystemCaseResult }[] = [];
	let next = 0;
	let done = 0;
	let cacheHits = 0;
	let requests = 0;
	let cacheWriteErrors = 0;
	let stopped: { error: AssayErrorData } | null = null;
	let fatal: { error: unknown } | null = null;
	let lastMs = start;

	const ask = async (task: (typeof tasks)[number]): Promise<SystemCaseResult | null> => {
		const request = { case: task.c, repeat: task.repeat, seed: baseSeed + task.repeat, ...(signal ? { signal } : {}) };
		const key = cache ? await systemCacheKey(system.cacheIdentity, request) : null;
		if (cache && key !== null) {
			let hit: SystemOutput | undefined;
			try {
				hit = readCachedSystemValue(await cache.get(key));
			} catch {
				hit = undefined;
			}
			if (hit !== undefined) {
				cacheHits++;
				return { caseId: task.c.id, repeat: task.repeat, output: { ...hit, cached: true }, error: null };
			}
		}
		requests++;
		let output: SystemOutput;
		try {
			output = await system.answer(request);
		} catch (error) {
			if (signal?.aborted || isAbort(error)) return null;
			const data = toErrorData(error);
			if (data.code === 'SYSTEM_UNREACHABLE' && stopped === null) stopped = { error: data };
			return { caseId: task.c.id, repeat: task.repeat, output: null, error: data };
		}
		if (signal?.aborted) return null;
		const problem = systemOutputProblem(output);
		if (problem !== null) {
			const error = new AssayError('SYSTEM_RESPONSE_INVALID', `The system's output for case "${task.c.id}" is not usable: ${problem}.`, {
				details: { caseId: task.c.id }
			});
			return { caseId: task.c.id, repeat: task.repeat, output: null, error: toErrorData(error) };
		}
		if (cache && key !== null) {
			try {
				await cache.put(key, toCachedSystemValue(output));
			} catch {
				cacheWriteErrors++;
			}
		}
		const { cached: _cached, ...fresh } = output;
		return { caseId: task.c.id, repeat: task.repeat, output: fresh, error: null };
	};

	const worker = async (): Promise<void> => {
		while (next < total && stopped === null && fatal === null && !signal?.aborted) {
			const task = tasks[next++]!;
			const result = await ask(task);
			if (result === null || fatal !== null) continue;
			try {
				await input.onResult?.(result);
			} catch (error) {
				fatal = { error };
				continue;
			}
			recorded.push({ index: task.index, result });
			done++;
			lastMs = clock();
			const elapsed = lastMs - start;
			input.onProgress?.(done, total, (elapsed / done) * (total - done));
		}
	};

	await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(total, 1)) }, worker));
	if (fatal !== null) throw (fatal as { error: unknown }).error;
	recorded.sort((a, b) => a.index - b.index || a.result.repeat - b.result.repeat);
	const halted = stopped as { error: AssayErrorData } | null;
	return {
		results: recorded.map((r) => r.result),
		cacheHits,
		requests,
		cacheWriteErrors,
		stopped: halted === null ? null : { error: halted.error, notRun: total - next },
		cancelled: signal?.aborted === true,
		elapsedMs: lastMs - start
	};
}
