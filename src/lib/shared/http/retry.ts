import { AssayError, type ErrorCode } from '../errors.ts';

/**
 * `fetch` with a per-attempt timeout and retries with exponential backoff and full jitter, for
 * every HTTP call Assay makes (the system under test, OpenAI-compatible answer and judge models,
 * the site's own demo files). Model downloads by transformers.js / web-llm go through those
 * libraries' own fetch and are not covered.
 *
 * Backoff: "Exponential Backoff And Jitter", Marc Brooker, AWS Architecture Blog (2015), "Full
 * Jitter": `delay = random() × min(maxDelayMs, baseDelayMs × 2^retry)` with `retry` = 0 for the
 * first retry. A `Retry-After` header (RFC 9110 §10.2.3: delta-seconds or an HTTP-date) replaces
 * that delay, capped at `maxRetryAfterMs`.
 *
 * Retried: network errors (fetch rejects), the per-attempt timeout, and HTTP statuses in
 * {@link RETRYABLE_STATUSES} (429, 502, 503, 504, 529). Every other response — 2xx, 3xx, other
 * 4xx and 5xx — is returned to the caller as is. The caller's abort signal stops at once: during
 * a request or a backoff wait the call rejects with the signal's reason (an `AbortError`).
 */

/** HTTP statuses retried: 429 Too Many Requests, 502/504 gateway, 503 Unavailable, 529 Overloaded (Anthropic). */
export const RETRYABLE_STATUSES: readonly number[] = [429, 502, 503, 504, 529];

/** Defaults of {@link RetryOptions}. */
export const RETRY_DEFAULTS = {
	timeoutMs: 60_000,
	maxRetries: 4,
	baseDelayMs: 500,
	maxDelayMs: 30_000,
	maxRetryAfterMs: 120_000
} as const;

/** Why one attempt is retried. */
export type RetryReason = 'network' | 'timeout' | 'status';

/** What {@link RetryOptions.onRetry} is told before each backoff wait. */
export interface RetryNotice {
	/** 1-based number of the attempt that failed. */
	readonly attempt: number;
	readonly reason: RetryReason;
	/** HTTP status of that attempt, or null for network errors and timeouts. */
	readonly status: number | null;
	/** The wait before the next attempt, ms. */
	readonly delayMs: number;
	/** True when the wait came from a `Retry-After` header. */
	readonly fromRetryAfter: boolean;
}

/** Options of {@link fetchWithRetry}; every field is optional. */
export interface RetryOptions {
	/** Per-attempt limit until the response headers arrive, ms (> 0); default 60 000. `Infinity` = none. */
	readonly timeoutMs?: number;
	/** Retries after the first attempt (integer ≥ 0); default 4, so at most 5 attempts. */
	readonly maxRetries?: number;
	/** Backoff base, ms; default 500. */
	readonly baseDelayMs?: number;
	/** Backoff ceiling before jitter, ms; default 30 000. */
	readonly maxDelayMs?: number;
	/** Ceiling on a server's `Retry-After`, ms; default 120 000. */
	readonly maxRetryAfterMs?: number;
	/** Code of the error thrown when retries are exhausted; default `SYSTEM_UNREACHABLE`. */
	readonly exhaustedCode?: ErrorCode;
	/** Called before each backoff wait (progress lines, idle watches). */
	readonly onRetry?: (notice: RetryNotice) => void;
	/** Called before each attempt, 1-based. */
	readonly onAttempt?: (attempt: number) => void;
	/** Injected `fetch`; default the global one. */
	readonly fetch?: typeof fetch;
	/** Injected wait; must reject when `signal` aborts. Default a `setTimeout` wait. */
	readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	/** Injected uniform random in [0, 1); default `Math.random`. */
	readonly random?: () => number;
	/** Injected wall clock, epoch ms (to read `Retry-After` dates); default `Date.now`. */
	readonly clock?: () => number;
	/** Injected timer for the per-attempt timeout: calls `fire` after `ms`, returns a cancel. Default `setTimeout`. */
	readonly timer?: (ms: number, fire: () => void) => () => void;
}

/**
 * Thrown when every attempt failed on a retryable failure. `code` is
 * {@link RetryOptions.exhaustedCode} (default `SYSTEM_UNREACHABLE`); `details` holds
 * `{url, attempts, lastStatus, lastReason}` (`lastStatus` null when the last attempt got no
 * response).
 */
export class RetryExhaustedError extends AssayError {
	readonly attempts: number;
	readonly lastStatus: number | null;
	readonly lastReason: RetryReason;

	constructor(
		code: ErrorCode,
		url: string,
		attempts: number,
		lastStatus: number | null,
		lastReason: RetryReason,
		cause?: unknown,
		lastBody = ''
	) {
		const what =
			lastReason === 'status'
				? `HTTP ${lastStatus}${lastBody ? `: ${lastBody}` : ''}`
				: lastReason === 'timeout'
					? 'no response before the timeout'
					: `a network error (${describe(cause)})`;
		super(code, `${url} could not be reached after ${attempts} attempt${attempts === 1 ? '' : 's'}; the last one got ${what}.`, {
			details: { url, attempts, lastStatus, lastReason },
			...(cause !== undefined ? { cause } : {})
		});
		this.attempts = attempts;
		this.lastStatus = lastStatus;
		this.lastReason = lastReason;
	}
}

/** True for a {@link RetryExhaustedError} (whatever code it carries). */
export function isRetryExhausted(error: unknown): error is RetryExhaustedError {
	return error instanceof RetryExhaustedError;
}

/**
 * The wait a `Retry-After` value asks for, ms, or null when absent or unreadable.
 * RFC 9110 §10.2.3: `Retry-After = HTTP-date / delay-seconds` (delay-seconds = 1*DIGIT). A date
 * in the past gives 0.
 * @param nowMs the current time, epoch ms (for the HTTP-date form).
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
	if (value === null || value === undefined) return null;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text) * 1000;
	// IMF-fixdate (and the obsolete RFC 850 / asctime forms) all parse with Date.parse; require a
	// letter so that "1.5" or "-3" are not read as dates.
	if (!/[a-z]/i.test(text)) return null;
	const at = Date.parse(text);
	if (Number.isNaN(at)) return null;
	return Math.max(0, at - nowMs);
}

/** Full-jitter backoff for retry `retry` (0-based): `random × min(maxDelayMs, baseDelayMs × 2^retry)`. */
export function backoffDelay(
	retry: number,
	random: number,
	baseDelayMs: number = RETRY_DEFAULTS.baseDelayMs,
	maxDelayMs: number = RETRY_DEFAULTS.maxDelayMs
): number {
	return random * Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
}

/** A `setTimeout` wait that rejects with the signal's reason on abort. */
export function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(abortReason(signal));
		const onAbort = () => {
			clearTimeout(handle);
			reject(abortReason(signal!));
		};
		const handle = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

const defaultTimer = (ms: number, fire: () => void): (() => void) => {
	const handle = setTimeout(fire, ms);
	return () => clearTimeout(handle);
};

/**
 * `fetch(url, init)` with retries (see the module comment). Resolves with the first response
 * whose status is not retryable (the caller checks `ok`); the request body must be replayable
 * (a string, bytes or `URLSearchParams`, not a stream).
 * @throws RetryExhaustedError after `maxRetries + 1` attempts that all failed retryably.
 * @throws the abort reason (an `AbortError` `DOMException`) when `init.signal` aborts.
 * @throws AssayError `CONFIG_INVALID` for out-of-range options.
 */
export async function fetchWithRetry(url: string, init: RequestInit = {}, options: RetryOptions = {}): Promise<Response> {
	const timeoutMs = options.timeoutMs ?? RETRY_DEFAULTS.timeoutMs;
	const maxRetries = options.maxRetries ?? RETRY_DEFAULTS.maxRetries;
	const baseDelayMs = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
	const maxDelayMs = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
	const maxRetryAfterMs = options.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs;
	if (!(timeoutMs > 0))
		throw new AssayError('CONFIG_INVALID', `timeoutMs must be a number of milliseconds above 0, got ${String(timeoutMs)}.`);
	if (!Number.isInteger(maxRetries) || maxRetries < 0)
		throw new AssayError('CONFIG_INVALID', `maxRetries must be an integer ≥ 0, got ${String(maxRetries)}.`);
	for (const [name, v] of [
		['baseDelayMs', baseDelayMs],
		['maxDelayMs', maxDelayMs],
		['maxRetryAfterMs', maxRetryAfterMs]
	] as const) {
		if (!(v >= 0) || !Number.isFinite(v))
			throw new AssayError('CONFIG_INVALID', `${name} must be a finite number of milliseconds ≥ 0, got ${String(v)}.`);
	}
	const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
	const sleep = options.sleep ?? sleepFor;
	const random = options.random ?? Math.random;
	const clock = options.clock ?? Date.now;
	const timer = options.timer ?? defaultTimer;
	const outer = init.signal ?? undefined;

	for (let attempt = 1; ; attempt++) {
		if (outer?.aborted) throw abortReason(outer);
		options.onAttempt?.(attempt);
		const controller = new AbortController();
		let timeoutError: unknown;
		const onOuterAbort = () => controller.abort(abortReason(outer!));
		outer?.addEventListener('abort', onOuterAbort, { once: true });
		const cancelTimer = Number.isFinite(timeoutMs)
			? timer(timeoutMs, () => {
					timeoutError = new DOMException(`No response within ${timeoutMs} ms`, 'TimeoutError');
					controller.abort(timeoutError);
				})
			: () => {};
		let reason: RetryReason;
		let status: number | null = null;
		let retryAfterMs: number | null = null;
		let cause: unknown;
		let lastBody = '';
		try {
			const response = await doFetch(url, { ...init, signal: controller.signal });
			if (!RETRYABLE_STATUSES.includes(response.status)) {
				// Keep following the caller's signal (body reads), but no longer the timeout.
				cancelTimer();
				return response;
			}
			reason = 'status';
			status = response.status;
			retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), clock());
			lastBody = await readStart(response, 300);
		} catch (error) {
			if (outer?.aborted) throw abortReason(outer);
			// A timeout only when the attempt failed because of it (not a network error that came first).
			reason =
				timeoutError !== undefined &&
				(error === timeoutError || ['AbortError', 'TimeoutError'].includes((error as { name?: string } | null)?.name ?? ''))
					? 'timeout'
					: 'network';
			cause = error;
		} finally {
			cancelTimer();
		}
		outer?.removeEventListener('abort', onOuterAbort);
		if (attempt > maxRetries)
			throw new RetryExhaustedError(options.exhaustedCode ?? 'SYSTEM_UNREACHABLE', url, attempt, status, reason, cause, lastBody);
		const fromRetryAfter = retryAfterMs !== null;
		const delayMs = fromRetryAfter
			? Math.min(retryAfterMs!, maxRetryAfterMs)
			: backoffDelay(attempt - 1, random(), baseDelayMs, maxDelayMs);
		options.onRetry?.({ attempt, reason, status, delayMs, fromRetryAfter });
		await sleep(delayMs, outer);
	}
}

/** The first `maxChars` characters of a body (for the error message), then the rest is cancelled. */
async function readStart(response: Response, maxChars: number): Promise<string> {
	if (!response.body) return '';
	const reader = response.body.getReader();
	const decoder = new TextDecoder();
	let text = '';
	try {
		while (text.length < maxChars) {
			const { value, done } = await reader.read();
			if (done) break;
			text += decoder.decode(value, { stream: true });
		}
	} catch {
		// A body that fails while being read adds nothing to the message.
	} finally {
		await reader.cancel().catch(() => {});
	}
	return text.slice(0, maxChars).trim();
}

function abortReason(signal: AbortSignal): unknown {
	return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

function describe(value: unknown): string {
	if (value instanceof Error) return value.cause instanceof Error ? `${value.message}: ${value.cause.message}` : value.message;
	return String(value);
}
